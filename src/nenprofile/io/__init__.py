"""Files in and out: text reading, atomic TSV/JSON writers, YAML and schema validation."""
