"""Reports for the partnership and its panel: reach into the groups at risk of exclusion, and the panel report."""
