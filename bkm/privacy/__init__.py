"""The customer's rights over their personal data (R9.1–R9.5, R3.9, R3.10): the data map,
export and access, erasure with its exceptions, and retention."""
