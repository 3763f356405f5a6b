"""specc: declarative, enforceable quality for annotation data."""

__version__ = "0.1.0"
