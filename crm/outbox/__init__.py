"""Email the product sends: an outbox of messages, each written once and sent from there."""
