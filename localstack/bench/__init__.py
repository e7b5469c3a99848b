"""Benchmarks behind `twoway bench` (see docs/performance.md)."""
