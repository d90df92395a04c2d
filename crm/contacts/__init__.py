"""People at partner organisations."""
