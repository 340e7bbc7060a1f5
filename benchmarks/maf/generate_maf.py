"""Write a cohort MAF in the cBioPortal/vcf2maf column layout for the split benchmark.

Usage: python benchmarks/maf/generate_maf.py OUT.maf --rows N [--samples 10000] [--seed 1]

Rows are spread over the samples at random (interleaved, not grouped by sample: the worst
case for a per-sample split); 1 % of the rows carry a barcode that is in no sample list
(UNLISTED-<k>), as a real study's sample list can miss a few. Values are made up; the
columns and their order are those of a cBioPortal data_mutations.txt.
"""

from __future__ import annotations

import argparse
import random

COLUMNS = (
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position",
    "End_Position", "Strand", "Variant_Classification", "Variant_Type", "Reference_Allele",
    "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "dbSNP_RS", "Tumor_Sample_Barcode",
    "Matched_Norm_Sample_Barcode", "HGVSc", "HGVSp", "HGVSp_Short", "Transcript_ID",
    "t_ref_count", "t_alt_count", "n_ref_count", "n_alt_count", "gnomAD_AF", "FILTER",
)  # fmt: skip
GENES = (("TP53", 7157, "17", 7673700), ("MEN1", 4221, "11", 64803500),
         ("DAXX", 1616, "6", 33318500), ("ATRX", 546, "X", 77504800),
         ("KRAS", 3845, "12", 25245200), ("RB1", 5925, "13", 48303700),
         ("TSC2", 7249, "16", 2047800), ("PTEN", 5728, "10", 87863500))  # fmt: skip
BASES = "ACGT"


def sample_ids(count: int) -> list[str]:
    return [f"S{i:05d}" for i in range(1, count + 1)]


def write_maf(path: str, rows: int, samples: int, seed: int) -> None:
    rng = random.Random(seed)
    ids = sample_ids(samples)
    unlisted = [f"UNLISTED-{k}" for k in range(1, 101)]
    with open(path, "w", encoding="utf-8") as out:
        out.write("#version 2.4\n" + "\t".join(COLUMNS) + "\n")
        for _ in range(rows):
            gene, entrez, chrom, base = rng.choice(GENES)
            pos = base + rng.randrange(20_000)
            ref = rng.choice(BASES)
            alt = rng.choice(BASES.replace(ref, ""))
            barcode = rng.choice(unlisted) if rng.random() < 0.01 else rng.choice(ids)
            depth = rng.randrange(20, 400)
            alt_reads = rng.randrange(1, depth)
            residue = rng.randrange(1, 1000)
            fields = (
                gene, str(entrez), "bench", "GRCh38", chrom, str(pos), str(pos), "+",
                "Missense_Mutation", "SNP", ref, ref, alt, "novel", barcode, barcode + "-N",
                f"c.{residue * 3}{ref}>{alt}", f"p.Ala{residue}Val", f"p.A{residue}V",
                "ENST00000000000", str(depth - alt_reads), str(alt_reads), "60", "0",
                f"{rng.random() / 1000:.6f}", "PASS",
            )  # fmt: skip
            out.write("\t".join(fields) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_maf(args.out, args.rows, args.samples, args.seed)


if __name__ == "__main__":
    main()
