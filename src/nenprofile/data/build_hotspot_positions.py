"""Rebuild hotspot_positions.tsv: exact nucleotide changes at Cancer Hotspots v2 residues.

Usage: python -m nenprofile.data.build_hotspot_positions SHARED_DATA_DIR [outdir]

Input facts (see SOURCES.md): cancerhotspots v2 table (GRCh37 Genomic_Position, Codon_Change;
ODbL) and the UMCCR transcript BEDs (strand; per-gene GRCh37->GRCh38 offset). A row is kept
only when the codon change is a single-base substitution whose codon index can be placed on
the genome (all listed genomic positions fall in one codon) and whose translated reference
amino acid equals the table's reference residue. GRCh38 rows exist only for genes whose
GRCh37->GRCh38 shift is exact: equal shift of both ends of same-length transcript intervals,
or the single shift seen for that gene in the PCGR T001 record pairs (which must agree with
the former wherever both exist).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections import Counter, defaultdict
from pathlib import Path

PANEL_GENES = [
    "MTOR",
    "TSC1",
    "TSC2",
    "PTEN",
    "PIK3CA",
    "PIK3R1",
    "AKT1",
    "AKT2",
    "AKT3",
    "STK11",
    "RICTOR",
    "RHEB",
    "BRCA1",
    "BRCA2",
    "PALB2",
    "ATM",
    "ATR",
    "CHEK1",
    "CHEK2",
    "RAD51B",
    "RAD51C",
    "RAD51D",
    "BRIP1",
    "BARD1",
    "FANCA",
    "CDK12",
    "MLH1",
    "MSH2",
    "MSH6",
    "PMS2",
    "EPCAM",
    "MUTYH",
    "POLE",
    "POLD1",
    "MEN1",
    "DAXX",
    "ATRX",
    "ARID1A",
    "ARID1B",
    "ARID2",
    "PBRM1",
    "SMARCA4",
    "SMARCB1",
    "KMT2A",
    "KMT2C",
    "KMT2D",
    "SETD2",
    "EZH2",
    "KDM6A",
    "CREBBP",
    "EP300",
    "DNMT3A",
    "TET2",
    "IDH1",
    "IDH2",
    "BAP1",
    "MGMT",
    "TP53",
    "RB1",
    "KRAS",
    "NRAS",
    "HRAS",
    "BRAF",
    "APC",
    "SMAD4",
    "CTNNB1",
    "MYC",
    "MYCL",
    "MYCN",
    "CDKN2A",
    "NTRK1",
    "NTRK2",
    "NTRK3",
    "RET",
    "ERBB2",
    "CD274",
    "PDCD1LG2",
    "JAK2",
    "VHL",
    "NF1",
    "KEAP1",
    "YAP1",
]

BASES = "TCAG"
AMINO_ACIDS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {
    a + b + c: AMINO_ACIDS[16 * i + 4 * j + k]
    for i, a in enumerate(BASES)
    for j, b in enumerate(BASES)
    for k, c in enumerate(BASES)
}
COMPLEMENT = str.maketrans("ACGT", "TGCA")
COLUMNS = ["gene", "residue", "aa_change", "build", "chrom", "pos", "ref", "alt", "codon_change"]


def read_hotspot_table(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def read_intervals(path: Path) -> dict[str, list[tuple[str, int, int, str]]]:
    intervals: dict[str, list[tuple[str, int, int, str]]] = defaultdict(list)
    for line in path.read_text().splitlines():
        f = line.split("\t")
        chrom = f[0] if f[0].startswith("chr") else f"chr{f[0]}"
        intervals[f[3]].append((chrom, int(f[1]), int(f[2]), f[5]))
    return intervals


def gene_offsets(
    grch37: dict[str, list[tuple[str, int, int, str]]],
    grch38: dict[str, list[tuple[str, int, int, str]]],
) -> dict[str, int]:
    """GRCh38 minus GRCh37 position per gene: the most common shift between transcript
    intervals of identical length on the same chromosome (same transcript in both builds)."""
    offsets: dict[str, int] = {}
    for gene, old in grch37.items():
        shifts = Counter(
            b[1] - a[1]
            for a in old
            for b in grch38.get(gene, [])
            if a[0] == b[0] and a[2] - a[1] == b[2] - b[1] and b[2] - a[2] == b[1] - a[1]
        )
        if shifts:
            offsets[gene] = shifts.most_common(1)[0][0]
    return offsets


def liftover_pair_offsets(
    grch37: dict[str, list[tuple[str, int, int, str]]], vcf_pairs: list[tuple[Path, Path]]
) -> dict[str, int]:
    """Per-gene offsets observed in VCF pairs holding the same calls on both builds (PCGR
    T001 examples, CrossMap liftover). Records are paired by identical REF, ALT and INFO;
    a gene gets an offset only when all its paired records agree."""
    observed: dict[str, set[int]] = defaultdict(set)
    for old_path, new_path in vcf_pairs:
        new_records: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
        for chrom, pos, key in _vcf_records(new_path):
            new_records[key].append((chrom, pos))
        for chrom, pos, key in _vcf_records(old_path):
            match = new_records.get(key, [])
            if len(match) != 1 or match[0][0] != chrom:
                continue
            for gene, intervals in grch37.items():
                if any(c == chrom and s < pos <= e for c, s, e, _ in intervals):
                    observed[gene].add(match[0][1] - pos)
    return {gene: next(iter(shifts)) for gene, shifts in observed.items() if len(shifts) == 1}


def _vcf_records(path: Path) -> list[tuple[str, int, tuple[str, ...]]]:
    records: list[tuple[str, int, tuple[str, ...]]] = []
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            f = line.split("\t", 8)
            chrom = f[0] if f[0].startswith("chr") else f"chr{f[0]}"
            records.append((chrom, int(f[1]), (f[3], f[4], f[7])))
    return records


def parse_counts(field: str) -> list[tuple[str, int]]:
    out = []
    for item in field.split("|"):
        key, _, count = item.rpartition(":") if "/" in item else item.rpartition("_")
        if key and count.isdigit():
            out.append((key, int(count)))
    return out


def exact_changes(row: dict[str, str], strand: str) -> list[dict[str, str | int]]:
    """Single-base codon changes at this residue placed on GRCh37."""
    residue_ref = row["Reference_Amino_Acid"].split(":")[0]
    positions = [
        (p.split(":")[0], int(p.split(":")[1]), n)
        for p, n in parse_counts(row["Genomic_Position"].replace(":", ":", 1))
    ]
    changes = []
    index_counts: Counter[int] = Counter()
    for change, count in parse_counts(row["Codon_Change"]):
        ref_codon, _, alt_codon = change.partition("/")
        changed = [i for i, ch in enumerate(ref_codon) if ch.isupper()]
        if len(ref_codon) != 3 or len(alt_codon) != 3 or len(changed) != 1:
            continue
        changes.append((ref_codon.upper(), alt_codon.upper(), changed[0], count))
        index_counts[changed[0]] += count
    if not changes or not positions:
        return []
    top_index = index_counts.most_common(1)[0][0]
    chrom, top_pos, _ = max(positions, key=lambda p: p[2])
    # codon base i sits at first + i on the plus strand, at last - i on the minus strand
    anchor = top_pos - top_index if strand == "+" else top_pos + top_index
    listed = {p[1] for p in positions}
    span = {anchor + i if strand == "+" else anchor - i for i in range(3)}
    if not listed <= span:
        return []
    rows: list[dict[str, str | int]] = []
    for ref_codon, alt_codon, i, _ in changes:
        ref_aa, alt_aa = CODON_TABLE[ref_codon], CODON_TABLE[alt_codon]
        if ref_aa != residue_ref:
            continue
        ref, alt = ref_codon[i], alt_codon[i]
        if strand == "-":
            ref, alt = ref.translate(COMPLEMENT), alt.translate(COMPLEMENT)
        pos = anchor + i if strand == "+" else anchor - i
        aa_change = f"{ref_aa}{row['Amino_Acid_Position']}{'=' if ref_aa == alt_aa else alt_aa}"
        rows.append(
            {
                "chrom": f"chr{chrom}",
                "pos": pos,
                "ref": ref,
                "alt": alt,
                "aa_change": aa_change,
                "codon_change": f"{ref_codon}/{alt_codon}",
            }
        )
    return rows


def build_rows(shared: Path) -> list[dict[str, str | int]]:
    table = read_hotspot_table(shared / "hotspots" / "cancerhotspots_v2_moalmanac.txt")
    grch37 = read_intervals(shared / "genes" / "umccr_cancer_genes.GRCh37.transcript.bed")
    grch38 = read_intervals(shared / "genes" / "umccr_cancer_genes.hg38.transcript.bed")
    offsets = gene_offsets(grch37, grch38)
    pairs = [
        (
            shared / "vcf" / f"pcgr_T001-{t}.grch37.vcf.gz",
            shared / "vcf" / f"pcgr_T001-{t}.grch38.vcf.gz",
        )
        for t in ("BRCA", "COAD")
    ]
    observed = liftover_pair_offsets(grch37, pairs)
    conflicts = {g for g in offsets.keys() & observed.keys() if offsets[g] != observed[g]}
    if conflicts:
        raise SystemExit(f"offset from transcript spans disagrees with liftover pairs: {conflicts}")
    offsets = {**observed, **offsets}
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, str | int]] = []
    for row in table:
        gene, residue = row["Hugo_Symbol"], row["Amino_Acid_Position"]
        if gene not in PANEL_GENES or not residue.isdigit() or (gene, residue) in seen:
            continue
        seen.add((gene, residue))
        strand = grch37[gene][0][3] if gene in grch37 else "."
        if strand not in "+-":
            continue
        for change in exact_changes(row, strand):
            base = {"gene": gene, "residue": f"{row['Reference_Amino_Acid'][0]}{residue}", **change}
            out.append({**base, "build": "GRCh37"})
            if gene in offsets:
                out.append({**base, "build": "GRCh38", "pos": int(change["pos"]) + offsets[gene]})
    return out


def write(rows: list[dict[str, str | int]], path: Path) -> None:
    rows = sorted(rows, key=lambda r: (r["build"], r["gene"], r["chrom"], int(r["pos"]), r["alt"]))
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(str(r[c]) for c in COLUMNS) for r in rows]
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    shared_dir = Path(sys.argv[1])
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parent
    write(build_rows(shared_dir), target / "hotspot_positions.tsv")
