"""Where read_vcf puts each Variant, in file order.

The default, VariantList, keeps every variant (IngestResult.variants is all of them). A
caller that needs only some (profile_sink.ProfileSink: the knowledge-base genes, TMB counts
and the variant table written as it goes) passes its own consumer, and memory then stays
flat in the number of records.

A two-process read (parallel.py) forks after the consumer is made: the worker calls
start_worker() on its copy, adds its share, and sends worker_result() back; this process
adds its own share, then merge()s the worker's, which comes after its own in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, Protocol

from nenprofile.ingest.genenames import GeneRenamer
from nenprofile.model import Variant

VARIANT_FIELDS = tuple(Variant.__dataclass_fields__)
# the gene names a reader renames itself, and the renamer (counting) that renames them
GeneRenaming = tuple[frozenset[str], Callable[[str], str | None]]
_INTERNED_FIELDS = ("gene", "transcript")  # many distinct, repeating values


class VariantConsumer(Protocol):
    # True when every variant is kept: the reader then shares equal repeating strings
    # (gene, transcript, ...) between variants, which costs time and saves memory
    keeps_all: bool

    def add(self, variant: Variant) -> None: ...

    def restart(self) -> None:
        """Forget everything added: the reader starts the file again (another engine)."""

    def start_worker(self) -> None:
        """In a forked worker, before it adds its share."""

    def worker_result(self) -> Any:
        """In the worker, after its share: what merge() gets (pickled)."""

    def merge(self, result: Any) -> None:
        """The worker's share, after this process added its own."""

    def abandon_worker(self) -> None:
        """The worker's share will not be merged (a failure on either side): remove what
        the worker may have left outside the process."""

    def count(self) -> int:
        """Variants added."""

    def kept(self) -> list[Variant]:
        """What IngestResult.variants holds."""


class VariantList:
    """Keeps every variant."""

    keeps_all = True

    def __init__(self) -> None:
        self.variants: list[Variant] = []
        self.add = self.variants.append

    def restart(self) -> None:
        self.variants.clear()

    def start_worker(self) -> None:
        self.variants.clear()

    def worker_result(self) -> list[tuple[Any, ...]]:
        # columns of plain values pickle several times faster than Variant objects
        return list(zip(*map(attrgetter(*VARIANT_FIELDS), self.variants), strict=True))

    def merge(self, result: list[tuple[Any, ...]]) -> None:
        if not result:
            return
        columns = list(result)
        interned: dict[str, str] = {}
        for name in _INTERNED_FIELDS:
            i = VARIANT_FIELDS.index(name)
            columns[i] = tuple(map(interned.setdefault, columns[i], columns[i]))
        self.variants.extend(map(Variant, *columns))

    def abandon_worker(self) -> None:
        pass

    def count(self) -> int:
        return len(self.variants)

    def kept(self) -> list[Variant]:
        return self.variants


class RenamingConsumer:
    """Passes each variant on with its gene names as HGNC approves them (genenames.py), so
    the consumer sees KMT2D for a file's MLL2; the renamer counts what it changed."""

    def __init__(self, inner: VariantConsumer, renamer: GeneRenamer) -> None:
        self.inner = inner
        self.renamer = renamer
        self.keeps_all = inner.keeps_all
        table = renamer.table
        self._names = frozenset(table.renames) | frozenset(table.ambiguous)

    def renaming(self) -> GeneRenaming:
        return self._names, self.renamer

    def add(self, variant: Variant) -> None:
        if variant.gene in self._names:
            variant.gene = self.renamer(variant.gene)
        if variant.extra and "other_genes" in variant.extra:
            variant.extra = {
                **variant.extra,
                "other_genes": [
                    (self.renamer(fields[0]), *fields[1:])
                    for fields in variant.extra["other_genes"]
                ],
            }
        self.inner.add(variant)

    def restart(self) -> None:
        self.inner.restart()
        self.renamer.renamed.clear()
        self.renamer.ambiguous.clear()

    def start_worker(self) -> None:
        self.inner.start_worker()
        self.renamer.renamed.clear()
        self.renamer.ambiguous.clear()

    def worker_result(self) -> tuple[Any, dict[str, Any]]:
        return self.inner.worker_result(), self.renamer.counts_of()

    def merge(self, result: tuple[Any, dict[str, Any]]) -> None:
        inner_result, counts = result
        self.inner.merge(inner_result)
        self.renamer.add_counts(counts)

    def abandon_worker(self) -> None:
        self.inner.abandon_worker()

    def count(self) -> int:
        return self.inner.count()

    def kept(self) -> list[Variant]:
        return self.inner.kept()


def direct_add(consumer: VariantConsumer) -> tuple[Callable[[Variant], None], GeneRenaming]:
    """What a tight reading loop calls for a variant without extra (vcf.py's fast loops):
    a RenamingConsumer's inner add, with the renaming the loop then does itself (a call
    less per variant); any other consumer's add, with nothing to rename."""
    if isinstance(consumer, RenamingConsumer):
        return consumer.inner.add, consumer.renaming()
    return consumer.add, (frozenset(), _unchanged)


def _unchanged(name: str) -> str | None:
    return name
