"""Write a synthetic VEP-annotated single-tumor VCF (bgzipped) for the ingest benchmark.

Usage: python benchmarks/ingest/generate_vcf.py OUT.vcf.gz [--records 1000000] [--seed 1]
                                                  [--mix uniform|wgs]
Records: FORMAT GT:AD:DP:AF, FILTER PASS (5% 'germline'), CSQ with 2-3 transcripts each,
in 20,000 genes of which the first are the knowledge base's genes (SYMBOL as there; the
others GENE<n>), so profiling keeps the share of variants a real exome has in them.
--mix uniform (the default, and the only mode before): each consequence term equally likely,
so half the transcripts are coding (missense, synonymous, stop gained), as no real file is.
--mix wgs: about 1.5 % coding transcripts and the rest intronic, UTR or downstream, the share a
whole-genome VCF has (1-2 % of its variants are in coding sequence).
"""

from __future__ import annotations

import argparse
import random
import subprocess

from nenprofile.ingest.variants.build import CONTIG_LENGTHS
from nenprofile.reference.knowledgebase import load_knowledge_base

KB_SYMBOLS = tuple(sorted(load_knowledge_base().genes))

CSQ_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|"
    "HGVSp|cDNA_position|CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|"
    "DISTANCE|STRAND|FLAGS|PICK|CANONICAL|MANE_SELECT|gnomADe_AF|MAX_AF|CLIN_SIG"
)
CONSEQUENCES = (
    ("missense_variant", "MODERATE"),
    ("synonymous_variant", "LOW"),
    ("intron_variant", "MODIFIER"),
    ("stop_gained", "HIGH"),
    ("3_prime_UTR_variant", "MODIFIER"),
    ("downstream_gene_variant", "MODIFIER"),
)


CODING = frozenset(("missense_variant", "synonymous_variant", "stop_gained"))
# (term, impact) weights per --mix; None draws as before the option existed (the same file
# for the same seed); wgs: 1.5 % coding, split 60/38/2 as missense/synonymous/stop gained
MIXES: dict[str, list[float] | None] = {
    "uniform": None,
    "wgs": [0.9, 0.57, 55.0, 0.03, 15.0, 28.5],
}


def csq_entry(
    rng: random.Random, alt: str, gene: int, tx: int, pick: bool, weights: list[float] | None
) -> str:
    if weights is None:
        term, impact = CONSEQUENCES[rng.randrange(len(CONSEQUENCES))]
    else:
        term, impact = rng.choices(CONSEQUENCES, weights)[0]
    pos = rng.randint(1, 1200)
    coding = term in CODING
    hgvsp = f"ENSP{tx:011d}.1:p.Val{pos}Glu" if coding else ""
    fields = [
        alt,
        term,
        impact,
        KB_SYMBOLS[gene - 1] if gene <= len(KB_SYMBOLS) else f"GENE{gene}",
        f"ENSG{gene:011d}",
        "Transcript",
        f"ENST{tx:011d}",
        "protein_coding",
        f"{rng.randint(1, 12)}/12" if coding else "",
        "",
        f"ENST{tx:011d}.1:c.{pos * 3}T>A",
        hgvsp,
        str(pos * 3),
        str(pos * 3),
        str(pos),
        "V/E" if coding else "",
        "gTg/gAg" if coding else "",
        "",
        "",
        "1",
        "",
        "1" if pick else "",
        "YES" if pick else "",
        f"NM_{tx:06d}.1" if pick else "",
        f"{rng.random() / 1000:.6f}",
        f"{rng.random() / 500:.6f}",
        "",
    ]
    return "|".join(fields)


CALLER_INFO_HEADER = [
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
    '##INFO=<ID=ECNT,Number=1,Type=Integer,Description="Number of events in this haplotype">',
    '##INFO=<ID=TLOD,Number=A,Type=Float,Description="Log 10 likelihood ratio score of '
    'variant existing versus not existing">',
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mix", choices=sorted(MIXES), default="uniform")
    parser.add_argument(
        "--caller-info",
        action="store_true",
        help="Mutect2's INFO keys (DP, ECNT, TLOD) before CSQ, as VEP leaves them: the same "
        "records otherwise",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    chroms = [f"chr{i}" for i in range(1, 23)]
    lengths = CONTIG_LENGTHS["GRCh38"]
    header = ["##fileformat=VCFv4.2", "##source=Mutect2", "##tumor_sample=TUMOR"]
    header += [f"##contig=<ID={c},length={lengths[c]}>" for c in chroms]
    header += [
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=germline,Description="germline">',
        f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
        f'Ensembl VEP. Format: {CSQ_FIELDS}">',
        *(CALLER_INFO_HEADER if args.caller_info else []),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR",
    ]
    per_chrom = args.records // len(chroms)
    with open(args.out, "wb") as out:
        bgzip = subprocess.Popen(["bgzip", "-c"], stdin=subprocess.PIPE, stdout=out)
        write_records(bgzip, rng, header, chroms, lengths, per_chrom, args.records, args.mix,
                      args.caller_info)  # fmt: skip


def write_records(bgzip: subprocess.Popen, rng: random.Random, header: list[str],
                  chroms: list[str], lengths: dict[str, int], per_chrom: int,
                  total: int, mix: str, caller_info: bool = False) -> None:  # fmt: skip
    assert bgzip.stdin is not None
    write = bgzip.stdin.write
    write(("\n".join(header) + "\n").encode())
    written = 0
    weights = MIXES[mix]
    for ci, chrom in enumerate(chroms):
        n = per_chrom if ci < len(chroms) - 1 else total - written
        step = (lengths[chrom] - 1_000_000) // max(n, 1)
        pos = 500_000
        lines = []
        for _ in range(n):
            pos += rng.randint(1, max(step, 2))
            ref, alt = rng.sample("ACGT", 2)
            gene = rng.randint(1, 20000)
            tx = gene * 10
            ntx = rng.randint(2, 3)
            csq = ",".join(csq_entry(rng, alt, gene, tx + k, k == 0, weights) for k in range(ntx))
            depth = rng.randint(20, 400)
            alt_reads = rng.randint(1, depth)
            flt = "germline" if rng.random() < 0.05 else "PASS"
            caller = f"DP={depth};ECNT=1;TLOD={alt_reads * 2.5:.2f};" if caller_info else ""
            lines.append(
                f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t{flt}\t{caller}CSQ={csq}\tGT:AD:DP:AF\t"
                f"0/1:{depth - alt_reads},{alt_reads}:{depth}:{alt_reads / depth:.3f}\n"
            )
            if len(lines) >= 10000:
                write("".join(lines).encode())
                lines.clear()
        write("".join(lines).encode())
        written += n
    bgzip.stdin.close()
    bgzip.wait()


if __name__ == "__main__":
    main()
