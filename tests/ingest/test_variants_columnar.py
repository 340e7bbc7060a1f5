"""The columnar engine (_fast/columnar.py) returns, counts and writes exactly what the fast
loop does: on generated benchmark files, on a file of edge cases with chunks of a few lines,
and on VCFs hypothesis writes from the same pieces."""

from __future__ import annotations

import contextlib
import gzip
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nenprofile.errors import InputError
from nenprofile.ingest.genenames import GeneRenamer
from nenprofile.ingest.variants._fast import columnar
from nenprofile.ingest.variants.consumers import RenamingConsumer, VariantList
from nenprofile.ingest.variants.table import VariantTableWriter, part_path_for
from nenprofile.ingest.variants.vcf import read_vcf
from nenprofile.interpret.biomarkers import COUNTERS, BiomarkerSettings
from nenprofile.jobs.profile_sink import ProfileSink

pytest.importorskip("polars")

REPO = Path(__file__).resolve().parents[2]
SETTINGS = BiomarkerSettings(target_size_mb=1.0, tmb_min_vaf=0.1, max_population_af=0.01)
CSQ_FORMAT = (
    "Allele|Consequence|SYMBOL|Feature|EXON|HGVSc|HGVSp|Protein_position|Amino_acids|"
    "Existing_variation|PICK|CANONICAL|gnomADe_AF|MAX_AF|CLIN_SIG"
)
HEADER = (
    "##fileformat=VCFv4.2\n"
    "##reference=GRCh38\n"
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl '
    f'VEP. Format: {CSQ_FORMAT}">\n'
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
)


def _entry(
    allele: str = "C",
    consequence: str = "missense_variant",
    gene: str = "GENEA",
    hgvsp: str = "ENSP1.1:p.Val600Glu",
    pick: str = "1",
    pops: tuple[str, str] = ("0.001", "0.002"),
    protein: tuple[str, str] = ("600", "V/E"),
    clin_sig: str = "",
) -> str:
    return "|".join((allele, consequence, gene, "ENST1", "3/12", "ENST1.1:c.1799T>A", hgvsp,
                     *protein, "rs1", pick, "YES", *pops, clin_sig))  # fmt: skip


def _record(
    pos: int,
    chrom: str = "chr1",
    ref: str = "A",
    alt: str = "C",
    flt: str = "PASS",
    info: str | None = None,
    fmt: str = "GT:AD:DP:AF",
    sample: str = "0/1:10,5:15:0.333",
) -> str:
    info = f"CSQ={_entry()},{_entry(pick='')}" if info is None else info
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t{flt}\t{info}\t{fmt}\t{sample}\n"


