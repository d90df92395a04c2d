"""Actions agreed at meetings (or raised on their own), and their progress."""
