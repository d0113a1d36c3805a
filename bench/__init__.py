"""Benchmarks of the service and its index."""