# one line per case the engine must leave to the fast loop or compute as it does; positions
# far from the genes of interest except where said
EDGE_RECORDS = [
    _record(1_000_000),
    _record(1_000_100, info=f"CSQ={_entry(hgvsp='p.Leu14%3D')}"),
    _record(1_000_200, info=f"CSQ={_entry(hgvsp='ENSP:p.Val600fs')}"),
    _record(1_000_300, info=f"CSQ={_entry(hgvsp='', protein=('12', 'G/D'))}"),
    _record(1_000_400, info=f"CSQ={_entry(hgvsp='', protein=('12', 'G'))}"),
    _record(1_000_500, info=f"CSQ={_entry(hgvsp='p.(Gly12Asp)')}"),
    _record(1_000_600, info=f"CSQ={_entry(pops=('', '0.2'))}"),
    _record(1_000_700, info=f"CSQ={_entry(pops=('0.001&0.3', ''))}"),
    _record(1_000_800, info=f"CSQ={_entry(pops=('', ''))}"),
    _record(1_000_900, info=f"CSQ={_entry(pops=('.5', '1e-3'))}"),
    _record(1_001_000, info=f"CSQ={_entry(pick='')},{_entry(consequence='stop_gained')}"),
    _record(1_001_100, info=f"DP=5;CSQ={_entry()}"),
    _record(1_001_200, info="DP=5"),
    # CSQ after and before other keys (VEP appends CSQ to the caller's INFO): column-wise
    _record(1_001_210, info=f"DP=5;ECNT=1;CSQ={_entry(pick='')},{_entry()}"),
    _record(1_001_220, info=f"CSQ={_entry()};DP=5"),
    _record(1_001_230, info=f"DP=5;CSQ={_entry()};TLOD=3.1"),
    # left to the fast loop: "CSQ" more than once, an empty CSQ, a key ending in CSQ
    _record(1_001_240, info=f"XCSQ=1;CSQ={_entry()}"),
    _record(1_001_250, info="DP=5;CSQ=;TLOD=3.1"),
    _record(1_001_260, info=f"NOTE=CSQ;CSQ={_entry()}"),
    _record(1_001_270, info=f"XCSQ={_entry()}"),
    _record(1_001_300, info=f"CSQ={_entry(gene='=HYPERLINK')}"),
    _record(1_001_400, info=f"CSQ={_entry(gene='MLL2')}"),
    _record(1_001_500, info=f"CSQ={_entry(consequence='')}"),
    _record(1_001_600, info=f"CSQ={_entry(clin_sig='pathogenic&likely_pathogenic')}"),
    _record(1_001_700, info=f"CSQ={_entry()}|extra"),
    _record(1_001_800, info=f"CSQ={_entry()[:-3]}"),
    _record(1_001_900, flt="germline"),
    _record(1_002_000, flt="."),
    _record(1_002_100, sample="0/0:10,5:15:0.333"),
    _record(1_002_200, sample="./.:10,5:15:0.333"),
    _record(1_002_300, fmt="GT:AD:DP:AF:PS", sample="0|1:10,5:15:0.333:1002300"),
    _record(1_002_400, sample="0/1:10,0:15:0.333"),
    _record(1_002_500, sample="0/1:0,0:0:0.5"),
    _record(1_002_600, sample="0/1:10,5:15:."),
    _record(1_002_700, sample="0/1:10,5:15:.5"),
    _record(1_002_800, sample="0/1:10,5:15:1e-1"),
    _record(1_002_900, sample="0/1:10,5:15:0.12345678"),
    _record(1_003_000, sample="0/1:10,5,3:15:0.333"),
    _record(1_003_100, sample="0/1:x,5:15:0.333"),
    _record(1_003_200, sample="0/1:10,5:.:0.333"),
    _record(1_003_300, sample="0/1:10,5:15"),
    _record(1_003_400, sample="0/1:10,5:15:0.1,0.2"),
    _record(1_003_500, fmt="AF:DP:AD:GT", sample="0.25:20:15,5:1/1"),
    _record(1_003_600, alt="C,G", sample="1/2:10,5,5:20:0.25,0.25"),
    _record(1_003_700, alt="<DEL>"),
    _record(1_003_800, ref="A", alt="AT"),
    _record(1_003_800, ref="A", alt="AT"),  # the same variant again
    _record(1_003_800, ref="A", alt="G"),
    _record(1_003_900, ref="AT", alt="A"),
    _record(1_003_850),  # goes back: unsorted
    _record(500, chrom="2"),
    _record(1_003_950),  # chr1 again after chr2
    _record(7_675_000, chrom="chr17"),  # inside TP53 (a gene of interest)
    _record(7_800_000, chrom="chr17"),
    _record(1_004_000, chrom="1"),  # '1' and 'chr1' are one chromosome
    _record(1_004_000),
    _record(2_000_000, sample="0/1:10,5:15:1.5"),  # impossible VAF: the file is refused
]


