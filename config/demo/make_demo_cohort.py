#!/usr/bin/env python3
"""Rebuild the embedded demo cohort of nenprofile (config/demo/ and config/samples.tsv).

    python config/demo/make_demo_cohort.py              # rewrites config/demo, config/samples.tsv
    python config/demo/make_demo_cohort.py --out /tmp/x  # writes /tmp/x/demo, /tmp/x/samples.tsv

Every named driver variant carries a sourced GRCh38 position and reference base (see
config/demo/SOURCES.md). The only inputs are the small committed tables under
config/demo/sources/ (real records and gene identifiers extracted from public files), so the
rebuild needs no network and no shared data. Output is byte-deterministic: fixed seeds,
fixed float formatting, bgzip + tabix through pysam.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
from dataclasses import dataclass, field
from pathlib import Path

import pysam

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
PASSENGERS_FILE = SOURCES / "T001-COAD.grch38.passengers.tsv"
EXPRESSION_GENES_FILE = SOURCES / "expression_genes.tsv"
SEED = 20260115

GRCH38_CONTIGS = (
    ("chr1", 248956422),
    ("chr2", 242193529),
    ("chr3", 198295559),
    ("chr4", 190214555),
    ("chr5", 181538259),
    ("chr6", 170805979),
    ("chr7", 159345973),
    ("chr8", 145138636),
    ("chr9", 138394717),
    ("chr10", 133797422),
    ("chr11", 135086622),
    ("chr12", 133275309),
    ("chr13", 114364328),
    ("chr14", 107043718),
    ("chr15", 101991189),
    ("chr16", 90338345),
    ("chr17", 83257441),
    ("chr18", 80373285),
    ("chr19", 58617616),
    ("chr20", 64444167),
    ("chr21", 46709983),
    ("chr22", 50818468),
    ("chrX", 156040895),
    ("chrY", 57227415),
    ("chrM", 16569),
)
CONTIG_ORDER = {name: index for index, (name, _) in enumerate(GRCH38_CONTIGS)}

VEP_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|"
    "HGVSp|cDNA_position|CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|"
    "DISTANCE|STRAND|FLAGS|PICK|SYMBOL_SOURCE|HGNC_ID|CANONICAL|MANE_SELECT|gnomADe_AF|"
    "CLIN_SIG"
)
SNPEFF_FIELDS = (
    "Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | "
    "Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | "
    "CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO"
)

AMINO3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip


@dataclass(frozen=True)
class Transcript:
    """MANE Select transcript of a gene (Ensembl + RefSeq ids, strand, protein length)."""

    gene: str
    gene_id: str
    enst: str
    ensp: str
    refseq: str
    strand: int
    protein_length: int
    hgnc_id: str


TRANSCRIPTS = {
    t.gene: t
    for t in (
        Transcript("TP53", "ENSG00000141510", "ENST00000269305.9", "ENSP00000269305.4",
                   "NM_000546.6", -1, 393, "HGNC:11998"),
        Transcript("BRAF", "ENSG00000157764", "ENST00000646891.2", "ENSP00000493543.1",
                   "NM_004333.6", -1, 766, "HGNC:1097"),
        Transcript("RB1", "ENSG00000139687", "ENST00000267163.6", "ENSP00000267163.4",
                   "NM_000321.3", 1, 928, "HGNC:9884"),
        Transcript("TSC2", "ENSG00000103197", "ENST00000219476.9", "ENSP00000219476.3",
                   "NM_000548.5", 1, 1807, "HGNC:12363"),
        Transcript("ATRX", "ENSG00000085224", "ENST00000373344.11", "ENSP00000362441.4",
                   "NM_000489.6", -1, 2492, "HGNC:886"),
        Transcript("STK11", "ENSG00000118046", "ENST00000326873.12", "ENSP00000324856.6",
                   "NM_000455.5", 1, 433, "HGNC:11389"),
        Transcript("KEAP1", "ENSG00000079999", "ENST00000171111.10", "ENSP00000171111.5",
                   "NM_203500.2", -1, 624, "HGNC:23177"),
        Transcript("MLH1", "ENSG00000076242", "ENST00000231790.8", "ENSP00000231790.3",
                   "NM_000249.4", 1, 756, "HGNC:7127"),
        Transcript("BRCA2", "ENSG00000139618", "ENST00000380152.8", "ENSP00000369497.3",
                   "NM_000059.4", 1, 3418, "HGNC:1101"),
        Transcript("PIK3CA", "ENSG00000121879", "ENST00000263967.4", "ENSP00000263967.3",
                   "NM_006218.4", 1, 1068, "HGNC:8975"),
        Transcript("KRAS", "ENSG00000133703", "ENST00000311936.8", "ENSP00000308495.3",
                   "NM_004985.5", -1, 189, "HGNC:6407"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Driver:
    """A named variant with its sourced GRCh38 position (see SOURCES.md, key = name)."""

    name: str
    gene: str
    chrom: str
    pos: int
    ref: str
    alt: str
    consequence: str  # VEP/SnpEff SO term
    impact: str
    cdna: str  # c. change without transcript, e.g. "c.818G>A"
    protein_position: int
    ref_aa: str  # one letter
    alt_aa: str  # one letter, "*" for stop, "?" for start loss
    codons: str  # as in Cancer Hotspots / VEP, e.g. "cGt/cAt"
    existing: str = ""
    maf_class: str = "Missense_Mutation"
    start_loss_aa: str = ""

    @property
    def transcript(self) -> Transcript:
        return TRANSCRIPTS[self.gene]

    @property
    def hgvsp3(self) -> str:
        if self.alt_aa == "?":
            return f"p.{AMINO3[self.ref_aa]}{self.protein_position}?"
        return f"p.{AMINO3[self.ref_aa]}{self.protein_position}{AMINO3[self.alt_aa]}"

    @property
    def hgvsp1(self) -> str:
        return f"p.{self.ref_aa}{self.protein_position}{self.alt_aa}"


DRIVERS = {
    d.name: d
    for d in (
        Driver("TP53_R273H", "TP53", "chr17", 7673802, "C", "T", "missense_variant",
               "MODERATE", "c.818G>A", 273, "R", "H", "cGt/cAt", "rs28934576"),
        Driver("TP53_R175H", "TP53", "chr17", 7675088, "C", "T", "missense_variant",
               "MODERATE", "c.524G>A", 175, "R", "H", "cGc/cAc", "rs28934578"),
        Driver("TP53_R248Q", "TP53", "chr17", 7674220, "C", "T", "missense_variant",
               "MODERATE", "c.743G>A", 248, "R", "Q", "cGg/cAg", "rs11540652"),
        Driver("TP53_P72R", "TP53", "chr17", 7676154, "G", "C", "missense_variant",
               "MODERATE", "c.215C>G", 72, "P", "R", "cCc/cGc", "rs1042522"),
        Driver("BRAF_V600E", "BRAF", "chr7", 140753336, "A", "T", "missense_variant",
               "MODERATE", "c.1799T>A", 600, "V", "E", "gTg/gAg", "rs113488022"),
        Driver("PIK3CA_H1047R", "PIK3CA", "chr3", 179234297, "A", "G", "missense_variant",
               "MODERATE", "c.3140A>G", 1047, "H", "R", "cAt/cGt", "rs121913279"),
        Driver("PIK3CA_E542K", "PIK3CA", "chr3", 179218294, "G", "A", "missense_variant",
               "MODERATE", "c.1624G>A", 542, "E", "K", "Gaa/Aaa", "rs121913273"),
        Driver("KRAS_G12C", "KRAS", "chr12", 25245351, "C", "A", "missense_variant",
               "MODERATE", "c.34G>T", 12, "G", "C", "Ggt/Tgt", "rs121913530"),
        Driver("RB1_R320X", "RB1", "chr13", 48367512, "C", "T", "stop_gained", "HIGH",
               "c.958C>T", 320, "R", "*", "Cga/Tga", maf_class="Nonsense_Mutation"),
        Driver("RB1_R455X", "RB1", "chr13", 48379624, "C", "T", "stop_gained", "HIGH",
               "c.1363C>T", 455, "R", "*", "Cga/Tga", maf_class="Nonsense_Mutation"),
        Driver("TSC2_Q1178X", "TSC2", "chr16", 2080299, "C", "T", "stop_gained", "HIGH",
               "c.3532C>T", 1178, "Q", "*", "Cag/Tag", "rs45517297", maf_class="Nonsense_Mutation"),
        Driver("ATRX_R907X", "ATRX", "chrX", 77682539, "G", "A", "stop_gained", "HIGH",
               "c.2719C>T", 907, "R", "*", "Cga/Tga", maf_class="Nonsense_Mutation"),
        Driver("STK11_E223X", "STK11", "chr19", 1220650, "G", "T", "stop_gained", "HIGH",
               "c.667G>T", 223, "E", "*", "Gag/Tag", maf_class="Nonsense_Mutation"),
        Driver("KEAP1_G333C", "KEAP1", "chr19", 10491905, "C", "A", "missense_variant",
               "MODERATE", "c.997G>T", 333, "G", "C", "Ggc/Tgc"),
        Driver("MLH1_R226X", "MLH1", "chr3", 37012098, "C", "T", "stop_gained", "HIGH",
               "c.676C>T", 226, "R", "*", "Cga/Tga", "rs63751615", maf_class="Nonsense_Mutation"),
        Driver("BRCA2_M1I", "BRCA2", "chr13", 32316463, "G", "T", "start_lost", "HIGH",
               "c.3G>T", 1, "M", "?", "atG/atT", maf_class="Translation_Start_Site",
               start_loss_aa="I"),
    )
}  # fmt: skip


@dataclass
class Record:
    """One VCF record before formatting. alts has more than one entry for multiallelic sites."""

    chrom: str
    pos: int
    ref: str
    alts: list[str]
    filter: str = "PASS"
    info: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    id: str = "."

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        return (CONTIG_ORDER[self.chrom], self.pos, self.ref, ",".join(self.alts))

    def line(self, fmt: str | None) -> str:
        fields = [
            self.chrom,
            str(self.pos),
            self.id,
            self.ref,
            ",".join(self.alts),
            ".",
            self.filter,
            ";".join(self.info) if self.info else ".",
        ]
        if fmt:
            fields += [fmt, *self.samples]
        return "\t".join(fields)


# --------------------------------------------------------------------------- annotation text


def vep_csq(driver: Driver) -> str:
    t = driver.transcript
    cds_pos = _cds_position(driver)
    # start loss: the codon still translates (atG/atT = Met/Ile) while HGVSp is p.Met1?
    amino = f"{driver.ref_aa}/{driver.start_loss_aa or driver.alt_aa}"
    values = [
        driver.alt,
        driver.consequence,
        driver.impact,
        driver.gene,
        t.gene_id,
        "Transcript",
        t.enst,
        "protein_coding",
        "",
        "",
        f"{t.enst}:{driver.cdna}",
        f"{t.ensp}:{driver.hgvsp3}",
        "",
        str(cds_pos),
        str(driver.protein_position),
        amino,
        driver.codons,
        driver.existing,
        "",
        str(t.strand),
        "",
        "1",
        "HGNC",
        t.hgnc_id,
        "YES",
        t.refseq,
        "",
        "",
    ]
    return "|".join(values)


def snpeff_ann(driver: Driver) -> str:
    t = driver.transcript
    cds_length = 3 * t.protein_length + 3
    values = [
        driver.alt,
        driver.consequence,
        driver.impact,
        driver.gene,
        t.gene_id,
        "transcript",
        t.enst,
        "protein_coding",
        "",
        driver.cdna,
        driver.hgvsp3,
        "",
        f"{_cds_position(driver)}/{cds_length}",
        f"{driver.protein_position}/{t.protein_length}",
        "",
        "",
    ]
    return "|".join(values)


def _cds_position(driver: Driver) -> int:
    digits = "".join(ch for ch in driver.cdna.split(">")[0] if ch.isdigit())
    return int(digits)


# --------------------------------------------------------------------------- VCF writing


def contig_header() -> list[str]:
    return [
        f"##contig=<ID={name},length={length},assembly=GRCh38>" for name, length in GRCH38_CONTIGS
    ]


def write_vcf_gz(path: Path, meta: list[str], columns: list[str], records: list[Record]) -> None:
    """Write a sorted VCF, bgzip it and tabix-index it (path ends with .vcf.gz)."""
    fmt = "GT:AD:AF:DP" if len(columns) > 8 else None
    records = sorted(records, key=lambda r: r.sort_key)
    lines = ["##fileformat=VCFv4.2", *meta, *contig_header(), "#" + "\t".join(columns)]
    lines += [r.line(fmt) for r in records]
    plain = path.with_suffix("")  # strip .gz
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pysam.tabix_index(str(plain), preset="vcf", force=True)


def genotype(rng: random.Random, vaf: float, depth: int) -> str:
    alt_reads = max(1, round(vaf * depth))
    ref_reads = depth - alt_reads
    af = alt_reads / depth
    return f"0/1:{ref_reads},{alt_reads}:{af:.3f}:{depth}"


def normal_genotype(depth: int) -> str:
    return f"0/0:{depth},0:0.000:{depth}"


FORMAT_META = [
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
    'alleles in the order listed">',
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in '
    'the tumor">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
]
FILTER_META = [
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">',
    '##FILTER=<ID=germline,Description="Evidence indicates this site is germline, not somatic">',
    '##FILTER=<ID=strand_bias,Description="Evidence for alt allele comes from one read '
    'direction only">',
]
VEP_META = [
    f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl '
    f'VEP. Format: {VEP_FIELDS}">',
    '##VEP="v110" time="2026-01-15 10:00:00" cache="homo_sapiens/110_GRCh38" '
    'ensembl=110.584a8f3 assembly="GRCh38.p14"',
]
SNPEFF_META = [
    '##SnpEffVersion="5.1d (build 2022-04-19 14:02), by Pablo Cingolani"',
    '##SnpEffCmd="SnpEff  -noStats -canon GRCh38.105 NEN02.vcf "',
    '##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: '
    f"'{SNPEFF_FIELDS}' \">",
]


@dataclass(frozen=True)
class Call:
    """A driver placed in one sample with its tumour VAF and depth."""

    driver: str
    vaf: float
    depth: int
    filter: str = "PASS"


def driver_records(
    calls: list[Call], annotation: str, rng: random.Random, normal: bool = False
) -> list[Record]:
    records = []
    for call in calls:
        d = DRIVERS[call.driver]
        info = []
        if annotation == "VEP":
            info.append("CSQ=" + vep_csq(d))
        elif annotation == "SnpEff":
            info.append("ANN=" + snpeff_ann(d))
        samples = [genotype(rng, call.vaf, call.depth)]
        if normal:
            samples.append(normal_genotype(rng.randint(30, 60)))
        rec_id = d.existing if d.existing.startswith("rs") else "."
        records.append(Record(d.chrom, d.pos, d.ref, [d.alt], call.filter, info, samples, rec_id))
    return records


# --------------------------------------------------------------------------- passengers


@dataclass(frozen=True)
class Passenger:
    chrom: str
    pos: int
    ref: str
    alt: str
    ref_reads: int
    alt_reads: int


def read_passengers(path: Path = PASSENGERS_FILE) -> list[Passenger]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [
            Passenger(
                r["chrom"], int(r["pos"]), r["ref"], r["alt"], int(r["ref_reads"]),
                int(r["alt_reads"]),
            )
            for r in rows
        ]  # fmt: skip


def passenger_records(passengers: list[Passenger]) -> list[Record]:
    records = []
    for p in passengers:
        depth = p.ref_reads + p.alt_reads
        sample = f"0/1:{p.ref_reads},{p.alt_reads}:{p.alt_reads / depth:.3f}:{depth}"
        records.append(Record(p.chrom, p.pos, p.ref, [p.alt], "PASS", [], [sample]))
    return records


def multiallelic(passenger: Passenger) -> Record:
    """A real passenger site with a second ALT allele added (documented in SOURCES.md)."""
    second = next(b for b in "ACGT" if b not in (passenger.ref, passenger.alt))
    a1, a2 = passenger.alt_reads, max(2, passenger.alt_reads // 3)
    depth = passenger.ref_reads + a1 + a2
    sample = f"1/2:{passenger.ref_reads},{a1},{a2}:{a1 / depth:.3f},{a2 / depth:.3f}:{depth}"
    return Record(passenger.chrom, passenger.pos, passenger.ref, [passenger.alt, second],
                  "PASS", [], [sample])  # fmt: skip


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    sample: str
    tumor_site: str
    differentiation: str
    ki67: str
    pdl1_tps: str
    pdl1_cps: str
    msi_status: str
    her2_ihc: str
    purity: str
    vcf: str = ""
    maf: str = ""
    tumor_sample: str = ""
    normal_sample: str = ""
    cna: str = ""
    fusions: str = ""
    expression_id: str = ""
    histology: str = ""
    stage: str = ""
    sstr_imaging: str = ""


CASES = (
    Case("NEN01", "pancreas", "well", "30", "", "", "MSS", "", "0.70",
         vcf="demo/NEN01.vep.vcf.gz", cna="demo/cna/NEN01.gene_cn.tsv", expression_id="NEN01",
         histology="NET G3", stage="metastatic", sstr_imaging="positive"),
    Case("NEN02", "colon", "poor", "80", "5", "", "MSS", "", "0.60",
         vcf="demo/NEN02.snpeff.vcf.gz", expression_id="NEN02"),
    Case("NEN03", "lung", "poor", "70", "10", "", "MSS", "", "0.55",
         vcf="demo/NEN03.mutect2.vep.vcf.gz", tumor_sample="NEN03_T", normal_sample="NEN03_N",
         expression_id="NEN03", histology="LCNEC", stage="metastatic"),
    Case("NEN04", "bladder", "poor", "90", "0", "", "MSS", "", "0.80",
         vcf="demo/NEN04.vep.vcf.gz", cna="demo/cna/NEN04.gene_cn.tsv", expression_id="NEN04"),
    Case("NEN05", "stomach", "poor", "75", "", "20", "MSI-H", "1+", "0.65",
         vcf="demo/NEN05.vcf.gz", cna="demo/cna/NEN05.gene_cn.tsv", expression_id="NEN05"),
    Case("NEN06", "pancreas", "poor", "60", "", "", "MSS", "", "0.50",
         vcf="demo/NEN06.vep.vcf.gz", cna="demo/cna/NEN06.segments.tsv", expression_id="NEN06"),
    Case("NEN07", "lung", "poor", "65", "60", "", "MSS", "", "0.60",
         vcf="demo/NEN07.vep.vcf.gz", cna="demo/cna/NEN07.gene_cn.tsv", expression_id="NEN07",
         histology="SCLC", stage="extensive"),
    Case("NEN08", "small intestine", "well", "25", "", "", "MSS", "", "",
         vcf="demo/NEN08.vcf.gz", expression_id="NEN08"),
    Case("NEN09", "rectum", "well", "35", "", "", "unknown", "", "0.75",
         vcf="demo/NEN09.vcf.gz", expression_id="NEN09"),
    Case("NEN10", "unknown primary", "poor", "85", "", "", "MSS", "0", "",
         maf="demo/NEN10.maf", fusions="demo/fusions/NEN10.arriba.fusions.tsv"),
)  # fmt: skip

SHEET_COLUMNS = (
    "sample", "vcf", "maf", "tumor_sample", "normal_sample", "cna", "fusions", "expression_id",
    "tumor_site", "differentiation", "ki67", "pdl1_tps", "pdl1_cps", "msi_status",
    "genome_build", "her2_ihc", "purity", "histology", "stage", "sstr_imaging",
)  # fmt: skip


def single_sample_columns(sample: str) -> list[str]:
    return ["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]


def build_vcfs(demo: Path, rng: random.Random, passengers: list[Passenger]) -> None:
    caller = ["##source=Mutect2", "##reference=file:///ref/GRCh38/Homo_sapiens_assembly38.fasta"]

    # NEN01 pancreatic NET G3: ATRX + TSC2 truncating (MEN1 loss and TSC2 LOH in the CNA file).
    calls = [Call("ATRX_R907X", 0.41, 182), Call("TSC2_Q1178X", 0.63, 154)]
    write_vcf_gz(
        demo / "NEN01.vep.vcf.gz",
        [*caller, *FILTER_META, *FORMAT_META, *VEP_META],
        single_sample_columns("NEN01"),
        driver_records(calls, "VEP", rng),
    )

    # NEN02 colorectal NEC: TP53 R273H + RB1 truncating + BRAF V600E, SnpEff ANN.
    calls = [
        Call("TP53_R273H", 0.58, 210),
        Call("RB1_R320X", 0.55, 188),
        Call("BRAF_V600E", 0.31, 240),
        Call("KRAS_G12C", 0.04, 95, "weak_evidence"),
    ]
    write_vcf_gz(
        demo / "NEN02.snpeff.vcf.gz",
        [*caller, *FILTER_META, *FORMAT_META, *SNPEFF_META],
        single_sample_columns("NEN02"),
        driver_records(calls, "SnpEff", rng),
    )

    # NEN03 lung LCNEC: Mutect2 tumor/normal pair, VEP annotated.
    calls = [
        Call("TP53_R175H", 0.47, 160),
        Call("STK11_E223X", 0.52, 131),
        Call("KEAP1_G333C", 0.44, 118),
    ]
    meta = [
        "##source=Mutect2",
        '##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 --tumor-sample NEN03_T '
        '--normal-sample NEN03_N --output NEN03.vcf.gz",Version="4.4.0.0">',
        "##tumor_sample=NEN03_T",
        "##normal_sample=NEN03_N",
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads '
        'may have been filtered">',
        '##INFO=<ID=TLOD,Number=A,Type=Float,Description="Log 10 likelihood ratio score of '
        'variant existing versus not existing">',
    ]
    records = driver_records(calls, "VEP", rng, normal=True)
    for record in records:
        depth = int(record.samples[0].rsplit(":", 1)[1]) + int(record.samples[1].rsplit(":", 1)[1])
        record.info[:0] = [f"DP={depth}", f"TLOD={rng.uniform(40, 160):.2f}"]
    write_vcf_gz(
        demo / "NEN03.mutect2.vep.vcf.gz",
        [*meta, *FILTER_META, *FORMAT_META, *VEP_META],
        [*single_sample_columns("NEN03_N")[:9], "NEN03_N", "NEN03_T"],
        _swap_to_normal_first(records),
    )

    # NEN04 bladder small-cell NEC: TP53 + RB1, tumor-only, TP53 P72R polymorphism present.
    calls = [
        Call("TP53_R248Q", 0.81, 143),
        Call("RB1_R455X", 0.78, 121),
        Call("TP53_P72R", 0.49, 212),
    ]
    write_vcf_gz(
        demo / "NEN04.vep.vcf.gz",
        [*caller, *FILTER_META, *FORMAT_META, *VEP_META],
        single_sample_columns("NEN04"),
        driver_records(calls, "VEP", rng),
    )

    # NEN05 MSI-H gastric NEC: unannotated; MLH1 R226* + 3,313 real passengers of a
    # hypermutated TCGA colon tumour (T001-COAD, GRCh38), one site made multiallelic.
    site = next(p for p in passengers if len(p.ref) == len(p.alt) == 1)
    records = driver_records([Call("MLH1_R226X", 0.62, 131)], "none", rng)
    records += passenger_records([p for p in passengers if p is not site])
    records.append(multiallelic(site))
    write_vcf_gz(
        demo / "NEN05.vcf.gz",
        [*caller, *FILTER_META, *FORMAT_META],
        single_sample_columns("NEN05"),
        records,
    )

    # NEN06 pancreatic NEC: BRCA2 start-loss + LOH (segment file) + TP53 R273H.
    calls = [Call("BRCA2_M1I", 0.72, 166), Call("TP53_R273H", 0.69, 150)]
    write_vcf_gz(
        demo / "NEN06.vep.vcf.gz",
        [*caller, *FILTER_META, *FORMAT_META, *VEP_META],
        single_sample_columns("NEN06"),
        driver_records(calls, "VEP", rng),
    )

    # NEN07 lung LCNEC, PD-L1 TPS 60 and CD274 amplification: TP53 R175H + KRAS G12C.
    calls = [Call("TP53_R175H", 0.57, 178), Call("KRAS_G12C", 0.33, 201)]
    write_vcf_gz(
        demo / "NEN07.vep.vcf.gz",
        [*caller, *FILTER_META, *FORMAT_META, *VEP_META],
        single_sample_columns("NEN07"),
        driver_records(calls, "VEP", rng),
    )

    # NEN08 small-intestinal NET G3: unannotated, only passengers (VUS at most) and one
    # filtered TP53 hotspot call that PASS-only filtering must drop.
    chosen = _passengers_for_nen08(passengers)
    records = passenger_records(chosen)
    records += driver_records([Call("TP53_R248Q", 0.03, 88, "strand_bias")], "none", rng)
    write_vcf_gz(
        demo / "NEN08.vcf.gz",
        [*caller, *FILTER_META, *FORMAT_META],
        single_sample_columns("NEN08"),
        records,
    )

    # NEN09 rectal NET G3: unannotated VCF with PIK3CA H1047R (positional hotspot path).
    calls = [Call("PIK3CA_H1047R", 0.36, 197)]
    write_vcf_gz(
        demo / "NEN09.vcf.gz",
        [*caller, *FILTER_META, *FORMAT_META],
        single_sample_columns("NEN09"),
        driver_records(calls, "none", rng),
    )


NEN08_PASSENGER_SITES = (("chr12", 49024703), ("chr22", 28724975), ("chr7", 5982823))


def _passengers_for_nen08(passengers: list[Passenger]) -> list[Passenger]:
    wanted = set(NEN08_PASSENGER_SITES)
    return [p for p in passengers if (p.chrom, p.pos) in wanted]


def _swap_to_normal_first(records: list[Record]) -> list[Record]:
    """Mutect2 writes the normal column first when sorted by name; keep that real-world order."""
    for record in records:
        record.samples = [record.samples[1], record.samples[0]]
    return records


# --------------------------------------------------------------------------- MAF, CNA, fusions


MAF_COLUMNS = (
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position",
    "End_Position", "Strand", "Variant_Classification", "Variant_Type", "Reference_Allele",
    "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "Tumor_Sample_Barcode",
    "Matched_Norm_Sample_Barcode", "HGVSc", "HGVSp", "HGVSp_Short", "Transcript_ID",
    "t_depth", "t_ref_count", "t_alt_count", "n_depth", "n_ref_count", "n_alt_count",
)  # fmt: skip
ENTREZ = {"TP53": "7157", "PIK3CA": "5290"}


def build_maf(demo: Path) -> None:
    rows = ["#version 2.4", "\t".join(MAF_COLUMNS)]
    for name, depth, alt_reads in (("TP53_R248Q", 176, 97), ("PIK3CA_E542K", 203, 58)):
        d = DRIVERS[name]
        t = d.transcript
        values = [
            d.gene, ENTREZ[d.gene], "nenprofile-demo", "GRCh38", d.chrom, str(d.pos), str(d.pos),
            "+", d.maf_class, "SNP", d.ref, d.ref, d.alt, "NEN10", "NEN10_N", d.cdna,
            d.hgvsp3, d.hgvsp1, t.enst.split(".")[0], str(depth), str(depth - alt_reads),
            str(alt_reads), "62", "62", "0",
        ]  # fmt: skip
        rows.append("\t".join(values))
    (demo / "NEN10.maf").write_text("\n".join(rows) + "\n", encoding="utf-8")


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join("\t".join(r) for r in [header, *rows]) + "\n"
    path.write_text(text, encoding="utf-8")


def build_cna(demo: Path) -> None:
    header = ["gene", "copy_number", "minor_copy_number"]
    write_tsv(demo / "cna/NEN01.gene_cn.tsv", header, [
        ["MEN1", "0", "0"], ["TSC2", "1", "0"], ["DAXX", "2", "1"], ["PTEN", "2", "1"],
        ["CDKN2A", "2", "1"], ["RB1", "2", "1"], ["TP53", "2", "1"],
    ])  # fmt: skip
    write_tsv(demo / "cna/NEN04.gene_cn.tsv", header, [
        ["TP53", "1", "0"], ["RB1", "1", "0"], ["CDKN2A", "2", "1"], ["MYCL", "2", "1"],
        ["PTEN", "2", "1"],
    ])  # fmt: skip
    write_tsv(demo / "cna/NEN05.gene_cn.tsv", header, [
        ["MLH1", "2", "0"], ["MSH2", "2", "1"], ["MSH6", "2", "1"], ["PMS2", "2", "1"],
        ["BRAF", "2", "1"],
    ])  # fmt: skip
    write_tsv(demo / "cna/NEN07.gene_cn.tsv", header, [
        ["CD274", "10", "3"], ["PDCD1LG2", "10", "3"], ["JAK2", "9", "3"], ["TP53", "2", "1"],
        ["KRAS", "3", "1"], ["STK11", "2", "1"],
    ])  # fmt: skip
    # PCGR-style allele-specific segments (Chromosome without chr, 1-based start/end).
    segments = [
        ["1", "1", "248956422", "1", "1"],
        ["3", "1", "198295559", "1", "1"],
        ["9", "1", "138394717", "1", "1"],
        ["13", "18000000", "31000000", "1", "1"],
        ["13", "31000001", "45000000", "2", "0"],
        ["13", "45000001", "114364328", "1", "1"],
        ["17", "1", "83257441", "2", "0"],
        ["18", "1", "80373285", "1", "0"],
    ]
    write_tsv(
        demo / "cna/NEN06.segments.tsv",
        ["Chromosome", "Start", "End", "nMajor", "nMinor"],
        segments,
    )


ARRIBA_COLUMNS = (
    "#gene1", "gene2", "strand1(gene/fusion)", "strand2(gene/fusion)", "breakpoint1",
    "breakpoint2", "site1", "site2", "type", "split_reads1", "split_reads2", "discordant_mates",
    "coverage1", "coverage2", "confidence", "reading_frame", "tags", "retained_protein_domains",
    "closest_genomic_breakpoint1", "closest_genomic_breakpoint2", "gene_id1", "gene_id2",
    "transcript_id1", "transcript_id2", "direction1", "direction2", "filters",
    "fusion_transcript", "peptide_sequence", "read_identifiers",
)  # fmt: skip


def build_fusions(demo: Path, gene_ids: dict[str, str]) -> None:
    rows = [
        ["TPM3", "NTRK1", "-/-", "+/+", "chr1:154170400", "chr1:156874600", "splice-site",
         "splice-site", "inversion", "24", "31", "18", "180", "45", "high", "in-frame", ".",
         "Tropomyosin|Protein tyrosine and serine/threonine kinase", ".", ".", gene_ids["TPM3"],
         gene_ids["NTRK1"], ".", ".", "upstream", "downstream", ".", ".", ".", "."],
        ["ACTB", "NTRK1", "-/-", "+/+", "chr7:5530500", "chr1:156874600", "exon", "splice-site",
         "translocation", "1", "0", "0", "2210", "45", "low", "out-of-frame", ".", ".", ".", ".",
         gene_ids["ACTB"], gene_ids["NTRK1"], ".", ".", "upstream", "downstream",
         "duplicates(2)", ".", ".", "."],
    ]  # fmt: skip
    write_tsv(demo / "fusions/NEN10.arriba.fusions.tsv", list(ARRIBA_COLUMNS), rows)


# --------------------------------------------------------------------------- expression

# Target TPM per profile; genes not listed get a background level drawn per gene.
PROFILES: dict[str, dict[str, float]] = {
    "NET": {"SSTR2": 180, "SSTR5": 40, "CHGA": 2500, "SYP": 300, "INSM1": 90, "DLL3": 1.2,
            "ASCL1": 0.8, "NEUROD1": 12, "POU2F3": 0.3, "YAP1": 25, "SLFN11": 6, "MKI67": 20,
            "SST": 30, "ENO2": 80},
    "SCLC_A": {"SSTR2": 2.5, "SSTR5": 0.5, "CHGA": 600, "SYP": 250, "INSM1": 140,
               "DLL3": 95, "ASCL1": 260, "NEUROD1": 8, "POU2F3": 0.4, "YAP1": 1.5,
               "SLFN11": 60, "MKI67": 160, "ENO2": 200},
    "NEC_N": {"SSTR2": 6, "CHGA": 300, "SYP": 180, "INSM1": 70, "DLL3": 35, "ASCL1": 6,
              "NEUROD1": 120, "POU2F3": 0.5, "YAP1": 4, "SLFN11": 20, "MKI67": 140, "ENO2": 150},
}  # fmt: skip
GEP_GENES = (
    "CCL5", "CD27", "CD274", "CD276", "CD8A", "CMKLR1", "CXCL9", "CXCR6", "HLA-DQA1",
    "HLA-DRB1", "HLA-E", "IDO1", "LAG3", "NKG7", "PDCD1LG2", "PSMB10", "STAT1", "TIGIT",
)  # fmt: skip
SAMPLE_EXPRESSION = {
    # sample: (profile, immune multiplier on GEP genes, extra per-gene overrides)
    "NEN01": ("NET", 0.6, {"MGMT": 0.8}),
    "NEN02": ("NEC_N", 0.8, {}),
    "NEN03": ("NEC_N", 0.3, {"DLL3": 60, "ASCL1": 45}),
    "NEN04": ("SCLC_A", 0.5, {"SLFN11": 95}),
    "NEN05": ("NEC_N", 4.0, {"CD274": 30, "IDO1": 60}),
    "NEN06": ("NEC_N", 0.7, {"SLFN11": 75}),
    "NEN07": ("NEC_N", 3.5, {"CD274": 140, "PDCD1LG2": 60}),
    "NEN08": ("NET", 0.8, {}),
    "NEN09": ("NET", 1.0, {"MGMT": 30}),
}


def read_expression_genes(path: Path = EXPRESSION_GENES_FILE) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [(r["gene_id"], r["gene_name"]) for r in rows]


def build_expression(demo: Path, genes: list[tuple[str, str]], rng: random.Random) -> None:
    baseline = {name: 2 ** rng.gauss(3.0, 2.0) for _, name in genes}
    for name in GEP_GENES:
        baseline[name] = 2 ** rng.gauss(3.5, 0.8)
    for name in ("ACTB", "GAPDH", "B2M", "PPIA", "RPLP0"):
        baseline[name] = 2 ** rng.gauss(11.0, 0.5)
    samples = list(SAMPLE_EXPRESSION)
    rows = []
    for gene_id, name in genes:
        values = []
        for sample in samples:
            profile, immune, overrides = SAMPLE_EXPRESSION[sample]
            target = overrides.get(name, PROFILES[profile].get(name, baseline[name]))
            if name in GEP_GENES and name not in overrides:
                target = baseline[name] * immune
            noise = 2 ** rng.gauss(0.0, 0.25)
            values.append(f"{target * noise:.4f}")
        rows.append([gene_id, name, *values])
    write_tsv(
        demo / "expression/salmon.merged.gene_tpm.tsv", ["gene_id", "gene_name", *samples], rows
    )


# --------------------------------------------------------------------------- sheet + main


def build_sheet(sheet: Path) -> None:
    rows = []
    for case in CASES:
        values = {
            "sample": case.sample, "vcf": case.vcf, "maf": case.maf,
            "tumor_sample": case.tumor_sample, "normal_sample": case.normal_sample,
            "cna": case.cna, "fusions": case.fusions, "expression_id": case.expression_id,
            "tumor_site": case.tumor_site, "differentiation": case.differentiation,
            "ki67": case.ki67, "pdl1_tps": case.pdl1_tps, "pdl1_cps": case.pdl1_cps,
            "msi_status": case.msi_status, "genome_build": "GRCh38", "her2_ihc": case.her2_ihc,
            "purity": case.purity, "histology": case.histology, "stage": case.stage,
            "sstr_imaging": case.sstr_imaging,
        }  # fmt: skip
        rows.append([values[c] for c in SHEET_COLUMNS])
    write_tsv(sheet, list(SHEET_COLUMNS), rows)


def build(demo: Path, sheet: Path) -> list[Path]:
    """Write every demo file into demo/ and the sample sheet to sheet; return the paths."""
    demo.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    passengers = read_passengers()
    genes = read_expression_genes()
    build_vcfs(demo, rng, passengers)
    build_maf(demo)
    build_cna(demo)
    build_fusions(demo, dict((name, gene_id) for gene_id, name in genes))
    build_expression(demo, genes, random.Random(SEED + 1))
    build_sheet(sheet)
    return sorted(p for p in [*demo.rglob("*"), sheet] if p.is_file() and _is_output(p, demo))


def _is_output(path: Path, demo: Path) -> bool:
    relative = path.relative_to(demo) if path.is_relative_to(demo) else path
    return relative.parts[0] != "sources" and path.suffix not in (".py", ".md")


_CORE_GENE_TEXT = (
    "CD274 PDCD1LG2 SSTR2 DLL3 SLFN11 MGMT CHGA SYP INSM1 ASCL1 NEUROD1 POU2F3 YAP1 "
    "CCL5 CD27 CD276 CD8A CMKLR1 CXCL9 CXCR6 HLA-DQA1 HLA-DRB1 HLA-E IDO1 LAG3 NKG7 PSMB10 "
    "STAT1 TIGIT MTOR RPTOR RICTOR TSC1 TSC2 PTEN PIK3CA AKT1 DEPDC5 NPRL2 NPRL3 STK11 RHEB "
    "EIF4EBP1 RPS6KB1 ACTB GAPDH B2M PPIA RPLP0 TBP HPRT1 GUSB PGK1 TFRC JAK2 MEN1 DAXX ATRX "
    "RB1 TP53 BRCA2 MLH1 KEAP1 NTRK1 TPM3 SSTR5 MKI67 ENO2 NCAM1 SST"
)
EXPRESSION_CORE_GENES = tuple(_CORE_GENE_TEXT.split(" "))
EXPRESSION_GENE_COUNT = 300


def extract_sources(shared_data: Path, sources: Path = SOURCES) -> None:
    """Refresh sources/ from the public files (run once; the outputs are committed)."""
    sources.mkdir(parents=True, exist_ok=True)
    passengers = extract_passengers(shared_data / "vcf" / "pcgr_T001-COAD.grch38.vcf.gz")
    write_tsv(sources / PASSENGERS_FILE.name,
              ["chrom", "pos", "ref", "alt", "ref_reads", "alt_reads"],
              [[p.chrom, str(p.pos), p.ref, p.alt, str(p.ref_reads), str(p.alt_reads)]
               for p in passengers])  # fmt: skip
    genes = extract_expression_genes(
        shared_data / "rnaseq" / "nfcore_rnaseq_3.14_salmon.merged.gene_tpm.tsv"
    )
    write_tsv(
        sources / EXPRESSION_GENES_FILE.name, ["gene_id", "gene_name"], [list(g) for g in genes]
    )


def extract_passengers(vcf_gz: Path) -> list[Passenger]:
    """PASS records of the PCGR T001-COAD GRCh38 example with tumour read counts (ADT)."""
    passengers = []
    with gzip.open(vcf_gz, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            chrom, alts = "chr" + fields[0], fields[4].split(",")
            if chrom not in CONTIG_ORDER or len(alts) != 1 or fields[6] != "PASS":
                continue
            sample = dict(zip(fields[8].split(":"), fields[9].split(":"), strict=True))
            ref_reads, alt_reads = (int(x) for x in sample["ADT"].split(","))
            passengers.append(
                Passenger(chrom, int(fields[1]), fields[3], alts[0], ref_reads, alt_reads)
            )
    passengers.sort(key=lambda p: (CONTIG_ORDER[p.chrom], p.pos, p.ref, p.alt))
    return passengers


def extract_expression_genes(matrix: Path) -> list[tuple[str, str]]:
    """Core marker/GEP/mTOR/housekeeping genes plus seeded random others, real Ensembl ids."""
    ids: dict[str, str] = {}
    with matrix.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            ids.setdefault(row["gene_name"], row["gene_id"])
    plain = sorted(n for n in ids if n.isalnum() and n.isupper() and not n.startswith("ENSG"))
    others = [n for n in plain if n not in EXPRESSION_CORE_GENES]
    extra = random.Random(SEED).sample(others, EXPRESSION_GENE_COUNT - len(EXPRESSION_CORE_GENES))
    names = [*EXPRESSION_CORE_GENES, *sorted(extra)]
    return [(ids[n], n) for n in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="write <out>/demo and <out>/samples.tsv instead")  # fmt: skip
    parser.add_argument(
        "--extract-sources",
        type=Path,
        default=None,
        metavar="SHARED_DATA",
        help="refresh config/demo/sources/ from the public files first",
    )
    args = parser.parse_args(argv)
    if args.extract_sources is not None:
        extract_sources(args.extract_sources)
    if args.out is None:
        demo, sheet = HERE, HERE.parent / "samples.tsv"
    else:
        demo, sheet = args.out / "demo", args.out / "samples.tsv"
    written = build(demo, sheet)
    print(f"wrote {len(written)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
