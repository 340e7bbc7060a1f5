"""pysam reads a VCF header exactly as cyvcf2 reads it (vcf.pysam_header), or leaves it to
cyvcf2. The two bundle different htslib versions, so every case compares them."""

from __future__ import annotations

import gzip
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pysam
import pytest
from cyvcf2 import VCF as CyVCF

from nenprofile.errors import InputError
from nenprofile.ingest.variants.vcf import pysam_header, read_vcf

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "tests" / "data" / "vcf").glob("*.vcf"))
DEMO = sorted((REPO / "config" / "demo").glob("*.vcf.gz"))
BASE = (REPO / "tests" / "data" / "vcf" / "vep.vcf").read_text().splitlines()
HEADER = [line for line in BASE if line.startswith("#")]
BODY = [line for line in BASE if not line.startswith("#")]
PASS_LINE = '##FILTER=<ID=PASS,Description="All filters passed">'
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


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


def _bgzip(tmp_path: Path, header: list[str], name: str) -> Path:
    by_position = sorted(BODY, key=lambda line: (line.split("\t")[0], int(line.split("\t")[1])))
    path = tmp_path / name
    text = "\n".join([*header, *by_position]) + "\n"
    subprocess.run(["bgzip", "-c"], input=text.encode(), stdout=path.open("wb"), check=True)
    return path


def _contigs(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("##contig")]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_header_is_read_by_pysam_exactly_as_cyvcf2_reads_it(path):
    expected = _cyvcf2(path)
    assert expected is not None
    assert pysam_header(str(path)) == expected


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.name)
def test_demo_header_and_the_contigs_its_tabix_index_adds_equal_cyvcf2(path):
    assert Path(f"{path}.tbi").is_file()
    expected = _cyvcf2(path)
    assert expected is not None
    assert pysam_header(str(path)) == expected


@pytest.mark.parametrize("flag", [[], ["-C"]], ids=["tbi", "csi"])
def test_contigs_an_index_names_are_added_as_cyvcf2s_htslib_adds_them(tmp_path, flag):
    """htslib adds a contig line for each contig the index names and the header lacks; an
    index it cannot load adds none."""
    path = _bgzip(tmp_path, [HEADER[0], "##contig=<length=9,ID=chr17>", *HEADER[1:]], "i.vcf.gz")
    subprocess.run(["tabix", *flag, "-p", "vcf", str(path)], check=True)
    lines, _ = pysam_header(str(path))
    assert _contigs(lines) == [
        "##contig=<length=9,ID=chr17>",
        "##contig=<ID=chr10>",
        "##contig=<ID=chr3>",
        "##contig=<ID=chr7>",
    ]
    assert pysam_header(str(path)) == _cyvcf2(path)
    index = tmp_path / ("i.vcf.gz.csi" if flag else "i.vcf.gz.tbi")
    index.write_bytes(gzip.compress(gzip.decompress(index.read_bytes())[:-9]))  # cut short
    lines, _ = pysam_header(str(path))
    assert _contigs(lines) == ["##contig=<length=9,ID=chr17>"]
    assert pysam_header(str(path)) == _cyvcf2(path)


def test_an_unreadable_index_wherever_htslib_looks_adds_nothing_as_in_cyvcf2(tmp_path):
    path = _write(tmp_path, HEADER)
    for index in ("h.vcf.tbi", "h.vcf.csi", "h.csi", "h.tbi"):
        (tmp_path / index).write_bytes(b"")
        assert pysam_header(str(path)) == _cyvcf2(path)
        (tmp_path / index).unlink()


@pytest.mark.shared
def test_shared_headers_are_all_read_by_pysam_exactly_as_cyvcf2_reads_them(shared_data):
    """Among them semicolons between the pairs of a structured line (htslib rewrites the
    line) and a FILTER description with a backslash: headers a text reading had to leave
    to cyvcf2."""
    paths = [p for p in sorted((shared_data / "vcf").glob("*.vcf*")) if p.suffix == ".vcf"]
    paths += sorted((shared_data / "vcf").glob("*.vcf.gz"))
    assert len(paths) >= 16
    for path in paths:
        expected = _cyvcf2(path)
        assert expected is not None, path.name
        assert pysam_header(str(path)) == expected, path.name


