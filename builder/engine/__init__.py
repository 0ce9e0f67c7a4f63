"""The build engine: full and incremental builds, the build record, parallel workers.

A cache around the pure build (render), never a second implementation of it.
"""
