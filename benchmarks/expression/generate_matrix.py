"""Write a synthetic nf-core-style gene TPM matrix (default 60,000 genes x 1,000 samples).

Usage: python benchmarks/expression/generate_matrix.py OUT.tsv [--genes N] [--samples N]

The marker and signature genes of nenprofile are included under their real Ensembl IDs and
symbols; the other rows are synthetic (ENSGBENCH..., GENE...). Values are log-normal TPM with
three decimals. Deterministic (seed 1).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from nenprofile.ingest.expression.readers import ensembl_to_symbol

CHUNK = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--genes", type=int, default=60_000)
    parser.add_argument("--samples", type=int, default=1_000)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    real = list(ensembl_to_symbol().items())
    ids = [i for i, _ in real] + [f"ENSGBENCH{n:08d}" for n in range(args.genes - len(real))]
    names = [s for _, s in real] + [f"GENE{n}" for n in range(args.genes - len(real))]
    order = rng.permutation(args.genes)  # spread marker rows through the file
    with open(args.out, "w") as out:
        out.write("gene_id\tgene_name\t" + "\t".join(f"S{n:04d}" for n in range(args.samples)))
        out.write("\n")
        for start in range(0, args.genes, CHUNK):
            rows = order[start : start + CHUNK]
            values = np.round(rng.lognormal(1.0, 2.0, size=(len(rows), args.samples)), 3)
            text = np.char.mod("%.3f", values)
            out.write(
                "\n".join(
                    f"{ids[r]}\t{names[r]}\t" + "\t".join(line)
                    for r, line in zip(rows, text, strict=True)
                )
                + "\n"
            )


if __name__ == "__main__":
    main()