def _spy_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Plain rows the engine computed column-wise, per chunk."""
    rows: list[int] = []
    real = columnar.ColumnarReader._values

    def spy(self: Any, frame: Any) -> Any:
        rows.append(frame.height)
        return real(self, frame)

    monkeypatch.setattr(columnar.ColumnarReader, "_values", spy)
    return rows


def _streamed(
    path: Path, engine: str, out: Path | None, genes: set[str]
) -> tuple[Any, ProfileSink]:
    """read_vcf into a ProfileSink as profile_sample makes it; out: where its variant table
    goes (None: no table)."""
    if out is None:
        sink = ProfileSink(genes, SETTINGS, None)
        result = read_vcf(str(path), engine=engine, consumer=sink, genes=genes)
        return result, sink
    table_path = out / "variants.tsv.gz"
    out.mkdir()
    with open(table_path, "wb") as raw:
        sink = ProfileSink(genes, SETTINGS, VariantTableWriter(raw, part_path_for(table_path)))
        consumer = RenamingConsumer(sink, GeneRenamer())
        result = read_vcf(str(path), engine=engine, consumer=consumer, genes=genes)
        sink.finish()
    return result, sink


def _tally(sink: ProfileSink) -> list[int]:
    return [getattr(sink.tally, name) for name in COUNTERS]


def _same_everywhere(path: Path, tmp: Path, genes: set[str]) -> None:
    """engine='columnar' equals engine='auto' (the fast loop on these small files): variants,
    counts, warnings, or the same InputError; streamed into a ProfileSink, the same kept
    variants, tally and variant-table bytes."""
    try:
        expected = read_vcf(str(path), engine="auto", genes=genes)
    except InputError as error:
        with pytest.raises(InputError) as info:
            read_vcf(str(path), engine="columnar", genes=genes)
        assert str(info.value) == str(error)
        return
    # compared as text: a population AF of 'nan' is a float unequal to itself
    assert repr(read_vcf(str(path), engine="columnar", genes=genes)) == repr(expected)
    auto, auto_sink = _streamed(path, "auto", tmp / "auto", genes)
    ours, our_sink = _streamed(path, "columnar", tmp / "columnar", genes)
    assert repr(ours) == repr(auto)
    assert _tally(our_sink) == _tally(auto_sink)
    assert our_sink.duplicates == auto_sink.duplicates
    # without a variant table (and without renaming)
    auto, auto_sink = _streamed(path, "auto", None, genes)
    ours, our_sink = _streamed(path, "columnar", None, genes)
    assert repr(ours) == repr(auto)
    assert _tally(our_sink) == _tally(auto_sink)
    table = (tmp / "columnar" / "variants.tsv.gz").read_bytes()
    assert table == (tmp / "auto" / "variants.tsv.gz").read_bytes()


def test_edge_cases_equal_the_fast_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 1500)  # a few lines per chunk
    rows = _spy_rows(monkeypatch)
    path = tmp_path / "edge.vcf"
    path.write_text(HEADER + "".join(EDGE_RECORDS[:-1]))
    _same_everywhere(path, tmp_path, {"TP53"})
    # the plain lines, counted by hand from EDGE_RECORDS: 27 in memory (the first one, and
    # CSQ after other keys: 1_001_100, 1_001_220, 1_001_230); streamed with a table and
    # renaming, 'MLL2' (renamed) is left to the fast loop before this count and '=HYPERLINK'
    # (escaped) after it; streamed without either, 27 again
    assert sum(rows) == 27 + 26 + 27
    refused = tmp_path / "refused.vcf"
    refused.write_text(HEADER + "".join(EDGE_RECORDS))
    with pytest.raises(InputError, match="allele fraction"):
        read_vcf(str(refused), engine="columnar")


def test_streamed_table_of_the_edge_cases(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 1500)
    path = tmp_path / "edge.vcf"
    path.write_text(HEADER + "".join(EDGE_RECORDS[:-1]))
    _, sink = _streamed(path, "columnar", tmp_path / "out", {"TP53"})
    lines = gzip.decompress((tmp_path / "out" / "variants.tsv.gz").read_bytes()).decode()
    rows = [line.split("\t") for line in lines.splitlines()[1:]]
    by_pos = {(row[0], row[1], row[3]): row for row in rows}
    # spot checks against the fast loop's rules, written out
    assert by_pos[("chr1", "1000000", "C")][4:17] == [
        "GENEA", "missense", "missense_variant", "c.1799T>A", "p.V600E", "ENST1", "0.333",
        "15", "5", "0.002", "", "PASS", "VEP",
    ]  # fmt: skip
    assert by_pos[("chr1", "1000100", "C")][8] == "p.L14="
    assert by_pos[("chr1", "1000300", "C")][8] == "p.G12D"
    assert by_pos[("chr1", "1000400", "C")][8] == "p.G12="  # one residue: synonymous
    assert by_pos[("chr1", "1000700", "C")][13] == "0.3"
    assert by_pos[("chr1", "1000800", "C")][13] == ""
    assert by_pos[("chr1", "1001300", "C")][4] == "'=HYPERLINK"
    assert by_pos[("chr1", "1001400", "C")][4] == "KMT2D"
    assert ("chr1", "1001900", "C") not in by_pos and ("chr1", "1002100", "C") not in by_pos
    assert by_pos[("chr1", "1002900", "C")][10] == "0.123457"
    assert sum(1 for row in rows if row[1] == "1003800") == 2  # the repeated A>AT once
    assert sink.tally.variants == len(rows)


def test_renaming_over_every_variant_equals_the_fast_loop(tmp_path, monkeypatch):
    """A consumer keeping every variant behind the HGNC renamer (what read_variants makes by
    default): its plain lines are Variants through the renamer, the loop's lines through the
    loop's own renaming; both give KMT2D for MLL2, counted once."""
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 1500)
    path = tmp_path / "edge.vcf"
    path.write_text(HEADER + "".join(EDGE_RECORDS[:-1]))
    results = {}
    for engine in ("auto", "columnar"):
        renamer = GeneRenamer()
        result = read_vcf(
            str(path), engine=engine, consumer=RenamingConsumer(VariantList(), renamer)
        )
        results[engine] = (repr(result), renamer.counts_of())
    assert results["columnar"] == results["auto"]
    assert results["columnar"][1]["renamed"] == {"MLL2\tKMT2D": 1}
    assert "gene='KMT2D'" in results["columnar"][0] and "'MLL2'" not in results["columnar"][0]


