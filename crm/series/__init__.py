"""Meeting series: the standing bodies that meet again and again."""
