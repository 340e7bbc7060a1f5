"""nenprofile: molecular profiling of high-grade neuroendocrine neoplasms."""

__version__ = "0.1.0"
