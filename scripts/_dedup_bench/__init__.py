"""Parts of scripts/bench_dedup.py (one module per section)."""
