"""linkwarden: link health and metadata enrichment for curated research lists."""

__version__ = "0.1.0"
