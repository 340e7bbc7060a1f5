"""Write build_markers.tsv: reference bases at known positions on GRCh37 and GRCh38.

Source: the PCGR T001 example VCF pairs (sigven/pcgr examples/, MIT), which give the same
tumour's records on both builds (CrossMap liftover); REF there is the reference base of
each build at that position. A few records per chromosome are kept, those whose REF is one
base on both builds. Usage: python -m nenprofile.data.build_build_markers /path/to/shared/data
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

PAIRS = ("pcgr_T001-BRCA", "pcgr_T001-COAD")
PER_CHROMOSOME = 2
OUT = Path(__file__).resolve().parent / "build_markers.tsv"


def _records(path: Path) -> list[tuple[str, int, str, str]]:
    rows = []
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            chrom, pos, _, ref, alt = line.split("\t", 5)[:5]
            rows.append((chrom, int(pos), ref, alt))
    return rows


def markers(shared_data: Path) -> list[tuple[str, str, int, str, str]]:
    chosen: list[tuple[str, str, int, str, str]] = []
    taken: dict[str, int] = {}
    for name in PAIRS:
        old = _records(shared_data / "vcf" / f"{name}.grch37.vcf.gz")
        new = _records(shared_data / "vcf" / f"{name}.grch38.vcf.gz")
        # liftover keeps the record order; pair records whose alleles agree
        for (c37, p37, r37, a37), (c38, p38, r38, a38) in zip(old, new, strict=False):
            if c37 != c38 or r37 != r38 or a37 != a38 or len(r37) != 1 or p37 == p38:
                continue
            if taken.get(c37, 0) >= PER_CHROMOSOME:
                continue
            taken[c37] = taken.get(c37, 0) + 1
            chrom = f"chr{c37}"
            chosen.append(("GRCh37", chrom, p37, r37, f"{name}.grch37"))
            chosen.append(("GRCh38", chrom, p38, r38, f"{name}.grch38"))
    return chosen


def main(shared_data: str) -> None:
    rows = markers(Path(shared_data))
    with OUT.open("w") as out:
        out.write("build\tchrom\tpos\tref\tsource\n")
        for row in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
            out.write("\t".join(map(str, row)) + "\n")
    print(f"{len(rows)} markers -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
