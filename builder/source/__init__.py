"""Stage 1, source: the project's inputs — `site.yaml`, content files and YAML — read and validated."""