@pytest.mark.parametrize(
    ("mix", "caller_info"), [("uniform", False), ("wgs", False), ("uniform", True)]
)
def test_benchmark_layout_equals_the_fast_loop(tmp_path, monkeypatch, mix, caller_info):
    """caller_info: Mutect2's INFO keys before CSQ (as VEP leaves them), read column-wise too"""
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 300_000)
    rows = _spy_rows(monkeypatch)
    path = tmp_path / "bench.vcf.gz"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "ingest" / "generate_vcf.py"), str(path),
         "--records", "4000", "--mix", mix, *(["--caller-info"] if caller_info else [])],
        check=True, env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    expected = read_vcf(str(path), engine="auto")
    assert read_vcf(str(path), engine="columnar") == expected
    assert len(rows) > 3 and sum(rows) > 0.8 * expected.counts["records_read"]
    genes = {v.gene for v in expected.variants if v.gene}
    genes = set(sorted(genes)[::50]) | {"TP53"}
    _same_everywhere(path, tmp_path, genes)


def test_auto_uses_the_engine_from_its_size_on(tmp_path, monkeypatch):
    rows = _spy_rows(monkeypatch)
    path = tmp_path / "small.vcf"
    path.write_text(HEADER + "".join(EDGE_RECORDS[:3]))
    expected = read_vcf(str(path), engine="auto")
    assert rows == []
    monkeypatch.setattr(columnar, "MIN_BYTES", 10)
    assert read_vcf(str(path), engine="auto") == expected
    assert rows == [3]


