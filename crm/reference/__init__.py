"""Reference lists that admins keep: issue categories and the groups at increased risk of exclusion."""
