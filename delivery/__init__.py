"""Delivery of the outbox over real channels: e-mail (with calendar invites) and chat webhooks.

The workflow only *queues* messages (the outbox, in PostgreSQL); the dispatcher here sends them.
See docs/delivery.md for the exact delivery guarantee.
"""
