"""The raw-text VCF path returns exactly what the cyvcf2 path returns, on every VCF we have."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.variants._fast.textvcf import (
    GT_CALLED,
    GT_UNKNOWN,
    INT_MISSING,
    INT_VECTOR_END,
    TextPathUnsupported,
    TextVCF,
    float32,
)
from nenprofile.ingest.variants.vcf import read_vcf

REPO = Path(__file__).resolve().parents[2]
VCF = REPO / "tests" / "data" / "vcf"
DEMO = REPO / "config" / "demo"
SHARED_TUMOR = {"umccr_MB_test-strelka2": "tumor_downsample",
                "umccr_MB_test-vardict": "tumor_downsample",
                "umccr_MB_test-ensemble": "tumor_downsample"}  # fmt: skip
FIXTURE_OPTIONS = {"vardict.vcf": {"tumor_sample": "S1_T"},
                   "vardict_status.vcf": {"tumor_sample": "S1_T"}, "tso500.vcf": {"build": "GRCh38"},
                   "dragen.vcf": {"build": "GRCh38"}, "sites_tvaf.vcf": {"build": "GRCh37"}}  # fmt: skip
# files the text path hands to cyvcf2 on purpose (see textvcf's docstring); every other file
# must be read by the text path itself, or the equality below would compare cyvcf2 to itself
TEXT_PATH_DECLINES: set[str] = set()


def _both(path: Path, **options: object) -> tuple[object, object]:
    """(cyvcf2's result, the text path's); the columnar engine's must equal cyvcf2's too."""
    try:
        expected = read_vcf(str(path), engine="cyvcf2", **options)
    except InputError as error:
        for engine in ("auto", "columnar"):
            with pytest.raises(InputError) as info:
                read_vcf(str(path), engine=engine, **options)
            assert str(info.value) == str(error)
        return None, None
    assert read_vcf(str(path), engine="columnar", **options) == expected
    if path.name in TEXT_PATH_DECLINES:
        with pytest.raises(TextPathUnsupported):
            read_vcf(str(path), engine="text", **options)
        return expected, read_vcf(str(path), engine="auto", **options)
    return expected, read_vcf(str(path), engine="text", **options)


@pytest.mark.parametrize("name", sorted(p.name for p in VCF.glob("*.vcf")))
def test_fixture_text_path_equals_cyvcf2(name):
    expected, actual = _both(VCF / name, **FIXTURE_OPTIONS.get(name, {}))
    assert actual == expected


@pytest.mark.parametrize(
    "options",
    [{"pass_only": False}, {"allowed_filters": ("weak_evidence",)},
     {"min_vaf": 0.25, "min_depth": 100}, {"normal_sample": "N1"}],
)  # fmt: skip
def test_filter_options_text_path_equals_cyvcf2(options):
    expected, actual = _both(VCF / "mutect2_tn.vcf", **options)
    assert expected is not None and actual == expected


def test_left_aligned_and_csq_annotated_text_path_equals_cyvcf2():
    options = {"reference_fasta": str(VCF / "toy_ref.fa"), "gff3": str(VCF / "toy.gff3")}
    expected, actual = _both(VCF / "toy_unannotated.vcf", **options)
    assert expected is not None and expected.annotation == "bcftools-csq"
    assert actual == expected


@pytest.mark.parametrize("name", sorted(p.name for p in DEMO.glob("*.vcf.gz")))
def test_demo_text_path_equals_cyvcf2(name):
    expected, actual = _both(DEMO / name)
    assert expected is not None and expected.variants and actual == expected


def test_shared_vcfs_text_path_equals_cyvcf2(shared_data):
    files = sorted((shared_data / "vcf").glob("*.vcf*"))
    assert len(files) == 17
    for path in files:
        stem = path.name.split(".")[0]
        build = "GRCh38" if "grch38" in path.name else "GRCh37"
        expected, actual = _both(path, tumor_sample=SHARED_TUMOR.get(stem), build=build)
        assert expected is not None and actual == expected, path.name


def test_float32_rounds_like_htslib():
    assert float32(0.1) == 0.10000000149011612
    assert float32(0.5) == 0.5
    assert float32(1e39) == float("inf")  # as htslib's strtof stores it


EDGE_VCF = """##fileformat=VCFv4.2
##FORMAT=<ID=GT,Number=1,Type=String,Description="g">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="a">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="a">
##INFO=<ID=CSQ,Number=.,Type=String,Description="c">
##INFO=<ID=TDP,Number=1,Type=Integer,Description="d">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\tN
chr1\t1\t.\tA\tC\t.\tPASS\tBCSQ=x;CSQ=y;TDP=7\tGT:AF:AD\t./.:0.1:1,2\t0/1:0.3,0.2:1,2,3
chr1\t2\t.\tA\tC\t.\tPASS\tTDP=.\tGT:AF:AD\t./1\t0/1
chr1\t3\t.\tA\tC\t.\tPASS\tCSQ;TDP=1\tAF\t.\t0.1
"""


def test_record_values_mimic_cyvcf2(tmp_path):
    path = tmp_path / "edge.vcf"
    path.write_text(EDGE_VCF)
    reader = TextVCF(str(path), ["T", "N"], 0, {"CSQ": "String", "TDP": "Integer"},
                     {"GT": "String", "AF": "Float", "AD": "Integer"})  # fmt: skip
    first, second, third = list(reader)
    assert first.INFO.get("CSQ") == "y" and first.INFO.get("TDP") == 7
    assert first.gt_types[0] == GT_UNKNOWN and second.gt_types[0] == GT_CALLED
    assert first.format("AD")[0] == [1, 2, INT_VECTOR_END]  # padded to the normal's length
    assert first.format("AF")[0][0] == float32(0.1)
    assert second.format("AD")[0] == [INT_MISSING]  # column cut short
    assert second.INFO.get("TDP") is None and second.INFO.get("CSQ") is None
    assert third.format("GT") is None
    with pytest.raises(TextPathUnsupported):
        third.INFO.get("CSQ")  # a String key used as a flag: cyvcf2 returns False
    with pytest.raises(TextPathUnsupported):
        third.gt_types  # noqa: B018 - cyvcf2 raises here; vcf.py catches it


def test_columns_not_matching_header_decline(tmp_path):
    path = tmp_path / "short.vcf"
    path.write_text(EDGE_VCF.replace("\t0/1:0.3,0.2:1,2,3", ""))
    reader = TextVCF(str(path), ["T", "N"], 0, {}, {})
    with pytest.raises(TextPathUnsupported):
        list(reader)


def test_auto_engine_uses_fast_loop_on_the_benchmark_layout(tmp_path, monkeypatch):
    import subprocess
    import sys

    import nenprofile.ingest.variants.vcf as vcf_module

    path = tmp_path / "bench.vcf.gz"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "ingest" / "generate_vcf.py"), str(path),
         "--records", "3000"],
        check=True, env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    loops = []
    real = vcf_module.vep_fast_loop

    def spy(*args, **kwargs):
        loop = real(*args, **kwargs)
        loops.append(loop)
        return loop

    monkeypatch.setattr(vcf_module, "vep_fast_loop", spy)
    auto = read_vcf(str(path))
    assert len(loops) == 1 and loops[0] is not None
    assert auto == read_vcf(str(path), engine="cyvcf2")
    assert auto.counts["records_read"] == 3000 and auto.annotation == "VEP"
    assert 0 < auto.counts["filtered"] < 3000


@pytest.fixture
def streamed(monkeypatch) -> list[str]:
    """The record sources read_vcf streams from, in order ('TextVCF', 'VCF' for cyvcf2)."""
    import nenprofile.ingest.variants.vcf as vcf_module

    sources: list[str] = []
    real = vcf_module._stream

    def spy(vcf, *args, **kwargs):
        sources.append(type(vcf).__name__)
        return real(vcf, *args, **kwargs)

    monkeypatch.setattr(vcf_module, "_stream", spy)
    return sources


def test_auto_engine_leaves_non_vep_files_to_cyvcf2(streamed):
    read_vcf(str(VCF / "snpeff.vcf"))
    assert streamed == ["TextVCF", "VCF"]  # text path declined, then cyvcf2


def test_auto_reads_unannotated_files_as_text(streamed):
    path = VCF / "toy_unannotated.vcf"
    auto = read_vcf(str(path), build="GRCh38")
    assert streamed == ["TextVCF"]
    assert auto.annotation == "gene-overlap"
    assert auto == read_vcf(str(path), build="GRCh38", engine="cyvcf2")


def test_non_ascii_file_falls_back_to_cyvcf2(tmp_path):
    text = (VCF / "vep.vcf").read_text().replace("|BRAF|", "|BRAF\u00e9|", 1)
    path = tmp_path / "accented.vcf"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TextPathUnsupported):
        read_vcf(str(path), engine="text")
    auto = read_vcf(str(path))
    assert auto == read_vcf(str(path), engine="cyvcf2")
    assert "BRAF\u00e9" in {v.gene for v in auto.variants}


def test_gzip_module_reads_when_bgzip_is_absent(monkeypatch):
    import nenprofile.ingest.variants._fast.textvcf as textvcf_module

    path = DEMO / "NEN01.vep.vcf.gz"
    expected = read_vcf(str(path), engine="cyvcf2")
    monkeypatch.setattr(textvcf_module.shutil, "which", lambda name: None)
    assert read_vcf(str(path), engine="text") == expected
