"""Match: the knowledge base's therapy rules (and optional user evidence such as CIViC)
applied to an interpreted sample, giving ranked therapy options."""
