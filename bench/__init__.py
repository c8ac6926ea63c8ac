"""Load and latency benchmarks of the clinic, run by ``make bench``."""
