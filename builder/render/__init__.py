"""Stage 5, render: one page in one locale, from plain inputs, to bytes."""
