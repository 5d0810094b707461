"""Subscriber exports: filters, layouts, and a CSV stream read in keyset batches."""
