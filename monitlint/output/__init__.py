"""Output formats for findings; each module is imported only when chosen."""
