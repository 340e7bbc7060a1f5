"""Build hotspots_protein.tsv from the Genome Nexus export of Cancer Hotspots v2.

Usage: python build_protein_hotspots.py SOURCE.txt OUTPUT.tsv

SOURCE is genome-nexus-importer data/grch37_ensembl92/export/hotspots_v2_and_3d.txt (see
SOURCES.md). Only facts are kept: gene, residue, hotspot type, tumor count and the per-change
counts. 3D-only hotspots are dropped (they have no OS3/OM3/OP3 meaning in Horak 2022).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

TYPE_NAMES = {
    "single residue": "single_residue",
    "in-frame indel": "inframe_indel",
    "splice site": "splice_site",
}
OUTPUT_COLUMNS = ["gene", "residue", "type", "ref_aa", "start", "end", "tumor_count", "changes"]
_RESIDUE = re.compile(r"^([A-Z*]?)(\d+)(?:-(\d+))?$")


def convert_row(row: dict[str, str]) -> dict[str, str] | None:
    """One output row for a single-residue, in-frame-indel or splice hotspot; None otherwise."""
    hotspot_type = TYPE_NAMES.get(row["type"].strip())
    if hotspot_type is None:
        return None
    match = _RESIDUE.match(row["residue"].strip())
    if match is None:
        raise ValueError(f"unparsable residue {row['residue']!r} for {row['hugo_symbol']}")
    ref_aa, start, end = match.group(1), int(match.group(2)), match.group(3)
    changes = row["variant_amino_acid"].strip()
    if hotspot_type == "splice_site":
        # the export counts splice hits as "sp:N"; store them under the canonical change name
        changes = changes.replace("sp:", "splice:")
    return {
        "gene": row["hugo_symbol"].strip(),
        "residue": row["residue"].strip(),
        "type": hotspot_type,
        "ref_aa": ref_aa,
        "start": str(start),
        "end": str(int(end) if end else start),
        "tumor_count": str(int(float(row["tumor_count"]))),
        "changes": changes,
    }


def build(source: Path, output: Path) -> int:
    with source.open(newline="") as handle:
        rows = [convert_row(row) for row in csv.DictReader(handle, delimiter="\t")]
    kept = sorted(
        (row for row in rows if row is not None),
        key=lambda row: (row["gene"], int(row["start"]), int(row["end"]), row["type"]),
    )
    with output.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, OUTPUT_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    return len(kept)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {count} hotspots to {sys.argv[2]}")
