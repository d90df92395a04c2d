"""Partner agencies and groups."""
