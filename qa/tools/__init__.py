"""Measurement faces over the public API: ``qa eval`` (answer quality) and ``qa bench`` (speed, memory)."""
