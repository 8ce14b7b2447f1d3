"""UXA Inspector: see what a site's Contentsquare identify integration really does."""

__version__ = "0.1.0"
