"""The partnership's page: counts per housing area and period, never a person."""
