"""Ingest: read each input a sample has (variants, copy number, fusions, expression, sheet)
into typed records, or refuse it with an InputError that names the file, line and fix."""
