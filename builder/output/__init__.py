"""Stage 6, output: writing the site so that nothing is ever half-written, and shards merged."""
