"""What profiling keeps of a sample's variants while they stream out of the reader: the
variants in knowledge-base genes (classification looks at no others), the TMB tally over
all of them, and the variant table, written as they pass. A variants.VariantConsumer, so
memory stays flat in the number of records.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from nenprofile.ingest.variants.annotation import gene_variants
from nenprofile.ingest.variants.duplicates import variant_key
from nenprofile.ingest.variants.table import VariantTableWriter
from nenprofile.interpret.biomarkers import COUNTERS, BiomarkerSettings, TmbTally
from nenprofile.model import Variant


class ProfileSink:
    keeps_all = False

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

    def add(self, variant: Variant) -> None:
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
        self.variants.append(variant)
        return True

    def restart(self) -> None:
        self.tally = TmbTally(self.tmb_settings)
        self.variants.clear()
        self.kept_keys.clear()
        self.duplicates = 0
        if self.table is not None:
            self.table.restart()

    def start_worker(self) -> None:
        self.tally = TmbTally(self.tmb_settings)
        self.variants.clear()
        self.kept_keys.clear()
        self.duplicates = 0
        if self.table is not None:
            self.table.start_worker()

    def worker_result(self) -> tuple[dict[str, int], list[Variant], int]:
        if self.table is not None:
            self.table.worker_finish()
        counters = {name: getattr(self.tally, name) for name in COUNTERS}
        return counters, self.variants, self.duplicates

    def merge(self, result: tuple[dict[str, Any], list[Variant], int]) -> None:
        counters, variants, duplicates = result
        self.tally.merge(TmbTally(self.tmb_settings, **counters))
        self.duplicates += duplicates
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
