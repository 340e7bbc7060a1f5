"""The same variant written twice is one variant.

Sorted VCFs hold a duplicate next to its twin (same CHROM and POS), so the reader keeps
only the alleles of the current position: no memory grows with the file, and the test
costs one comparison per record. Records that go back in position are counted
('unsorted_records'); duplicates among them can only be caught downstream (the profile's
knowledge-base variants are checked in full, profile_sink.py).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

DUPLICATE_KEY = "duplicate_skipped"
UNSORTED_KEY = "unsorted_records"


def new_position_state() -> list[Any]:
    """[chrom, pos, ref, alt, other (ref, alt) pairs at this position or None]."""
    return [None, -1, "", "", None]


def seen_here(here: list[Any], chrom: str, pos: int, ref: str, alt: str) -> bool:
    """At the current position (pos == here[1], chrom == here[0]): was this allele added?
    Remembers it otherwise."""
    if ref == here[2] and alt == here[3]:
        return True
    others = here[4]
    if others is None:
        others = here[4] = set()
    if (ref, alt) in others:
        return True
    others.add((ref, alt))
    return False


def is_duplicate(
    here: list[Any], counts: Counter[str], chrom: str, pos: int, ref: str, alt: str
) -> bool:
    """True (and counted) when the variant repeats one added at the same position."""
    if pos == here[1] and chrom == here[0]:
        if seen_here(here, chrom, pos, ref, alt):
            counts[DUPLICATE_KEY] += 1
            return True
        return False
    if pos < here[1] and chrom == here[0]:
        counts[UNSORTED_KEY] += 1
    here[0], here[1], here[2], here[3], here[4] = chrom, pos, ref, alt, None
    return False


def variant_key(variant: Any) -> tuple[str, int, str, str, str | None]:
    """What makes a variant the same one: position, alleles and gene (a record may give a
    variant in each of two overlapping genes)."""
    return (variant.chrom, variant.pos, variant.ref, variant.alt, variant.gene)
