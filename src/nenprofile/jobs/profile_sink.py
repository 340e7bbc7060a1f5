"""What profiling keeps of a sample's variants while they stream out of the reader: the
variants in knowledge-base genes (classification looks at no others), the TMB tally over
all of them, and the variant table, written as they pass. A variants.VariantConsumer, so
memory stays flat in the number of records.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

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

    def add(self, variant: Variant) -> None:
        self.tally.add(variant)
        if variant.gene in self.genes:
            self.variants.append(variant)
        if self.table is not None:
            self.table.add(variant)

    def restart(self) -> None:
        self.tally = TmbTally(self.tmb_settings)
        self.variants.clear()
        if self.table is not None:
            self.table.restart()

    def start_worker(self) -> None:
        self.tally = TmbTally(self.tmb_settings)
        self.variants.clear()
        if self.table is not None:
            self.table.start_worker()

    def worker_result(self) -> tuple[dict[str, int], list[Variant]]:
        if self.table is not None:
            self.table.worker_finish()
        counters = {name: getattr(self.tally, name) for name in COUNTERS}
        return counters, self.variants

    def merge(self, result: tuple[dict[str, Any], list[Variant]]) -> None:
        counters, variants = result
        self.tally.merge(TmbTally(self.tmb_settings, **counters))
        self.variants.extend(variants)
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
