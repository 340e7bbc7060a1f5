"""Interpret: oncogenicity, biomarkers (TMB, MSI, HRR/MMR, pattern), PD-L1 and expression
markers, from the ingested records of one sample. Pure functions, no I/O."""
