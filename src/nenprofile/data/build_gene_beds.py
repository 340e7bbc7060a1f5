"""Rebuild genes.GRCh37.bed and genes.GRCh38.bed (one span per gene, chr-prefixed, BED6).

Usage: python -m nenprofile.data.build_gene_beds /path/to/shared/data/genes [outdir]

Sources (see SOURCES.md): UMCCR cancer gene transcript BEDs (MIT) merged to one span per
gene, plus RefSeq transcript spans for the genes that list lacks (facts, listed below).
"""

from __future__ import annotations

import sys
from pathlib import Path

UMCCR_FILES = {
    "GRCh37": "umccr_cancer_genes.GRCh37.transcript.bed",
    "GRCh38": "umccr_cancer_genes.hg38.transcript.bed",
}

# gene: (GRCh37 chrom, start0, end, GRCh38 chrom, start0, end, strand); RefSeq spans
EXTRA_GENES: dict[str, tuple[str, int, int, str, int, int, str]] = {
    "DEPDC5": ("chr22", 32150004, 32304019, "chr22", 31754018, 31908033, "+"),
    "NPRL2": ("chr3", 50384785, 50388206, "chr3", 50347354, 50350775, "-"),
    "NPRL3": ("chr16", 135384, 188672, "chr16", 85385, 138673, "-"),
    "DLL3": ("chr19", 39989586, 39999109, "chr19", 39498946, 39508469, "+"),
    "SSTR2": ("chr17", 71161148, 71172772, "chr17", 73165009, 73176633, "+"),
    "SLFN11": ("chr17", 33677326, 33700640, "chr17", 35350309, 35373621, "-"),
    "ASCL1": ("chr12", 103351451, 103354289, "chr12", 102957673, 102960511, "+"),
    "NEUROD1": ("chr2", 182540832, 182545392, "chr2", 181676105, 181680665, "-"),
    "POU2F3": ("chr11", 120110848, 120190654, "chr11", 120240139, 120319945, "+"),
    "INSM1": ("chr20", 20348747, 20351592, "chr20", 20368103, 20370948, "+"),
    "CHGA": ("chr14", 93389494, 93401630, "chr14", 92923149, 92935285, "+"),
    "SYP": ("chrX", 49044264, 49056661, "chrX", 49187811, 49200202, "-"),
}


def chr_prefixed(chrom: str) -> str:
    return chrom if chrom.startswith("chr") else f"chr{chrom}"


def merged_spans(bed_path: Path) -> dict[str, tuple[str, int, int, str]]:
    """Gene -> (chrom, min start, max end, strand) over all its transcript intervals.

    Intervals on other contigs than the gene's first (alt haplotypes) are ignored.
    """
    spans: dict[str, tuple[str, int, int, str]] = {}
    for line in bed_path.read_text().splitlines():
        if not line.strip() or line.startswith(("#", "track")):
            continue
        fields = line.split("\t")
        chrom, start, end, gene = chr_prefixed(fields[0]), int(fields[1]), int(fields[2]), fields[3]
        strand = fields[5] if len(fields) > 5 else "."
        if "_" in chrom:
            continue
        if gene in spans:
            old = spans[gene]
            if old[0] != chrom:
                continue
            spans[gene] = (chrom, min(old[1], start), max(old[2], end), old[3])
        else:
            spans[gene] = (chrom, start, end, strand)
    return spans


def build(genes_dir: Path, outdir: Path) -> None:
    for index, (build_name, filename) in enumerate(UMCCR_FILES.items()):
        spans = merged_spans(genes_dir / filename)
        for gene, extra in EXTRA_GENES.items():
            if gene not in spans:
                offset = 0 if index == 0 else 3
                chrom, start, end = extra[offset], extra[offset + 1], extra[offset + 2]
                spans[gene] = (str(chrom), int(start), int(end), str(extra[6]))
        rows = sorted(spans.items(), key=lambda item: (item[1][0], item[1][1], item[0]))
        lines = [f"{c}\t{s}\t{e}\t{gene}\t.\t{strand}" for gene, (c, s, e, strand) in rows]
        (outdir / f"genes.{build_name}.bed").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    source = Path(sys.argv[1])
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parent
    build(source, target)