def test_without_polars_the_fast_loop_reads(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "polars_available", lambda: False)
    rows = _spy_rows(monkeypatch)
    path = tmp_path / "small.vcf"
    path.write_text(HEADER + "".join(EDGE_RECORDS[:3]))
    assert read_vcf(str(path), engine="columnar") == read_vcf(str(path), engine="cyvcf2")
    assert rows == []


def test_unexpected_failure_reads_again_per_line_under_auto(tmp_path, monkeypatch):
    def broken(self: Any, frame: Any) -> Any:
        raise columnar.ColumnarFailed("test")

    monkeypatch.setattr(columnar.ColumnarReader, "_values", broken)
    monkeypatch.setattr(columnar, "MIN_BYTES", 10)
    path = tmp_path / "small.vcf"
    path.write_text(HEADER + "".join(EDGE_RECORDS[:3]))
    assert read_vcf(str(path), engine="auto") == read_vcf(str(path), engine="cyvcf2")
    with pytest.raises(columnar.ColumnarFailed):
        read_vcf(str(path), engine="columnar")


# ------------------------------------------------------------------------------ hypothesis

PIECES: dict[str, list[Any]] = {
    "chrom": ["chr1", "1", "chr2", "X"],
    "alleles": [("A", "C"), ("A", "AT"), ("AT", "A"), ("A", "C,G"), ("A", "<DEL>"), ("A", ".")],
    "flt": ["PASS", "PASS", ".", "germline", ""],
    "gt": ["0/1", "0/1", "1/1", "0/0", "./.", "0|1"],
    "ad": ["10,5", "10,5", "10,0", "0,0", "10,5,3", "x,5", "."],
    "dp": ["15", "15", "0", "."],
    "af": ["0.333", "0.5", ".5", "1.", "0.12345678", ".", "nan", "1_0", "0.1,0.2", "0"],
    "consequence": ["missense_variant", "intron_variant", "stop_gained&splice_region_variant",
                    "", "frameshift_variant"],
    "gene": ["GENEA", "GENEB", "TP53", "", "MLL2", "=X", "A\\B"],
    "hgvsp": ["ENSP1.1:p.Val600Glu", "p.Leu14%3D", "ENSP:p.Arg213Ter", "p.(Gly12Asp)", "",
              "ENSP:p.Val600fs", "c.1A>T", "ENSP:p.Xyz1Abc"],
    "protein": [("600", "V/E"), ("", ""), ("12", "G"), ("12-13", "GA/-")],
    "pop": ["", "", "0.001", "0.2", "0.001&0.3", "A:0.1", "1e-3", ".5", "nan"],
    "pick": ["1", "1", "", "0"],
    "clin_sig": ["", "benign", "-pathogenic"],
}  # fmt: skip


def _choice(name: str) -> Any:
    return st.sampled_from(PIECES[name])


entries = st.builds(
    _entry,
    consequence=_choice("consequence"),
    gene=_choice("gene"),
    hgvsp=_choice("hgvsp"),
    pick=_choice("pick"),
    pops=st.tuples(_choice("pop"), _choice("pop")),
    protein=_choice("protein"),
    clin_sig=_choice("clin_sig"),
)
records = st.fixed_dictionaries({
    "chrom": _choice("chrom"),
    "step": st.sampled_from([0, 1, 50, 5000, -20]),
    "alleles": _choice("alleles"),
    "flt": _choice("flt"),
    "gt": _choice("gt"),
    "ad": _choice("ad"),
    "dp": _choice("dp"),
    "af": _choice("af"),
    "entries": st.lists(entries, min_size=1, max_size=3),
    "info": st.sampled_from(["CSQ", "CSQ", "DP=5;CSQ", "none"]),
    "phased": st.booleans(),
})  # fmt: skip


