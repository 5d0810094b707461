"""Subscriber exports: filters, layouts, and a CSV stream read in batches (keyset pages; on PostgreSQL the plain
layout from one server-side cursor)."""
