"""Stage 2, segments: Markdown blocks ↔ msgids, with the source line of every block."""
