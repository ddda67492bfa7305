"""Readers and writers at the boundary: user files in, canonical tables out."""