def test_htslib_pass_line_replaces_the_files_own(tmp_path):
    own = '##FILTER=<ID=PASS,Description="Accept as a confident somatic mutation">'
    path = _write(tmp_path, [HEADER[0], own, *HEADER[1:]])
    lines, samples = pysam_header(str(path))
    assert lines[:2] == [HEADER[0], PASS_LINE]
    assert own not in lines
    assert (lines, samples) == _cyvcf2(path)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ('##vcfProcessLog=<InputVCF="/tmp/x";InputVCFSource="pindel2vcf">',
         '##vcfProcessLog=<InputVCF="/tmp/x",InputVCFSource="pindel2vcf">'),  # rewritten
        ('##FORMAT=<ID=DP,Number=1,Type=Integer,Description="depth">',
         '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="depth">'),  # the file's DP dropped
        ("##INFO=CSQ", None),  # dropped: INFO without <ID=...>
        ("##contig=<ID=chr1,IDX=3>", "##contig=<ID=chr1>"),  # IDX is not written back
        ('##ALT=<ID=DEL,Description="Deletion",Description="again">',
         '##ALT=<ID=DEL,Description="Deletion",Description="again">'),
        ("##source", None),  # no '=': dropped
        ("", None),  # skipped
    ],
)  # fmt: skip
def test_lines_htslib_rewrites_or_drops_are_read_as_cyvcf2_reads_them(tmp_path, line, kept):
    path = _write(tmp_path, [*HEADER[:2], line, *HEADER[2:]])
    expected = _cyvcf2(path)
    assert expected is not None
    assert pysam_header(str(path)) == expected
    assert [text for text in expected[0] if text not in (*HEADER, PASS_LINE)] == (
        [kept] if kept else []
    )


def test_a_header_htslib_refuses_is_left_to_cyvcf2_which_refuses_it_as_before(tmp_path):
    """A line starting with a single # ends htslib's header before #CHROM."""
    path = _write(tmp_path, [*HEADER[:2], "#comment", *HEADER[2:]])
    assert pysam_header(str(path)) is None
    with pytest.raises(InputError, match=r"cannot read as VCF \(cannot parse VCF header\)"):
        read_vcf(str(path))


def test_spaces_before_a_closing_quote_are_trimmed_as_htslib_trims_them(tmp_path):
    """SnpEff's ANN description ends in ' "'."""
    line = '##FORMAT=<ID=XD,Number=1,Type=Integer,Description="Depth  ",Source=" ">'
    path = _write(tmp_path, [*HEADER[:2], line, *HEADER[2:]])
    lines, _ = pysam_header(str(path))
    assert lines[3] == '##FORMAT=<ID=XD,Number=1,Type=Integer,Description="Depth",Source="">'
    assert pysam_header(str(path)) == _cyvcf2(path)


def test_plain_gzip_is_read_by_pysam_and_no_fileformat_line_is_refused(tmp_path):
    """pysam given the path would fail on a plain gzip (it seeks after the header)."""
    path = tmp_path / "h.vcf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("\n".join([*HEADER, *BODY]) + "\n")
    expected = _cyvcf2(path)
    assert expected is not None
    assert pysam_header(str(path)) == expected
    no_format = _write(tmp_path, HEADER[1:], "no_format.vcf")
    assert pysam_header(str(no_format)) is None
    with pytest.raises(InputError, match="cannot read as VCF"):
        read_vcf(str(no_format))


def test_a_path_naming_its_index_is_left_to_cyvcf2(tmp_path):
    """htslib reads 'a.vcf.gz' for 'a.vcf.gz##idx##a.vcf.gz.tbi'; pysam given the open file
    would read the file of that whole name."""
    path = _bgzip(tmp_path, HEADER, "a.vcf.gz")
    named = tmp_path / "a.vcf.gz##idx##a.vcf.gz.tbi"
    shutil.copy(path, named)
    assert pysam_header(str(named)) is None


