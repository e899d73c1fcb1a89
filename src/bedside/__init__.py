"""bedside: a self-hosted social-media manager for physicians and medical practices."""

__version__ = "0.1.0"
