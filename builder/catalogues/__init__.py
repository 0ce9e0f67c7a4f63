"""Stage 3, catalogues: extract segments into a POT, merge it into PO files, count what is left."""
