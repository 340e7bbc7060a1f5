"""A gzipped VCF or MAF that expands implausibly (a 'zip bomb') is refused before or while it
is read, with the file named and the fix (issue #17 item 1)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.variants import read_variants
from nenprofile.io.textfiles import RATIO_CHECK_AFTER, _bgzf_size, check_expansion
from nenprofile.settings import Settings

VCF_HEADER = (
    "##fileformat=VCFv4.2\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
)
BOMB_BYTES = RATIO_CHECK_AFTER + (8 << 20)  # just past the 64 MiB the ratio allows anyway


def bomb_text(header: str, line: str) -> bytes:
    body = line.encode() * (BOMB_BYTES // len(line) + 1)
    return header.encode() + body


def test_a_gzip_bomb_vcf_is_refused_naming_the_file_and_the_fix(tmp_path):
    path = tmp_path / "bomb.vcf.gz"
    path.write_bytes(
        gzip.compress(
            compresslevel=6, data=bomb_text(VCF_HEADER, "chr1\t1\t.\tA\tC\t.\tPASS\t.\tGT\t0/1\n")
        )
    )
    assert path.stat().st_size * 100 < BOMB_BYTES
    with pytest.raises(InputError) as refused:
        read_variants(str(path), build="GRCh38")
    assert refused.value.path == str(path)
    assert "over 100 times its compressed size" in str(refused.value)
    assert "raise input_limits.max_expansion_ratio" in refused.value.fix


@pytest.mark.skipif(shutil.which("bgzip") is None, reason="bgzip (htslib) not installed")
def test_a_bgzf_file_is_measured_from_its_block_headers(tmp_path):
    plain = tmp_path / "bomb.vcf"
    plain.write_bytes(bomb_text(VCF_HEADER, "chr1\t1\t.\tA\tC\t.\tPASS\t.\tGT\t0/1\n"))
    expanded = plain.stat().st_size
    subprocess.run(["bgzip", "-f", str(plain)], check=True)
    bgzf = tmp_path / "bomb.vcf.gz"
    assert _bgzf_size(bgzf, float("inf")) == expanded
    with pytest.raises(InputError, match="zip bomb"):
        check_expansion(bgzf, 100)
    check_expansion(bgzf, 100_000)  # a higher configured limit lets it through
    assert _bgzf_size(tmp_path / "bomb.vcf.gz", 0) is not None
    gzipped = tmp_path / "plain.gz"
    gzipped.write_bytes(gzip.compress(b"x" * 100))
    assert _bgzf_size(gzipped, float("inf")) is None  # not BGZF: inflated instead


def test_a_gzip_bomb_maf_is_refused_at_the_configured_ratio(tmp_path):
    header = (
        "Hugo_Symbol\tChromosome\tStart_Position\tEnd_Position\tReference_Allele\t"
        "Tumor_Seq_Allele2\tVariant_Classification\tTumor_Sample_Barcode\n"
    )
    path = tmp_path / "bomb.maf.gz"
    row = "TP53\t17\t7673802\t7673802\tC\tT\tMissense_Mutation\tS1\n"
    path.write_bytes(gzip.compress(compresslevel=6, data=bomb_text(header, row)))
    with pytest.raises(InputError) as refused:
        read_variants(str(path), build="GRCh38", max_expansion_ratio=50)
    assert refused.value.path == str(path)
    assert "over 50 times its compressed size" in str(refused.value)


@pytest.mark.shared
def test_real_gzipped_vcfs_pass_the_check(shared_data):
    for path in sorted((shared_data / "vcf").glob("*.vcf.gz")):
        check_expansion(path, 100)


def test_the_limit_is_a_config_key_with_bounds():
    assert Settings.defaults().max_expansion_ratio == 100
    assert (
        Settings.from_partial({"input_limits": {"max_expansion_ratio": 1000}}).max_expansion_ratio
        == 1000
    )
    with pytest.raises(InputError, match="input_limits"):
        Settings.from_partial({"input_limits": {"max_expansion_ratio": 2}})


def test_the_profile_job_passes_the_configured_limit(tmp_path):
    from nenprofile.ingest.sheet import load_sample_sheet, validate_config
    from nenprofile.jobs.profile import profile_sample

    repo = Path(__file__).resolve().parents[2]
    path = tmp_path / "bomb.vcf.gz"
    path.write_bytes(
        gzip.compress(
            compresslevel=6, data=bomb_text(VCF_HEADER, "chr1\t1\t.\tA\tC\t.\tPASS\t.\tGT\t0/1\n")
        )
    )
    sheet = tmp_path / "s.tsv"
    sheet.write_text(f"sample\tvcf\nS1\t{path}\n")
    schemas = repo / "workflow" / "schemas"
    config = validate_config(
        {"cohort": "t", "samples": str(sheet), "input_limits": {"max_expansion_ratio": 100000}},
        schemas / "config.schema.yaml",
    )
    row = load_sample_sheet(sheet, schemas / "samples.schema.yaml").rows["S1"]
    outputs = {n: str(tmp_path / f"S1.{n}") for n in
               ("variants", "alterations", "biomarkers", "therapies", "ingest")}  # fmt: skip
    config["input_limits"]["max_expansion_ratio"] = 10
    with pytest.raises(InputError, match="over 10 times"):
        profile_sample(inputs={"variants": [str(path)]}, outputs=outputs,
                       params={"record": row}, config=config, wildcards={"sample": "S1"})  # fmt: skip
