"""A VCF header read as text (textheader.py) is exactly what cyvcf2 reads, or left to cyvcf2."""

from __future__ import annotations

import gzip
import random
import subprocess
import sys
from pathlib import Path

import pytest
from cyvcf2 import VCF as CyVCF

from nenprofile.errors import InputError
from nenprofile.ingest.variants._fast.textheader import PASS_LINE, plain_header
from nenprofile.ingest.variants.vcf import read_vcf

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "tests" / "data" / "vcf").glob("*.vcf"))
DEMO = sorted((REPO / "config" / "demo").glob("*.vcf.gz"))
BASE = (REPO / "tests" / "data" / "vcf" / "vep.vcf").read_text().splitlines()
HEADER = [line for line in BASE if line.startswith("#")]
BODY = [line for line in BASE if not line.startswith("#")]


def _cyvcf2(path: Path) -> tuple[list[str], list[str]] | None:
    try:
        vcf = CyVCF(str(path))
    except Exception:  # htslib refuses the header
        return None
    try:
        return vcf.raw_header.splitlines(), list(vcf.samples)
    finally:
        vcf.close()


def _write(tmp_path: Path, header: list[str], name: str = "h.vcf") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([*header, *BODY]) + "\n")
    return path


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_header_is_read_as_text_exactly_as_cyvcf2_reads_it(path):
    assert plain_header(str(path)) == _cyvcf2(path)


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.name)
def test_demo_header_and_the_contigs_its_tabix_index_adds_equal_cyvcf2(path):
    """htslib adds a contig line for each contig the index names and the header lacks."""
    assert Path(f"{path}.tbi").is_file()
    assert plain_header(str(path)) == _cyvcf2(path)


def test_contigs_of_a_tabix_index_are_added_as_htslib_adds_them(tmp_path):
    header = [HEADER[0], "##contig=<length=9,ID=chr17>", *HEADER[1:]]
    tp53 = next(line for line in BODY if line.startswith("chr17\t"))
    records = [tp53.replace("chr17", "chr2", 1), tp53]  # sorted, as tabix needs them
    path = tmp_path / "indexed.vcf.gz"
    text = "\n".join([*header, *records]) + "\n"
    subprocess.run(["bgzip", "-c"], input=text.encode(), stdout=path.open("wb"), check=True)
    subprocess.run(["tabix", "-p", "vcf", str(path)], check=True)
    lines, _ = plain_header(str(path))
    assert [line for line in lines if line.startswith("##contig")] == [
        "##contig=<length=9,ID=chr17>",
        "##contig=<ID=chr2>",
    ]
    assert plain_header(str(path)) == _cyvcf2(path)
    index = Path(f"{path}.tbi")
    index.write_bytes(gzip.compress(gzip.decompress(index.read_bytes())[:-9]))  # cut short
    assert plain_header(str(path)) is None  # htslib would not load it: cyvcf2 decides
    index.unlink()
    Path(f"{path}.csi").write_bytes(b"")
    assert plain_header(str(path)) is None


@pytest.mark.shared
def test_shared_headers_equal_cyvcf2_or_are_left_to_it(shared_data):
    left = []
    for path in sorted((shared_data / "vcf").glob("*.vcf*")):
        if path.name.endswith((".tbi", ".csi")):
            continue
        text = plain_header(str(path))
        if text is None:
            left.append(path.name)
        else:
            assert text == _cyvcf2(path), path.name
    # semicolons between the pairs of a structured line (htslib rewrites it), a FILTER
    # description with a backslash
    assert left == [
        "dinglab_CPTAC_ccRCC_tindaisy.vep100.grch38.vcf",
        "vcf2maf_test_pindel.vep.vcf",
    ]


def test_htslib_pass_line_replaces_the_files_own(tmp_path):
    own = '##FILTER=<ID=PASS,Description="Accept as a confident somatic mutation">'
    path = _write(tmp_path, [HEADER[0], own, *HEADER[1:]])
    lines, samples = plain_header(str(path))
    assert lines[:2] == [HEADER[0], PASS_LINE]
    assert own not in lines
    assert (lines, samples) == _cyvcf2(path)


@pytest.mark.parametrize(
    "line",
    [
        '##vcfProcessLog=<InputVCF="/tmp/x";InputVCFSource="pindel2vcf">',  # rewritten
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="depth">',  # a second DP
        "##INFO=CSQ",  # dropped: INFO without <ID=...>
        "##contig=<ID=chr1,length=12x>",  # dropped: length not a number
        "##contig=<ID=chr1,IDX=3>",  # IDX is not written back
        '##ALT=<ID=DEL,Description="Deletion",Description="again">',
        "##source",  # no '=': dropped
        "#comment",  # ends htslib's header read before #CHROM
        "",
    ],
)
def test_header_htslib_would_rewrite_drop_or_refuse_is_left_to_cyvcf2(tmp_path, line):
    path = _write(tmp_path, [*HEADER[:2], line, *HEADER[2:]])
    assert plain_header(str(path)) is None