def _vcf_text(drawn: list[dict[str, Any]]) -> str:
    pos, lines = 1_000_000, []
    for r in drawn:
        pos = max(1, pos + r["step"])
        ref, alt = r["alleles"]
        csq = "CSQ=" + ",".join(r["entries"])
        info = {"CSQ": csq, "DP=5;CSQ": "DP=5;" + csq, "none": "DP=5"}[r["info"]]
        fmt, sample = "GT:AD:DP:AF", f"{r['gt']}:{r['ad']}:{r['dp']}:{r['af']}"
        if r["phased"]:
            fmt, sample = fmt + ":PS", sample + ":99"
        lines.append(_record(pos, r["chrom"], ref, alt, r["flt"], info, fmt, sample))
    return HEADER + "".join(lines)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=st.lists(records, min_size=1, max_size=25), chunk=st.sampled_from([400, 3000]))
def test_generated_vcfs_equal_the_fast_loop(tmp_path_factory, monkeypatch, drawn, chunk):
    monkeypatch.setattr(columnar, "CHUNK_BYTES", chunk)
    tmp = tmp_path_factory.mktemp("gen")
    path = tmp / "gen.vcf"
    path.write_text(_vcf_text(drawn))
    _same_everywhere(path, tmp, {"TP53", "GENEB"})


def test_population_af_text_is_parsed_to_the_double_python_reads():
    """The engine casts population-AF text in polars; float() is what the fast loop uses."""
    import polars as pl

    texts = ["0.000380", "1e-5", "5.", ".5", "0.30000000000000004", "9007199254740993",
             "1E5", "1e+5", "1e-320", "2.2250738585072011e-308", "0." + "9" * 40,
             "1" * 30, "4.9406564584124654e-324", "1e400", "1e-400", "7e22", "00.5", "0"]  # fmt: skip
    numbers = pl.select(columnar.population_numbers(pl, pl.Series([*texts, ""]))).to_series()
    assert numbers.to_list() == [*(float(text) for text in texts), None]


# ------------------------------------------------------------------- lines read whole

WHOLE = _record(3_000_600)
# each a line polars would misread if the engine trusted it: polars pads a line with fewer
# columns with empty cells (not nulls) and turns a blank line into a row of them; it
# refuses a line with more
NOT_WHOLE = {
    "one column fewer": WHOLE.rsplit("\t", 1)[0] + "\n",
    "two columns fewer": WHOLE.rsplit("\t", 2)[0] + "\n",
    "one column more": WHOLE[:-1] + "\t0/1:10,5:15:0.333\n",
    "an empty last cell": WHOLE.rsplit("\t", 1)[0] + "\t\n",
    "an empty ID": WHOLE.replace("\t.\t", "\t\t", 1),
    "a blank line": "\n",
}


@pytest.mark.parametrize("case", sorted(NOT_WHOLE))
def test_a_chunk_with_a_line_not_whole_goes_to_the_fast_loop(tmp_path, monkeypatch, case):
    """Every chunk holding the line is left to the fast loop (which reads or refuses the
    file as it does alone); every other chunk is read column-wise."""
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 1500)
    chunks: list[tuple[str, bool]] = []
    real = columnar.ColumnarReader._frame

    def spy(self: Any, data: bytes) -> Any:
        frame = real(self, data)
        chunks.append((data.decode(), frame is not None))
        return frame

    monkeypatch.setattr(columnar.ColumnarReader, "_frame", spy)
    bad = NOT_WHOLE[case]
    records = [_record(3_000_000 + 100 * i) for i in range(15)]
    path = tmp_path / "lines.vcf"
    path.write_text(HEADER + "".join(records[:6]) + bad + "".join(records[6:]))
    with contextlib.suppress(InputError):  # the fast loop may refuse the file
        read_vcf(str(path), engine="columnar")
    assert [read for _, read in chunks] == [("\n" + bad) not in ("\n" + text) for text, _ in chunks]
    chunks.clear()
    _same_everywhere(path, tmp_path, {"TP53"})


