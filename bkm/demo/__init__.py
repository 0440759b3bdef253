"""Demo data: a realistic catalogue with generated images, and staff accounts."""
