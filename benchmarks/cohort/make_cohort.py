"""Write a synthetic WES-like cohort for the scale benchmark (not real patients, not for tests).

    python benchmarks/cohort/make_cohort.py --samples 1000 --out /tmp/bench1000

makes <out>/config/{config.yaml,samples.tsv,vcf/*.vcf.gz,expression.tsv}. Run the workflow with
    snakemake -s Snakefile -d <out> --cores 2

Each VCF is an unannotated Mutect2-like GRCh38 bgzipped VCF with 30,000-50,000 records (about
3% inside the cancer genes of src/nenprofile/data/genes.GRCh38.bed). Generation is fast because
a BGZF file is a series of independent gzip blocks: each template body (one per variant count)
is compressed once, and every sample file is its own small compressed header (the sample name
differs) followed by a shared template body.
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GENE_BED = REPO / "src" / "nenprofile" / "data" / "genes.GRCh38.bed"
DEMO_MATRIX = REPO / "config" / "demo" / "expression" / "salmon.merged.gene_tpm.tsv"
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
GRCH38_LENGTHS = {
    "chr1": 248956422, "chr2": 242193529, "chr3": 198295559, "chr4": 190214555,
    "chr5": 181538259, "chr6": 170805979, "chr7": 159345973, "chr8": 145138636,
    "chr9": 138394717, "chr10": 133797422, "chr11": 135086622, "chr12": 133275309,
    "chr13": 114364328, "chr14": 107043718, "chr15": 101991189, "chr16": 90338345,
    "chr17": 83257441, "chr18": 80373285, "chr19": 58617616, "chr20": 64444167,
    "chr21": 46709983, "chr22": 50818468, "chrX": 156040895, "chrY": 57227415,
}  # fmt: skip
BASES = "ACGT"
SITES = ["pancreas", "lung", "colon", "stomach", "rectum", "small intestine", "bladder"]


@dataclass(frozen=True)
class CohortSpec:
    samples: int
    min_variants: int = 30_000
    max_variants: int = 50_000
    templates: int = 5
    marker_genes: int = 1000
    pdf: bool = False
    seed: int = 7
    profile_batch_size: int | str = "auto"  # config profile_batch_size


def sample_names(count: int) -> list[str]:
    return [f"WES{i:05d}" for i in range(1, count + 1)]


def template_counts(spec: CohortSpec) -> list[int]:
    """Evenly spaced variant counts from min to max, one per template."""
    if spec.templates == 1:
        return [spec.min_variants]
    step = (spec.max_variants - spec.min_variants) / (spec.templates - 1)
    return [round(spec.min_variants + i * step) for i in range(spec.templates)]


def vcf_header(sample: str) -> str:
    contigs = "".join(
        f"##contig=<ID={c},length={n},assembly=GRCh38>\n" for c, n in GRCH38_LENGTHS.items()
    )
    return (
        "##fileformat=VCFv4.2\n"
        "##source=Mutect2\n"
        "##reference=file:///ref/GRCh38/Homo_sapiens_assembly38.fasta\n"
        '##FILTER=<ID=PASS,Description="All filters passed">\n'
        '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">\n'
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">\n'
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
        f"{contigs}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}\n"
    )


def read_gene_regions(bed: Path) -> list[tuple[str, int, int]]:
    regions = []
    with open(bed) as handle:
        for line in handle:
            chrom, start, end = line.split("\t")[:3]
            if chrom in GRCH38_LENGTHS:
                regions.append((chrom, int(start), int(end)))
    return regions


def random_record(rng: random.Random, chrom: str, pos: int) -> tuple[str, int, str]:
    ref = rng.choice(BASES)
    roll = rng.random()
    if roll < 0.9:
        alt = rng.choice([b for b in BASES if b != ref])
    elif roll < 0.95:
        alt = ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 4)))
    else:
        alt, ref = ref, ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 4)))
    depth = rng.randint(30, 250)
    alt_reads = max(3, round(depth * rng.uniform(0.05, 0.6)))
    fraction = alt_reads / depth
    filt = "PASS" if rng.random() < 0.9 else "weak_evidence"
    fields = [
        chrom, str(pos), ".", ref, alt, ".", filt, ".", "GT:AD:AF:DP",
        f"0/1:{depth - alt_reads},{alt_reads}:{fraction:.3f}:{depth}",
    ]  # fmt: skip
    return chrom, pos, "\t".join(fields)


def template_body(count: int, regions: list[tuple[str, int, int]], seed: int) -> str:
    """Sorted VCF records: ~3% inside cancer-gene regions, the rest anywhere on chr1-22/X/Y."""
    rng = random.Random(seed)
    chroms = list(GRCH38_LENGTHS)
    weights = [GRCH38_LENGTHS[c] for c in chroms]
    positions: set[tuple[str, int]] = set()
    while len(positions) < count:
        if rng.random() < 0.03:
            chrom, start, end = rng.choice(regions)
            positions.add((chrom, rng.randint(start + 1, end)))
        else:
            chrom = rng.choices(chroms, weights)[0]
            positions.add((chrom, rng.randint(1, GRCH38_LENGTHS[chrom] - 10)))
    order = {c: i for i, c in enumerate(chroms)}
    ordered = sorted(positions, key=lambda p: (order[p[0]], p[1]))
    return "".join(random_record(rng, c, p)[2] + "\n" for c, p in ordered)


def bgzip(data: bytes) -> bytes:
    return subprocess.run(["bgzip", "-c"], input=data, capture_output=True, check=True).stdout


def write_vcfs(spec: CohortSpec, vcf_dir: Path) -> list[int]:
    """Write one bgzipped VCF per sample; return each sample's variant count."""
    vcf_dir.mkdir(parents=True, exist_ok=True)
    regions = read_gene_regions(GENE_BED)
    counts = template_counts(spec)
    bodies = [
        bgzip(template_body(n, regions, spec.seed + i).encode()) for i, n in enumerate(counts)
    ]
    written = []
    for index, sample in enumerate(sample_names(spec.samples)):
        which = index % len(counts)
        header = bgzip(vcf_header(sample).encode())
        assert header.endswith(BGZF_EOF)
        (vcf_dir / f"{sample}.vcf.gz").write_bytes(header[: -len(BGZF_EOF)] + bodies[which])
        written.append(counts[which])
    return written