def test_spaces_before_a_closing_quote_are_trimmed_as_htslib_trims_them(tmp_path):
    """SnpEff's ANN description ends in ' "'."""
    line = '##FORMAT=<ID=XD,Number=1,Type=Integer,Description="Depth  ",Source=" ">'
    path = _write(tmp_path, [*HEADER[:2], line, *HEADER[2:]])
    lines, _ = plain_header(str(path))
    assert lines[3] == '##FORMAT=<ID=XD,Number=1,Type=Integer,Description="Depth",Source="">'
    assert plain_header(str(path)) == _cyvcf2(path)


def test_an_index_htslib_would_find_is_read_or_leaves_the_header_to_cyvcf2(tmp_path):
    """Empty (unreadable) index files wherever htslib looks for one."""
    path = _write(tmp_path, HEADER)
    assert plain_header(str(path)) is not None
    for index in ("h.vcf.tbi", "h.vcf.csi", "h.csi", "h.tbi"):
        (tmp_path / index).write_bytes(b"")
        assert plain_header(str(path)) is None
        (tmp_path / index).unlink()
    assert plain_header(str(path)) is not None


def test_gzipped_header_and_no_fileformat_line(tmp_path):
    path = tmp_path / "h.vcf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("\n".join([*HEADER, *BODY]) + "\n")
    assert plain_header(str(path)) == _cyvcf2(path)
    no_format = _write(tmp_path, HEADER[1:], "no_format.vcf")
    assert plain_header(str(no_format)) is None
    with pytest.raises(InputError, match="cannot read as VCF"):
        read_vcf(str(no_format))


def test_random_header_edits_are_read_as_cyvcf2_reads_them_or_left_to_it(tmp_path):
    """Characters htslib's header parser treats specially, inserted anywhere, and lines
    repeated or added: a header read as text is always cyvcf2's."""
    pieces = ['"', ",", "<", ">", " ", "\\", "=", "[", "]", "\t", "ID=", "IDX=1", "##",
              "PASS", ";", "a", "Number=", "\r", ""]  # fmt: skip
    extra = ['##FILTER=<ID=PASS,Description="x">', "##contig=<ID=chr1,length=12>",
             '##ALT=<ID=DEL,Description="Deletion">', "##x=", "##=y", "#comment"]  # fmt: skip
    rng = random.Random(20261202)
    read_as_text = 0
    for attempt in range(300):
        header = list(HEADER)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(header))
            if rng.random() < 0.7:
                at = rng.randrange(len(header[i]) + 1)
                edited = header[i][:at] + rng.choice(pieces) + header[i][at + rng.randint(0, 2) :]
                header[i] = edited
            else:
                header.insert(rng.randrange(1, len(header)), rng.choice([*extra, header[i]]))
        path = _write(tmp_path, header, f"h{attempt}.vcf")
        text = plain_header(str(path))
        if text is not None:
            read_as_text += 1
            assert text == _cyvcf2(path), header
    assert read_as_text > 30  # the edits leave many headers htslib keeps as written


def test_text_path_reads_a_file_without_importing_cyvcf2_or_numpy(tmp_path):
    path = REPO / "tests" / "data" / "vcf" / "vep.vcf"
    odd = _write(tmp_path, [*HEADER[:2], '##x=<a="b";c="d">', *HEADER[2:]])
    code = (
        "import sys; from nenprofile.ingest.variants import read_variants; "
        "n = len(read_variants(sys.argv[1]).variants); "
        "print(n, 'cyvcf2' in sys.modules, 'numpy' in sys.modules)"
    )
    plain = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                           text=True, check=True)  # fmt: skip
    assert plain.stdout.split() == ["5", "False", "False"]
    # a header htslib rewrites: cyvcf2 reads it, as before
    rewritten = subprocess.run([sys.executable, "-c", code, str(odd)], capture_output=True,
                               text=True, check=True)  # fmt: skip
    assert rewritten.stdout.split() == ["5", "True", "True"]


def test_unreadable_file_is_refused_by_cyvcf2_as_before(tmp_path):
    path = tmp_path / "bad.vcf.gz"
    path.write_bytes(b"\x1f\x8b" + b"not gzip at all")
    assert plain_header(str(path)) is None
    with pytest.raises(InputError, match="cannot read as VCF"):
        read_vcf(str(path))
