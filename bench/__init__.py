"""Benchmarks: `make bench` (or `python -m bench [--only NAME] [--quick]`); figures in docs/benchmarks.md."""
