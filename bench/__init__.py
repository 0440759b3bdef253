"""Load benchmark of the shop against a bare Flask app: see bench/README.md."""
