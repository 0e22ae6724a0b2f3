"""Page builders: the context of a page, built once, for every view that shows it. Read-only."""
