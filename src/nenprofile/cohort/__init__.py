"""Cohort: the per-sample tables combined, and provenance of a run."""