def write_expression(spec: CohortSpec, path: Path) -> None:
    """Demo marker rows plus cancer genes up to spec.marker_genes rows, one column per sample."""
    rng = random.Random(spec.seed)
    with open(DEMO_MATRIX, newline="") as handle:
        demo = list(csv.reader(handle, delimiter="\t"))
    demo_header, demo_rows = demo[0], demo[1:]
    demo_columns = len(demo_header) - 2
    names = {row[1] for row in demo_rows}
    rows = [row[:2] + row[2:] for row in demo_rows]
    with open(GENE_BED) as bed:
        extra = sorted({line.split("\t")[3] for line in bed} - names)
    for number, gene in enumerate(extra[: max(0, spec.marker_genes - len(rows))]):
        rows.append([f"ENSG99{number:09d}", gene] + [f"{rng.uniform(0.5, 50):.4f}"] * demo_columns)
    samples = sample_names(spec.samples)
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["gene_id", "gene_name", *samples])
        for row in rows:
            values = row[2:]
            out.writerow(
                row[:2]
                + [
                    f"{float(values[i % demo_columns]) * rng.lognormvariate(0, 0.2):.4f}"
                    for i in range(len(samples))
                ]
            )


def write_sheet(spec: CohortSpec, path: Path) -> None:
    rng = random.Random(spec.seed)
    columns = ["sample", "vcf", "expression_id", "tumor_site", "differentiation", "ki67"]
    columns += ["msi_status", "genome_build"]
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(columns)
        for sample in sample_names(spec.samples):
            poor = rng.random() < 0.7
            ki67 = rng.randint(55, 95) if poor else rng.randint(21, 50)
            out.writerow(
                [
                    sample, f"vcf/{sample}.vcf.gz", sample, rng.choice(SITES),
                    "poor" if poor else "well", ki67,
                    "MSS", "GRCh38",
                ]
            )  # fmt: skip


def write_config(spec: CohortSpec, path: Path) -> None:
    path.write_text(
        f"""# Synthetic scale-benchmark cohort ({spec.samples} samples), see benchmarks/README.md
cohort: bench{spec.samples}
samples: config/samples.tsv
genome_build: GRCh38
profile_batch_size: {spec.profile_batch_size}
expression:
  matrix: config/expression.tsv
  reference: null
  min_reference_size: 10
tmb:
  target_size_mb: 33.0
  high_threshold: 10
filters:
  pass_only: true
  max_population_af: 0.01
report:
  title: Scale benchmark (synthetic)
  institution: nenprofile benchmark
  date: "2026-01-15"
  pdf: {"true" if spec.pdf else "false"}
"""
    )


def make_cohort(spec: CohortSpec, out: Path) -> Path:
    config = out / "config"
    config.mkdir(parents=True, exist_ok=True)
    write_vcfs(spec, config / "vcf")
    write_expression(spec, config / "expression.tsv")
    write_sheet(spec, config / "samples.tsv")
    write_config(spec, config / "config.yaml")
    return config / "config.yaml"


def batch_size(text: str) -> int | str:
    """--profile-batch-size: `auto` or a number of samples per profiling job."""
    return text if text == "auto" else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pdf", action="store_true", help="report.pdf: true in the config")
    parser.add_argument("--profile-batch-size", type=batch_size, default="auto")
    args = parser.parse_args()
    spec = CohortSpec(
        samples=args.samples, pdf=args.pdf, profile_batch_size=args.profile_batch_size
    )
    print(make_cohort(spec, args.out))


if __name__ == "__main__":
    main()
