"""Administration of user accounts."""
