"""Routes: filled in by this issue."""
