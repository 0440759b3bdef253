"""The audit log: who on the staff saw whose personal data, and when. Append-only."""
