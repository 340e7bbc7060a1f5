"""Gene symbols as HGNC approves them: previous symbols and aliases in input files (MLL2,
C11orf30, ...) become the approved symbol (KMT2D, EMSY), so knowledge-base genes are found
whatever annotation release wrote the file.

The table (data/hgnc_symbols.tsv, see SOURCES.md) covers the genes nenprofile reads. A name
that is the previous symbol of one approved gene becomes that gene (annotators write the
symbols approved at their release; HGNC lists MLL2 as KMT2D's previous symbol and as one of
KMT2B's aliases); otherwise an alias of exactly one approved gene becomes that gene. Any
other name of several genes is ambiguous: it is kept as written and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

EXAMPLES_SHOWN = 3


@dataclass(frozen=True)
class SymbolTable:
    renames: dict[str, str]  # name -> approved symbol
    ambiguous: dict[str, tuple[str, ...]]  # name -> the approved symbols it may mean


_COLUMNS = "name\tsymbol\tkind\talso"


@cache
def hgnc_table() -> SymbolTable:
    """The bundled table, read once per process (split by hand: csv.DictReader and a set per
    row made it 15 ms of every profiling job, this takes 3 ms)."""
    text = resources.files("nenprofile.data").joinpath("hgnc_symbols.tsv").read_text("utf-8")
    lines = text.splitlines()
    if lines[0] != _COLUMNS:
        raise ValueError(f"hgnc_symbols.tsv: header {lines[0]!r}, expected {_COLUMNS!r}")
    return _table_of(line.split("\t") for line in lines[1:])


def table_from_rows(rows: Iterable[dict[str, str]]) -> SymbolTable:
    return _table_of((row["name"], row["symbol"], row["kind"], row["also"]) for row in rows)


def _table_of(rows: Iterable[Sequence[str]]) -> SymbolTable:
    """From (name, symbol, kind, also) rows: kind is 'previous' or 'alias', also the other
    approved symbols (comma-separated) the name is given to."""
    previous: dict[str, set[str]] = {}  # name -> the genes it is a previous symbol of
    alias_symbol: dict[str, str] = {}  # name -> a gene it is an alias of
    everyone: dict[str, set[str]] = {}  # name -> every gene it names
    for name, symbol, kind, also in rows:
        genes = everyone.get(name)
        if genes is None:
            genes = everyone[name] = set()
        genes.add(symbol)
        if also:
            genes.update(other for other in also.split(",") if other)
        if kind == "previous":
            previous.setdefault(name, set()).add(symbol)
        elif kind == "alias":
            alias_symbol[name] = symbol
        else:
            raise ValueError(f"HGNC table: kind {kind!r} of {name} is not previous or alias")
    renames, ambiguous = {}, {}
    for name, genes in everyone.items():
        previous_of = previous.get(name, ())
        if len(previous_of) == 1:
            renames[name] = next(iter(previous_of))
        elif not previous_of and len(genes) == 1:
            renames[name] = alias_symbol[name]
        else:
            ambiguous[name] = tuple(sorted(genes))
    return SymbolTable(renames, ambiguous)


def names_of(genes: Iterable[str], table: SymbolTable | None = None) -> set[str]:
    """The genes and every name that is renamed to one of them (what a reader must look
    for to find those genes in a file written with older symbols)."""
    table = table or hgnc_table()
    wanted = set(genes)
    return wanted | {name for name, symbol in table.renames.items() if symbol in wanted}


@dataclass
class GeneRenamer:
    """Renames gene names as HGNC approves them, counting what it renamed and what it left
    because the name is ambiguous (ingest.json and the report's input section show both)."""

    table: SymbolTable = field(default_factory=hgnc_table)
    renamed: Counter[tuple[str, str]] = field(default_factory=Counter)
    ambiguous: Counter[str] = field(default_factory=Counter)

    def __call__(self, name: str | None) -> str | None:
        if name is None:
            return None
        symbol = self.table.renames.get(name)
        if symbol is not None:
            self.renamed[(name, symbol)] += 1
            return symbol
        if name in self.table.ambiguous:
            self.ambiguous[name] += 1
        return name

    def add_counts(self, counts: dict[str, Any]) -> None:
        """Adds counts another renamer made (counts_of: a worker process's)."""
        self.renamed.update({tuple(k.split("\t")): n for k, n in counts["renamed"].items()})
        self.ambiguous.update(counts["ambiguous"])

    def counts_of(self) -> dict[str, Any]:
        return {
            "renamed": {f"{old}\t{new}": n for (old, new), n in self.renamed.items()},
            "ambiguous": dict(self.ambiguous),
        }

    def disclosure(self) -> dict[str, Any]:
        """Counts with the first few examples (most frequent first)."""
        renamed = self.renamed.most_common()
        ambiguous = self.ambiguous.most_common()
        return {
            "renamed": sum(self.renamed.values()),
            "renamed_examples": [f"{old} -> {new}" for (old, new), _ in renamed[:EXAMPLES_SHOWN]],
            "ambiguous_kept": sum(self.ambiguous.values()),
            "ambiguous_examples": [
                f"{name} ({' or '.join(self.table.ambiguous[name])})"
                for name, _ in ambiguous[:EXAMPLES_SHOWN]
            ],
        }
