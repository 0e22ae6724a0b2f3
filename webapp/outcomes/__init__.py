"""Where residents end up, and the partnership's counts of it (issue 20)."""
