"""Tools on top of the pipeline: the live server and the status pages."""
