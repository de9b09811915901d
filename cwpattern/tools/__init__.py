"""Benchmarking tools around the pattern engine, not part of it.

``bench`` times patterns on events (``cwpattern bench``); ``jq`` translates a pattern
into a jq program, a baseline that the benchmarks measure the engine against.
"""
