"""The HTML view of an analysis and its figures."""
