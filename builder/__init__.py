"""infopages: accessible, multilingual information pages."""

__version__ = "0.1.0"
