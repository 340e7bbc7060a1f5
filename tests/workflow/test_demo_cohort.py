"""The embedded demo cohort: byte-identical regeneration and the variants each case needs."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import sys
from pathlib import Path

import pytest
from cyvcf2 import VCF

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo"
SHEET = REPO / "config" / "samples.tsv"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_demo_cohort", DEMO / "make_demo_cohort.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_cohort"] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _committed_outputs() -> list[Path]:
    return sorted(
        p
        for p in DEMO.rglob("*")
        if p.is_file()
        and "sources" not in p.relative_to(DEMO).parts
        # importing the generator writes bytecode beside it when PYTHONDONTWRITEBYTECODE is unset
        and "__pycache__" not in p.relative_to(DEMO).parts
        and p.suffix not in (".py", ".md")
    )


def test_regeneration_is_byte_identical_to_committed_files(tmp_path):
    written = gen.build(tmp_path / "demo", tmp_path / "samples.tsv")
    rel_written = sorted(
        str(p.relative_to(tmp_path / "demo")) for p in written if p.name != "samples.tsv"
    )
    rel_committed = sorted(str(p.relative_to(DEMO)) for p in _committed_outputs())
    assert rel_written == rel_committed
    for rel in rel_committed:
        assert (tmp_path / "demo" / rel).read_bytes() == (DEMO / rel).read_bytes(), rel
    assert (tmp_path / "samples.tsv").read_bytes() == SHEET.read_bytes()


def test_two_builds_are_identical(tmp_path):
    first = gen.build(tmp_path / "a" / "demo", tmp_path / "a" / "samples.tsv")
    gen.build(tmp_path / "b" / "demo", tmp_path / "b" / "samples.tsv")
    for path in first:
        twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
        assert twin.read_bytes() == path.read_bytes()


def _sheet_rows() -> list[dict[str, str]]:
    with SHEET.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_sheet_has_ten_samples_and_every_path_exists():
    rows = _sheet_rows()
    assert [r["sample"] for r in rows] == [f"NEN{i:02d}" for i in range(1, 11)]
    for row in rows:
        for column in ("vcf", "maf", "cna", "fusions"):
            if row[column]:
                assert (SHEET.parent / row[column]).is_file(), (row["sample"], column)
        assert row["genome_build"] == "GRCh38"
        assert row["differentiation"] in {"well", "poor", "unknown"}
        assert row["msi_status"] in {"MSI-H", "MSS", "unknown"}


def _sites(path: Path, sample: str | None = None) -> dict[tuple[str, int, str, str], str]:
    vcf = VCF(str(path))
    out = {}
    for v in vcf:
        for alt in v.ALT:
            out[(v.CHROM, v.POS, v.REF, alt)] = v.FILTER or "PASS"
    vcf.close()
    return out


EXPECTED = {
    "NEN01.vep.vcf.gz": {"ATRX_R907X": "PASS", "TSC2_Q1178X": "PASS"},
    "NEN02.snpeff.vcf.gz": {"TP53_R273H": "PASS", "RB1_R320X": "PASS", "BRAF_V600E": "PASS",
                            "KRAS_G12C": "weak_evidence"},
    "NEN03.mutect2.vep.vcf.gz": {"TP53_R175H": "PASS", "STK11_E223X": "PASS",
                                 "KEAP1_G333C": "PASS"},
    "NEN04.vep.vcf.gz": {"TP53_R248Q": "PASS", "RB1_R455X": "PASS", "TP53_P72R": "PASS"},
    "NEN05.vcf.gz": {"MLH1_R226X": "PASS", "BRAF_V600E": "PASS"},
    "NEN06.vep.vcf.gz": {"BRCA2_M1I": "PASS", "TP53_R273H": "PASS"},
    "NEN07.vep.vcf.gz": {"TP53_R175H": "PASS", "KRAS_G12C": "PASS"},
    "NEN08.vcf.gz": {"TP53_R248Q": "strand_bias"},
    "NEN09.vcf.gz": {"PIK3CA_H1047R": "PASS"},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_vcf_holds_the_case_variants(name):
    sites = _sites(DEMO / name)
    for driver_name, expected_filter in EXPECTED[name].items():
        d = gen.DRIVERS[driver_name]
        assert sites.get((d.chrom, d.pos, d.ref, d.alt)) == expected_filter, driver_name


def test_known_anchor_coordinates():
    anchors = {
        "BRAF_V600E": ("chr7", 140753336, "A", "T"),
        "PIK3CA_H1047R": ("chr3", 179234297, "A", "G"),
        "TP53_R273H": ("chr17", 7673802, "C", "T"),
        "TP53_R175H": ("chr17", 7675088, "C", "T"),
        "TP53_P72R": ("chr17", 7676154, "G", "C"),
        "RB1_R320X": ("chr13", 48367512, "C", "T"),
    }
    for name, site in anchors.items():
        d = gen.DRIVERS[name]
        assert (d.chrom, d.pos, d.ref, d.alt) == site


def test_headers_declare_grch38_contigs_and_annotation():
    vcf = VCF(str(DEMO / "NEN01.vep.vcf.gz"))
    assert dict(zip(vcf.seqnames, vcf.seqlens, strict=True))["chr1"] == 248956422
    assert dict(zip(vcf.seqnames, vcf.seqlens, strict=True))["chrX"] == 156040895
    assert "Format: Allele|Consequence|IMPACT|SYMBOL" in vcf.get_header_type("CSQ")["Description"]
    csq = {v.CHROM: v.INFO["CSQ"].split("|") for v in vcf}
    assert csq["chrX"][3] == "ATRX" and csq["chrX"][11] == "ENSP00000362441.4:p.Arg907Ter"
    assert csq["chr16"][1] == "stop_gained" and csq["chr16"][10].endswith(":c.3532C>T")
    vcf = VCF(str(DEMO / "NEN02.snpeff.vcf.gz"))
    ann = {v.POS: v.INFO["ANN"].split("|") for v in vcf}
    assert ann[140753336][3] == "BRAF" and ann[140753336][10] == "p.Val600Glu"


def test_mutect2_pair_names_tumor_and_normal():
    vcf = VCF(str(DEMO / "NEN03.mutect2.vep.vcf.gz"))
    assert vcf.samples == ["NEN03_N", "NEN03_T"]
    assert "##tumor_sample=NEN03_T" in vcf.raw_header
    first = next(iter(vcf))
    assert first.format("AF")[0][0] == 0.0 and first.format("AF")[1][0] > 0.4


def test_msi_case_has_hypermutated_burden_and_one_multiallelic_site():
    vcf = VCF(str(DEMO / "NEN05.vcf.gz"))
    records = list(vcf)
    assert len(records) == 3314
    assert sum(len(r.ALT) > 1 for r in records) == 1
    assert all(r.FILTER is None for r in records)


def test_records_are_sorted_by_contig_then_position():
    for name in EXPECTED:
        with gzip.open(DEMO / name, "rt") as handle:
            keys = [
                (gen.CONTIG_ORDER[f[0]], int(f[1]))
                for f in (line.split("\t", 2) for line in handle if not line.startswith("#"))
            ]
        assert keys == sorted(keys), name


def test_maf_fusions_and_cna_files():
    with (DEMO / "NEN10.maf").open(encoding="utf-8") as handle:
        rows = list(
            csv.DictReader((line for line in handle if not line.startswith("#v")), delimiter="\t")
        )
    assert [(r["Hugo_Symbol"], r["HGVSp_Short"], r["Start_Position"]) for r in rows] == [
        ("TP53", "p.R248Q", "7674220"),
        ("PIK3CA", "p.E542K", "179218294"),
    ]
    with (DEMO / "fusions" / "NEN10.arriba.fusions.tsv").open(encoding="utf-8") as handle:
        fusions = list(csv.DictReader(handle, delimiter="\t"))
    assert (fusions[0]["#gene1"], fusions[0]["gene2"], fusions[0]["confidence"]) == (
        "TPM3", "NTRK1", "high",
    )  # fmt: skip
    with (DEMO / "cna" / "NEN07.gene_cn.tsv").open(encoding="utf-8") as handle:
        cn = {r["gene"]: r["copy_number"] for r in csv.DictReader(handle, delimiter="\t")}
    assert cn["CD274"] == "10" and cn["PDCD1LG2"] == "10" and cn["JAK2"] == "9"


def test_expression_matrix_shape_and_profiles():
    with (DEMO / "expression" / "salmon.merged.gene_tpm.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 300
    assert "NEN10" not in rows[0]
    tpm = {r["gene_name"]: r for r in rows}
    for gene in ("CD274", "SSTR2", "DLL3", "ASCL1", "CHGA", "SYP", "TIGIT", "HLA-DRB1"):
        assert gene in tpm
    assert float(tpm["SSTR2"]["NEN01"]) > 50 > float(tpm["SSTR2"]["NEN04"])
    assert float(tpm["DLL3"]["NEN04"]) > 50 > float(tpm["DLL3"]["NEN01"])
    assert float(tpm["CD274"]["NEN07"]) == max(
        float(tpm["CD274"][s]) for s in gen.SAMPLE_EXPRESSION
    )


@pytest.mark.shared
def test_sources_match_the_public_files(shared_data, tmp_path):
    gen.extract_sources(shared_data, tmp_path)
    for name in ("T001-COAD.grch38.passengers.tsv", "expression_genes.tsv"):
        assert (tmp_path / name).read_bytes() == (DEMO / "sources" / name).read_bytes()


@pytest.mark.shared
def test_derived_positions_agree_with_coad_liftover_offsets(shared_data):
    """GRCh37 source + local GRCh37->GRCh38 offset (from the T001-COAD liftover pairs)."""
    grch37 = {
        "RB1_R320X": ("13", 48941648), "RB1_R455X": ("13", 48953760),
        "TSC2_Q1178X": ("16", 2130300), "STK11_E223X": ("19", 1220649),
        "KEAP1_G333C": ("19", 10602581), "MLH1_R226X": ("3", 37053589),
        "BRCA2_M1I": ("13", 32890600), "TP53_R273H": ("17", 7577120),
        "ATRX_R907X": ("X", 76938029),
    }  # fmt: skip

    def records(name):
        with gzip.open(shared_data / "vcf" / name, "rt") as handle:
            return [line.split("\t") for line in handle if not line.startswith("#")]

    b37 = records("pcgr_T001-COAD.grch37.vcf.gz")
    b38 = {(f[3], f[4], f[7], f[9]): f for f in records("pcgr_T001-COAD.grch38.vcf.gz")}
    pairs = [(f, b38[(f[3], f[4], f[7], f[9])]) for f in b37 if (f[3], f[4], f[7], f[9]) in b38]
    for name, (chrom, pos) in grch37.items():
        same = [(a, b) for a, b in pairs if a[0] == chrom == b[0]]
        nearest = min(same, key=lambda ab: abs(int(ab[0][1]) - pos))
        offset = int(nearest[1][1]) - int(nearest[0][1])
        assert gen.DRIVERS[name].pos == pos + offset, name
