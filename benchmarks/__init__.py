"""Benchmarks: ``nox -s bench`` (or ``python -m benchmarks [NAME...]``) prints figures.

Each ``benchmarks/bench_NAME.py`` module defines ``main() -> None``; timings are printed,
never asserted.
"""