def test_a_last_line_without_newline_is_read_column_wise(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 1500)
    rows = _spy_rows(monkeypatch)
    path = tmp_path / "no_newline.vcf"
    path.write_text(HEADER + "".join(_record(3_000_000 + 100 * i) for i in range(15))[:-1])
    _same_everywhere(path, tmp_path, {"TP53"})
    assert rows[:4] and sum(rows[: len(rows) // 3]) == 15


# --------------------------------------------------------- protein changes and encoding

HGVSP_FORMS = [
    "ENSP1.1:p.Val600Glu",
    "p.Gly12Asp",
    "ENSP1:ENSP2:p.Ter12Trp",
    "ENSP:p.Xaa1Sec",
    "ENSP:p.Val600Xyz",  # one residue not a code: short_hgvsp's own rules
    "ENSP:p.Xyz600Val",
    "ENSP(1):p.Val600Glu",  # '(' before the ':': short_hgvsp's own rules
    "ENSP:p.Val600Glu1",
    "ENSP:p.Val6a0Glu",
    "ENSP:p.val600Glu",
    "ENSP:p.Val600Gl",
    "ENSP:p.Va600Glu",
    "ENSP:p.Val600_Glu601del",
    "ENSP:p.Met1?",
    "ENSP:p.=",
    "ENSP:p.(Gly12Asp)",
    "ENSP:p.Leu14%3D",
    "ENSP:Val600Glu",
    "c.1A>T",
]


def test_protein_changes_equal_the_fast_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 1500)
    rows = _spy_rows(monkeypatch)
    lines = [_record(4_000_000 + 100 * i, info=f"CSQ={_entry(hgvsp=hgvsp)}")
             for i, hgvsp in enumerate(HGVSP_FORMS)]  # fmt: skip
    path = tmp_path / "hgvsp.vcf"
    path.write_text(HEADER + "".join(lines))
    _same_everywhere(path, tmp_path, {"TP53"})
    assert sum(rows) == 3 * len(HGVSP_FORMS)  # every line column-wise, in each of 3 reads
    proteins = [v.hgvsp for v in read_vcf(str(path), engine="columnar").variants]
    assert proteins[:4] == ["p.V600E", "p.G12D", "p.*12W", "p.X1U"]


@pytest.mark.parametrize(
    ("line", "cell"),
    [
        (_record(5_000_000, info=f"CSQ={_entry()}".replace("ENST1.1:c.", "ENST1.1:=c.")),
         "'=c.1799T>A"),
        (_record(5_000_000, info=f"CSQ={_entry(gene='+GENE')}"), "'+GENE"),
        (_record(5_000_000, info=f"CSQ={_entry(clin_sig='@x')}"), "'@x"),
        (_record(5_000_000, info=f"CSQ={_entry(hgvsp='ENSP:p.Val600Glu')}".replace(
            "ENST1.1:c.1799T>A", "c.1799T>A\\x")), "c.1799T>A\\\\x"),
        (_record(5_000_000, chrom="=1"), "chr=1"),  # normalised: never a formula
    ],
)  # fmt: skip
def test_cells_needing_encoding_are_left_to_the_fast_loop(tmp_path, monkeypatch, line, cell):
    """The table writes them encoded (formula guard, escapes), as the fast loop does."""
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 1500)
    path = tmp_path / "encode.vcf"
    path.write_text(HEADER + _record(4_999_000) + line + _record(5_001_000))
    _same_everywhere(path, tmp_path, {"TP53"})
    _streamed(path, "columnar", tmp_path / "out", {"TP53"})
    text = gzip.decompress((tmp_path / "out" / "variants.tsv.gz").read_bytes()).decode()
    assert cell in text.splitlines()[2].split("\t")
