"""Outgoing e-mail: an outbox table written in the business transaction, sent after commit."""