def test_random_header_edits_are_read_by_pysam_exactly_as_cyvcf2_reads_them(tmp_path):
    """Characters htslib's header parser treats specially, inserted anywhere, and lines
    repeated or added: pysam reads what cyvcf2 reads and refuses what cyvcf2 refuses."""
    pieces = ['"', ",", "<", ">", " ", "\\", "=", "[", "]", "\t", "ID=", "IDX=1", "##",
              "PASS", ";", "a", "Number=", "\r", ""]  # fmt: skip
    extra = ['##FILTER=<ID=PASS,Description="x">', "##contig=<ID=chr1,length=12>",
             '##ALT=<ID=DEL,Description="Deletion">', "##x=", "##=y", "#comment"]  # fmt: skip
    rng = random.Random(20261202)
    read = 0
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
        expected = _cyvcf2(path)
        assert pysam_header(str(path)) == expected, header
        read += expected is not None
    assert read > 150  # most edits leave a header htslib reads


def test_pysam_prints_nothing_and_leaves_htslibs_verbosity_as_it_was(tmp_path, capfd):
    """htslib warns of a Flag with Number=1; cyvcf2 warns again if it reads the file."""
    flag = '##INFO=<ID=F,Number=1,Type=Flag,Description="x">'
    path = _write(tmp_path, [*HEADER[:2], flag, *HEADER[2:]])
    before = pysam.set_verbosity(3)  # htslib prints warnings at 3, its default
    try:
        lines, _ = pysam_header(str(path))
        assert pysam.get_verbosity() == 3
    finally:
        pysam.set_verbosity(before)
    assert flag in lines  # written back as in the file
    assert capfd.readouterr().err == ""


def test_text_path_reads_a_file_without_importing_cyvcf2_or_numpy(tmp_path):
    path = REPO / "tests" / "data" / "vcf" / "vep.vcf"
    rewritten = _write(tmp_path, [*HEADER[:2], '##x=<a="b";c="d">', *HEADER[2:]], "r.vcf")
    latin1 = tmp_path / "latin1.vcf"  # pysam's str(header) cannot decode it; cyvcf2's can
    latin1.write_bytes(_write(tmp_path, [HEADER[0], "##source=caf?", *HEADER[1:]]).read_bytes()
                       .replace(b"caf?", b"caf\xe9"))  # fmt: skip
    no_eof = _bgzip(tmp_path, HEADER, "no_eof.vcf.gz")  # pysam refuses a BGZF file without
    no_eof.write_bytes(no_eof.read_bytes().removesuffix(BGZF_EOF))  # its end-of-file block
    code = (
        "import sys; from nenprofile.ingest.variants import read_variants; "
        "n = len(read_variants(sys.argv[1]).variants); "
        "print(n, 'cyvcf2' in sys.modules, 'numpy' in sys.modules)"
    )

    def run(vcf: Path) -> list[str]:
        done = subprocess.run([sys.executable, "-c", code, str(vcf)], capture_output=True,
                              text=True, check=True)  # fmt: skip
        return done.stdout.split()

    assert run(path) == ["5", "False", "False"]
    assert run(rewritten) == ["5", "False", "False"]  # htslib rewrites it, pysam reads it
    for left_to_cyvcf2 in (latin1, no_eof):
        assert pysam_header(str(left_to_cyvcf2)) is None
        assert run(left_to_cyvcf2) == ["5", "True", "True"]


def test_unreadable_file_is_refused_by_cyvcf2_as_before(tmp_path):
    path = tmp_path / "bad.vcf.gz"
    path.write_bytes(b"\x1f\x8b" + b"not gzip at all")
    assert pysam_header(str(path)) is None
    with pytest.raises(InputError, match="cannot read as VCF"):
        read_vcf(str(path))


def test_sample_names_that_are_not_utf8_are_refused_naming_the_file(tmp_path):
    """pysam cannot read them; cyvcf2 raised a bare UnicodeDecodeError."""
    path = tmp_path / "latin1_sample.vcf"
    text = "\n".join([*HEADER, *BODY]) + "\n"
    path.write_bytes(text.encode().replace(b"\tTUMOR\n", b"\tTUMOR\xe9\n", 1))
    assert pysam_header(str(path)) is None
    with pytest.raises(InputError) as refused:
        read_vcf(str(path))
    assert str(refused.value) == (
        f"{path}: the sample names of the #CHROM line are not UTF-8 text Fix: write the sample "
        "names in UTF-8 (or ASCII), e.g. with bcftools reheader -s"
    )
