"""What profiling keeps of a sample's variants while they stream out of the reader: the
variants in knowledge-base genes (classification looks at no others), the TMB tally over
all of them, and the variant table, written as they pass. A variants.VariantConsumer, so
memory stays flat in the number of records.

A sample's several files (start_file before each) are merged: a variant (chrom, pos, ref,
alt) an earlier file gave is one variant, its files listed in extra['sources']; the first
file's VAF and depth stay. Every variant's key is remembered across files up to
REMEMBERED_KEYS keys (tens of MB); beyond that only the keys that can matter: those of
knowledge-base variants and of variants that may count toward TMB (eligible, and
protein-changing or of unknown class), so TMB still counts each merged variant once while
memory grows with coding variants, not records. Past the cap a repeated variant outside both
is written to the variant table once per file (keys_capped; the job warns).
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from nenprofile.ingest.variants.annotation import gene_variants
from nenprofile.ingest.variants.duplicates import variant_key
from nenprofile.ingest.variants.table import VariantTableWriter
from nenprofile.interpret.biomarkers import COUNTERS, BiomarkerSettings, TmbTally
from nenprofile.model import Variant

# keys of any kind remembered across a sample's files (about 150 bytes each)
REMEMBERED_KEYS = 250_000


class ProfileSink:
    keeps_all = False
    # for the columnar reader (ingest/variants/_fast/columnar.py): with source None, add()
    # of a variant outside genes and without extra only adds it to tally and table
    adds_outside_genes_to_tally_and_table = True

    def __init__(
        self,
        genes: Container[str],
        tmb_settings: BiomarkerSettings,
        table: VariantTableWriter | None = None,
    ) -> None:
        self.genes = genes
        self.tmb_settings = tmb_settings
        self.table = table
        self.tally = TmbTally(tmb_settings)
        self.variants: list[Variant] = []
        # every kept variant's key: a duplicate the reader's neighbour check cannot see
        # (an unsorted file) is still one variant for classification
        self.kept_keys: set[tuple[str, int, str, str, str | None]] = set()
        self.duplicates = 0
        # several files: the current file's name, keys remembered from earlier files and
        # from this one, and this file's variants an earlier file gave
        self.source: str | None = None
        self.earlier_keys: set[tuple[str, int, str, str]] = set()
        self.file_keys: set[tuple[str, int, str, str]] = set()
        self.merged_keys: set[tuple[str, int, str, str]] = set()
        self.merged = 0
        self.keys_capped = False  # a key not remembered: see the module docstring
        # what restart() goes back to: the state before the current file
        self._file_start: tuple[dict[str, int], int, int] = ({}, 0, 0)

    def start_file(self, source: str) -> None:
        """The next file of the sample begins; source names it in extra['sources']."""
        if self.source is not None and self.table is not None:
            self.table.new_file()
        self.earlier_keys |= self.file_keys
        self.file_keys = set()
        self.merged_keys = set()
        self.merged = 0
        self.source = source
        counters = {name: getattr(self.tally, name) for name in COUNTERS}
        self._file_start = (counters, len(self.variants), self.duplicates)

    def end_file(self) -> None:
        """The current file is read: kept variants it gave again list it among their sources."""
        if not self.merged_keys:
            return
        for kept in self.variants:
            sources = kept.extra.get("sources")
            key = (kept.chrom, kept.pos, kept.ref, kept.alt)
            if key in self.merged_keys and sources is not None and self.source not in sources:
                sources.append(self.source)

    def add(self, variant: Variant) -> None:
        if self.source is not None and self._seen_in_other_file(variant):
            return
        if variant.gene in self.genes and not self._keep(variant):
            self.duplicates += 1
            return
        if variant.extra and "other_genes" in variant.extra:
            # another knowledge-base gene of the same record, with its own transcript
            for other in gene_variants(variant):
                if other.gene in self.genes:
                    self._keep(other)
        self.tally.add(variant)
        if self.table is not None:
            self.table.add(variant)

    def _keep(self, variant: Variant) -> bool:
        """Keep a variant unless one with the same key was kept; False for a duplicate."""
        key = variant_key(variant)
        if key in self.kept_keys:
            return False
        self.kept_keys.add(key)
        if self.source is not None:
            variant.extra = {**variant.extra, "sources": [self.source]}
        self.variants.append(variant)
        return True

    def _seen_in_other_file(self, variant: Variant) -> bool:
        """True (and remembered in merged_keys) when an earlier file gave the variant; else
        remembers its key when it may matter."""
        key = (variant.chrom, variant.pos, variant.ref, variant.alt)
        if key in self.earlier_keys:
            self.merged_keys.add(key)
            self.merged += 1
            return True
        room = len(self.file_keys) + len(self.earlier_keys) < REMEMBERED_KEYS
        if room or variant.gene in self.genes or self.tally.may_count(variant):
            self.file_keys.add(key)
        else:
            self.keys_capped = True
        return False

    def restart(self) -> None:
        """The reader starts the current file again (another engine): back to the state
        before it."""
        counters, n_variants, duplicates = self._file_start
        self.tally = TmbTally(self.tmb_settings, **counters)
        for variant in self.variants[n_variants:]:
            self.kept_keys.discard(variant_key(variant))
        del self.variants[n_variants:]
        self.duplicates = duplicates
        self.file_keys = set()
        self.merged_keys = set()
        self.merged = 0
        if self.table is not None:
            self.table.restart()

    def start_worker(self) -> None:
        self.tally = TmbTally(self.tmb_settings)
        self.variants.clear()
        self.kept_keys.clear()
        self.duplicates = 0
        self.file_keys = set()
        self.merged_keys = set()
        self.merged = 0
        if self.table is not None:
            self.table.start_worker()

    def worker_result(self) -> tuple[dict[str, int], list[Variant], int, Any]:
        if self.table is not None:
            self.table.worker_finish()
        counters = {name: getattr(self.tally, name) for name in COUNTERS}
        files = (self.file_keys, self.merged_keys, self.merged)
        return counters, self.variants, self.duplicates, files

    def merge(self, result: tuple[dict[str, Any], list[Variant], int, Any]) -> None:
        counters, variants, duplicates, (file_keys, merged_keys, merged) = result
        self.tally.merge(TmbTally(self.tmb_settings, **counters))
        self.duplicates += duplicates
        self.file_keys |= file_keys
        self.merged_keys |= merged_keys
        self.merged += merged
        for variant in variants:
            if not self._keep(variant):
                self.duplicates += 1
        if self.table is not None:
            self.table.append_part()

    def abandon_worker(self) -> None:
        if self.table is not None:
            self.table.remove_part()

    def count(self) -> int:
        return self.tally.variants

    def kept(self) -> list[Variant]:
        return self.variants

    def finish(self) -> None:
        if self.table is not None:
            self.table.finish()


__all__ = ["ProfileSink"]
