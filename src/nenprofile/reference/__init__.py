"""Reference data every stage reads: gene coordinates, hotspots and the knowledge base."""
