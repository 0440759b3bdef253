"""Orders: placing, shipments, sales documents."""
