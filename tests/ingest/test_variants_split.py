"""Two-process reading (parallel.py) returns exactly what one pass returns, wherever the
BGZF block boundary it splits at falls; unannotated files stay on the text path. Streamed
ingest (profile_sink.ProfileSink) keeps what profiling would compute from every variant held
in memory, in one process or two."""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import nenprofile.ingest.variants._fast.columnar as columnar
import nenprofile.ingest.variants._fast.parallel as parallel
import nenprofile.ingest.variants._fast.textvcf as textvcf
import nenprofile.ingest.variants.vcf as vcf_module
from nenprofile.errors import InputError
from nenprofile.ingest.variants._fast.textvcf import TextPathUnsupported, line_blocks
from nenprofile.ingest.variants.table import VariantTableWriter, part_path_for, write_variant_table
from nenprofile.ingest.variants.vcf import read_vcf
from nenprofile.interpret.biomarkers import BiomarkerSettings, TmbTally, compute_tmb, indel_fraction
from nenprofile.io.outputs import atomic_write
from nenprofile.jobs.profile_sink import ProfileSink

REPO = Path(__file__).resolve().parents[2]
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
EXTRA_LINES = (
    # two ALTs: vcf._stream's general route, in whichever process owns the line
    "chr22\t50000000\t.\tA\tC,T\t.\tPASS\tCSQ=C|missense_variant|MODERATE|GENEX|ENSGX|Transcript"
    "|ENSTX|protein_coding|1/2||ENSTX.1:c.1A>C|ENSPX.1:p.Lys1Thr|1|1|1|K/T|Aag/Acg|||1||1|YES"
    "|NM_1.1|0.01|0.02|,T|stop_gained|HIGH|GENEX|ENSGX|Transcript|ENSTX|protein_coding|1/2|"
    "|ENSTX.1:c.1A>T|ENSPX.1:p.Lys1Ter|1|1|1|K/*|Aag/Tag|||1||1|YES|NM_1.1|0.03|0.04|"
    "\tGT:AD:DP:AF\t0/1/2:10,5,6:21:0.238,0.286",
    # no CSQ: gene overlap (TP53 on GRCh38)
    "chr17\t7673803\t.\tG\tA\t.\tPASS\t.\tGT:AD:DP:AF\t0/1:30,12:42:0.286",
)


def _bgzf_block(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = packer.compress(data) + packer.flush()
    header = b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00"
    size = len(header) + 2 + len(deflated) + 8
    trailer = struct.pack("<II", zlib.crc32(data), len(data))
    return header + struct.pack("<H", size - 1) + deflated + trailer


def _write_bgzf(path: Path, data: bytes, boundary: int) -> float:
    """BGZF with a block boundary exactly at byte `boundary` (blocks <= 60 kB); the
    MAIN_SHARE that makes parallel.py split there."""
    head = b"".join(_bgzf_block(data[at : min(at + 60_000, boundary)])
                    for at in range(0, boundary, 60_000))  # fmt: skip
    tail = b"".join(
        _bgzf_block(data[at : at + 60_000]) for at in range(boundary, len(data), 60_000)
    )
    path.write_bytes(head + tail + BGZF_EOF)
    return len(head) / path.stat().st_size


@pytest.fixture(scope="module")
def bench_text(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bench") / "bench.vcf.gz"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "ingest" / "generate_vcf.py"), str(path),
         "--records", "2000"],
        check=True, env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    text = gzip.decompress(path.read_bytes()).decode()
    return text + "\n".join(EXTRA_LINES) + "\n"


@pytest.fixture
def split_everything(monkeypatch):
    """Split every bgzipped file (at MAIN_SHARE, set per test); record the splits."""
    monkeypatch.setattr(parallel, "SPLIT_MIN_BYTES", 0)
    splits = []
    real = vcf_module.read_split

    def spy(reader, split, *args):
        splits.append(split)
        return real(reader, split, *args)

    monkeypatch.setattr(vcf_module, "read_split", spy)
    return splits


def _single(path: Path, monkeypatch, **options):
    return read_vcf(str(path), workers=1, **options)


def _boundaries(text: str) -> dict[str, int]:
    header_end = text.index("\n", text.index("#CHROM")) + 1
    middle = text.index("\nchr", len(text) // 2) + 1  # a line start in the data
    last = text.rindex("\nchr22\t50000000") + 1  # the multi-ALT line: the worker's first
    return {
        "mid_record": middle + 57,
        "line_start": middle,
        "one_after_line_start": middle + 1,
        "at_newline": middle - 1,
        "in_header": 200,
        "after_header": header_end,
        "multi_alt_line_start": last,
        "in_last_line": len(text) - 5,
    }


def _split_read_checked(tmp_path, monkeypatch, text, where, splits):
    """The file split at `where` and read in two processes; checked equal to one pass and to
    cyvcf2, split exactly there."""
    boundary = _boundaries(text)[where]
    path = tmp_path / "split.vcf.gz"
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, text.encode(), boundary))
    expected = _single(path, monkeypatch)
    assert expected == read_vcf(str(path), engine="cyvcf2")
    actual = read_vcf(str(path), workers=2)
    assert [split.main_stop for split in splits] == [boundary]
    assert actual == expected
    return actual


@pytest.mark.parametrize(
    "where",
    ["mid_record", "line_start", "one_after_line_start", "at_newline", "in_header",
     "after_header", "multi_alt_line_start", "in_last_line"],
)  # fmt: skip
def test_split_read_equals_one_pass(tmp_path, monkeypatch, bench_text, split_everything, where):
    actual = _split_read_checked(tmp_path, monkeypatch, bench_text, where, split_everything)
    assert actual.counts["records_read"] == 2002 and actual.counts["multiallelic_split"] == 1
    assert {v.annotation_source for v in actual.variants} == {"VEP", "gene-overlap"}


def test_split_read_with_filter_options(tmp_path, monkeypatch, bench_text, split_everything):
    path = tmp_path / "split.vcf.gz"
    boundary = _boundaries(bench_text)["mid_record"]
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, bench_text.encode(), boundary))
    options = {"allowed_filters": ("germline",), "min_vaf": 0.3, "min_depth": 50}
    expected = _single(path, monkeypatch, **options)
    assert read_vcf(str(path), workers=2, **options) == expected
    assert len(split_everything) == 1 and expected.counts["below_min_vaf"] > 0


def test_worker_share_unsupported_falls_back_to_cyvcf2(
    tmp_path, monkeypatch, bench_text, split_everything
):
    text = bench_text.replace("|GENEX|", "|GENE\u00e9|", 1)  # non-ASCII in the worker's share
    boundary = _boundaries(text)["line_start"]
    path = tmp_path / "accented.vcf.gz"
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, text.encode(), boundary))
    with pytest.raises(TextPathUnsupported):
        read_vcf(str(path), engine="text", workers=2)
    auto = read_vcf(str(path), workers=2)
    assert auto == read_vcf(str(path), engine="cyvcf2")
    assert "GENE\u00e9" in {v.gene for v in auto.variants}
    assert len(split_everything) == 2  # text engine and auto both tried the split


def test_split_point_is_a_block_boundary(tmp_path, bench_text):
    path = tmp_path / "split.vcf.gz"
    boundary = _boundaries(bench_text)["mid_record"]
    share = _write_bgzf(path, bench_text.encode(), boundary)
    split = parallel.bgzf_split_point(str(path), share)
    assert split is not None and split.main_stop == boundary
    assert split.worker_skip == boundary % 60_000  # the last block before the boundary
    first = parallel.bgzf_split_point(str(path), 0.0)
    assert first is not None and first.main_stop == 60_000 and first.worker_offset == 0
    plain = tmp_path / "plain.vcf.gz"
    plain.write_bytes(gzip.compress(bench_text.encode()))
    assert parallel.bgzf_split_point(str(plain), 0.0) is None  # not BGZF: no split


def test_line_blocks_shares_partition_the_lines(monkeypatch):
    text = "ab\ncd\r\n\nefg\nh"
    monkeypatch.setattr(textvcf, "BLOCK_BYTES", 3)
    whole = [line for block in line_blocks(io.BytesIO(text.encode())) for line in block]
    assert whole == ["ab", "cd", "", "efg", "h"]
    for boundary in range(1, len(text) + 1):
        head = line_blocks(io.BytesIO(text.encode()), stop=boundary)
        tail = line_blocks(io.BytesIO(text.encode()), start=boundary)
        assert [x for b in head for x in b] + [x for b in tail for x in b] == whole, boundary


def test_one_worker_never_splits(tmp_path, monkeypatch, bench_text, split_everything):
    path = tmp_path / "split.vcf.gz"
    boundary = _boundaries(bench_text)["mid_record"]
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, bench_text.encode(), boundary))
    assert read_vcf(str(path)) == read_vcf(str(path), engine="cyvcf2")
    assert split_everything == []


# ----------------------------------------------------------------------------- streamed

SETTINGS = BiomarkerSettings(target_size_mb=1.0, tmb_min_vaf=0.1, max_population_af=0.0005)


def _genes(variants) -> set[str]:
    """A few genes of the file (every 7th distinct one) and TP53 (the gene-overlap line)."""
    names = sorted({v.gene for v in variants if v.gene})
    return set(names[::7]) | {"TP53"}


def _streamed(path: Path, genes: set[str], workers: int, **options):
    table_path = path.parent / f"variants.w{workers}.tsv.gz"
    with atomic_write(table_path, "wb") as raw:
        sink = ProfileSink(genes, SETTINGS, VariantTableWriter(raw, part_path_for(table_path)))
        result = read_vcf(str(path), workers=workers, consumer=sink, **options)
        sink.finish()
    return result, sink, table_path


def _assert_same_as_in_memory(result, sink, table_path, everything, genes, tmp_path) -> None:
    assert result.variants == [v for v in everything.variants if v.gene in genes]
    assert 0 < len(result.variants) < len(everything.variants)
    assert result.counts == everything.counts
    assert sink.tally == TmbTally.of(everything.variants, SETTINGS)
    for annotation in ("VEP", "gene-overlap"):
        assert compute_tmb(sink.tally, annotation=annotation, tumor_only=False,
                           settings=SETTINGS) == compute_tmb(
            everything.variants, annotation=annotation, tumor_only=False, settings=SETTINGS
        )  # fmt: skip
        assert indel_fraction(sink.tally, annotation=annotation, settings=SETTINGS) == (
            indel_fraction(everything.variants, annotation=annotation, settings=SETTINGS)
        )
    reference = tmp_path / "in_memory.tsv.gz"
    write_variant_table(reference, everything.variants)
    assert gzip.decompress(table_path.read_bytes()) == gzip.decompress(reference.read_bytes())
    assert not part_path_for(table_path).exists()


@pytest.mark.parametrize("engine", ["auto", "columnar"])
def test_streamed_ingest_equals_in_memory_one_process(
    tmp_path, monkeypatch, bench_text, engine
) -> None:
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 100_000)  # several chunks for 'columnar'
    path = tmp_path / "one.vcf.gz"
    _write_bgzf(path, bench_text.encode(), len(bench_text) // 2)
    everything = read_vcf(str(path))
    genes = _genes(everything.variants)
    result, sink, table_path = _streamed(path, genes, workers=1, engine=engine)
    _assert_same_as_in_memory(result, sink, table_path, everything, genes, tmp_path)
    # one process writes the very bytes the in-memory writer does
    reference = tmp_path / "in_memory.tsv.gz"
    assert table_path.read_bytes() == reference.read_bytes()
    tally = sink.tally
    # counted independently from the file: 1,912 variants, 229 below both germline and VAF
    # limits, 78 of them protein-changing; the generator writes SNVs only
    assert (tally.variants, tally.coding, tally.any_class) == (1912, 78, 229)
    assert (tally.coding_indels, tally.any_class_indels, tally.unknown_class) == (0, 0, 0)


@pytest.mark.parametrize("where", ["mid_record", "multi_alt_line_start", "in_header"])
def test_streamed_ingest_split_in_two_processes(
    tmp_path,
    monkeypatch,
    bench_text,
    split_everything,
    where,
) -> None:
    boundary = _boundaries(bench_text)[where]
    path = tmp_path / "split.vcf.gz"
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, bench_text.encode(), boundary))
    everything = read_vcf(str(path), workers=1)
    genes = _genes(everything.variants)
    result, sink, table_path = _streamed(path, genes, workers=2)
    assert [split.main_stop for split in split_everything] == [boundary]
    _assert_same_as_in_memory(result, sink, table_path, everything, genes, tmp_path)


def test_streamed_ingest_restarts_when_the_worker_falls_back(
    tmp_path,
    monkeypatch,
    bench_text,
    split_everything,
) -> None:
    text = bench_text.replace("|GENEX|", "|GENE\u00e9|", 1)  # non-ASCII in the worker's share
    path = tmp_path / "accented.vcf.gz"
    boundary = _boundaries(text)["line_start"]
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, text.encode(), boundary))
    everything = read_vcf(str(path), engine="cyvcf2")
    genes = _genes(everything.variants) | {"GENE\u00e9"}
    result, sink, table_path = _streamed(path, genes, workers=2)
    assert len(split_everything) == 1  # tried, then the whole file again with cyvcf2
    _assert_same_as_in_memory(result, sink, table_path, everything, genes, tmp_path)
    assert "GENE\u00e9" in {v.gene for v in result.variants}


def test_impossible_vaf_in_the_worker_share_leaves_no_table(
    tmp_path,
    monkeypatch,
    bench_text,
    split_everything,
) -> None:
    bad = EXTRA_LINES[1].replace("0/1:30,12:42:0.286", "0/1:30,12:42:1.5")
    text = bench_text.replace(EXTRA_LINES[1], bad)
    path = tmp_path / "bad_vaf.vcf.gz"
    boundary = _boundaries(text)["mid_record"]
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, text.encode(), boundary))
    with pytest.raises(InputError) as raised:
        _streamed(path, {"TP53"}, workers=2)
    message = str(raised.value)
    assert "chr17:7673803 G>A has a variant allele fraction of 1.5, outside 0 to 1" in message
    assert str(path) in message and "Fix: check the caller's AF/VF/FREQ values" in message
    assert len(split_everything) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad_vaf.vcf.gz"]


def test_impossible_vaf_in_this_process_share_removes_the_worker_part(
    tmp_path, monkeypatch, bench_text, split_everything
) -> None:
    # the first PASS record: this process's share
    first = bench_text.rindex("\n", 0, bench_text.index("\tPASS\t")) + 1
    line = bench_text[first : bench_text.index("\n", first)]
    bad = line[: line.rindex(":") + 1] + "1.5"
    text = bench_text.replace(line, bad, 1)
    path = tmp_path / "bad_vaf_first.vcf.gz"
    boundary = _boundaries(text)["mid_record"]
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, text.encode(), boundary))
    with pytest.raises(InputError, match=r"variant allele fraction of 1\.5, outside 0 to 1"):
        _streamed(path, {"TP53"}, workers=2)
    assert len(split_everything) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad_vaf_first.vcf.gz"]


def test_cpu_need_asks_for_two_processes_only_for_a_large_bgzipped_vcf(tmp_path, monkeypatch):
    from nenprofile.ingest.variants import cpu_need

    small = tmp_path / "small.vcf.gz"
    small.write_bytes(b"x" * 100)
    plain = tmp_path / "big.vcf"
    plain.write_bytes(b"x" * 100)
    assert cpu_need(small) == 1
    monkeypatch.setattr(parallel, "SPLIT_MIN_BYTES", 100)
    assert cpu_need(small) == 2
    assert cpu_need(plain) == 1  # not bgzipped: read in one pass
    assert cpu_need(tmp_path / "missing.vcf.gz") == 1


def _unannotated(text: str) -> str:
    """The same records without their CSQ (header line and values): gene overlap."""
    lines = []
    for line in text.splitlines():
        if line.startswith("##INFO=<ID=CSQ"):
            continue
        if not line.startswith("#"):
            fields = line.split("\t")
            fields[7] = "."
            line = "\t".join(fields)
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["mid_record", "line_start", "multi_alt_line_start"])
def test_unannotated_split_read_equals_one_pass(
    tmp_path, monkeypatch, bench_text, split_everything, where
):
    """overlaploop.py in two processes: the same result as one pass and as cyvcf2."""
    built = []
    real_loop = vcf_module.overlap_fast_loop

    def spy(*args, **kwargs):
        built.append(real_loop(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(vcf_module, "overlap_fast_loop", spy)
    text = _unannotated(bench_text)
    actual = _split_read_checked(tmp_path, monkeypatch, text, where, split_everything)
    assert actual.counts["records_read"] == 2002 and actual.counts["multiallelic_split"] == 1
    assert {v.annotation_source for v in actual.variants} == {"gene-overlap"}
    assert actual.annotation == "gene-overlap"
    assert len(built) == 2 and None not in built  # the loop read both times


# ------------------------------------------------------------ split + columnar engine

# polars must not be imported before the fork (parallel.py), and this test process may
# hold it already: the split runs in a fresh interpreter that records which side read
# which share column-wise, and hands back what it read
SPLIT_COLUMNAR_CHILD = """
import pickle, sys
import nenprofile.ingest.variants._fast.columnar as columnar
import nenprofile.ingest.variants._fast.parallel as parallel
from nenprofile.ingest.variants.table import VariantTableWriter, part_path_for
from nenprofile.ingest.variants.vcf import read_vcf
from nenprofile.interpret.biomarkers import BiomarkerSettings
from nenprofile.io.outputs import atomic_write
from nenprofile.jobs.profile_sink import ProfileSink

path, share, log, table_path, genes, fail = sys.argv[1:7]
parallel.SPLIT_MIN_BYTES = 0
parallel.MAIN_SHARE = float(share)
columnar.CHUNK_BYTES = 100_000
real_run = columnar.ColumnarReader.run

def run(self, *args, share=None, stop=None):
    with open(log, "a") as handle:
        handle.write("worker\\n" if share else "main\\n" if stop else "whole\\n")
    if share and fail == "1":
        raise RuntimeError("worker fails")
    return real_run(self, *args, share=share, stop=stop)

columnar.ColumnarReader.run = run
settings = BiomarkerSettings(target_size_mb=1.0, tmb_min_vaf=0.1, max_population_af=0.0005)
with atomic_write(table_path, "wb") as raw:
    sink = ProfileSink(set(genes.split(",")), settings,
                       VariantTableWriter(raw, part_path_for(table_path)))
    result = read_vcf(path, workers=2, consumer=sink, engine="columnar")
    sink.finish()
sys.stdout.buffer.write(pickle.dumps((result, sink.tally)))
"""


def _split_columnar_in_child(tmp_path, path, share, genes, fail=False):
    log = tmp_path / f"runs.{fail}.log"
    table_path = path.parent / f"variants.columnar.{fail}.tsv.gz"
    child = subprocess.run(
        [sys.executable, "-c", SPLIT_COLUMNAR_CHILD, str(path), repr(share), str(log),
         str(table_path), ",".join(sorted(genes)), "1" if fail else "0"],
        check=True, capture_output=True,
    )  # fmt: skip
    result, tally = pickle.loads(child.stdout)
    return result, tally, table_path, log.read_text().split()


@pytest.mark.parametrize(
    "where", ["mid_record", "line_start", "in_header", "after_header", "multi_alt_line_start"]
)
def test_split_columnar_equals_one_pass(tmp_path, monkeypatch, bench_text, where) -> None:
    """Both shares read column-wise, one polars thread each: the variants kept, counts, TMB
    tally and table text are the one-pass ones wherever the block boundary falls."""
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 100_000)
    boundary = _boundaries(bench_text)[where]
    path = tmp_path / "split.vcf.gz"
    share = _write_bgzf(path, bench_text.encode(), boundary)
    everything = read_vcf(str(path), workers=1)
    genes = _genes(everything.variants)
    one, one_sink, one_table = _streamed(path, genes, workers=1, engine="columnar")
    result, tally, table_path, runs = _split_columnar_in_child(tmp_path, path, share, genes)
    assert sorted(runs) == ["main", "worker"]
    assert result.variants == one.variants == [v for v in everything.variants if v.gene in genes]
    assert result.counts == one.counts == everything.counts
    assert tally == one_sink.tally
    assert gzip.decompress(table_path.read_bytes()) == gzip.decompress(one_table.read_bytes())
    assert not part_path_for(table_path).exists()


def test_split_columnar_worker_failure_reads_the_file_again(tmp_path, bench_text) -> None:
    boundary = _boundaries(bench_text)["mid_record"]
    path = tmp_path / "split.vcf.gz"
    share = _write_bgzf(path, bench_text.encode(), boundary)
    everything = read_vcf(str(path), workers=1)
    genes = _genes(everything.variants)
    one, one_sink, one_table = _streamed(path, genes, workers=1)
    result, tally, table_path, runs = _split_columnar_in_child(
        tmp_path, path, share, genes, fail=True
    )
    assert sorted(runs) == ["main", "worker"]  # then the fast loop, in one pass
    assert result.variants == one.variants and result.counts == one.counts
    assert tally == one_sink.tally
    assert gzip.decompress(table_path.read_bytes()) == gzip.decompress(one_table.read_bytes())
    assert not part_path_for(table_path).exists()


@pytest.mark.parametrize("where", [None, "mid_record"])
def test_streamed_unannotated_ingest_takes_variants_outside_genes_as_table_lines(
    tmp_path, monkeypatch, bench_text, split_everything, where
) -> None:
    """overlaploop.py hands a single-file ProfileSink the variants outside its genes as
    table lines and tally counts (no Variant built): the same table, tally and counts as
    the in-memory route; a line needing the TSV dialect's escaping (FILTER '+odd') and the
    genes of interest still go through Variants."""
    import nenprofile.ingest.variants._fast.overlaploop as overlaploop

    first_pass = next(line for line in bench_text.splitlines() if "\tPASS\t" in line)
    text = _unannotated(bench_text.replace(first_pass, first_pass.replace("\tPASS\t", "\t+odd\t")))
    path = tmp_path / "overlap.vcf.gz"
    boundary = len(text) // 2 if where is None else _boundaries(text)[where]
    monkeypatch.setattr(parallel, "MAIN_SHARE", _write_bgzf(path, text.encode(), boundary))
    if where is None:
        monkeypatch.setattr(parallel, "SPLIT_MIN_BYTES", 1 << 40)
    everything = read_vcf(str(path), workers=1, pass_only=False)
    genes = _genes(everything.variants)
    built = []
    variant = overlaploop.Variant

    def counted(*fields):
        built.append(fields[4])  # the gene: the loop builds Variants positionally
        return variant(*fields)

    monkeypatch.setattr(overlaploop, "Variant", counted)
    result, sink, table_path = _streamed(path, genes, workers=2, pass_only=False)
    assert len(split_everything) == (0 if where is None else 1)
    _assert_same_as_in_memory(result, sink, table_path, everything, genes, tmp_path)
    tally = sink.tally  # a positional hotspot (TP53) is the one variant with a class
    assert (tally.variants, tally.unknown_class, tally.coding, tally.any_class) == (
        2003, 2002, 1, 1807)  # fmt: skip
    if where is None:  # the forked worker's Variants are not seen here
        odd = [v for v in everything.variants if v.filter == "+odd"]
        assert len(odd) == 1 and odd[0].gene not in genes
        # the kept variants (but the hotspot, which the general route builds) and '+odd'
        from_loop = [v.gene for v in result.variants if "positional_hotspot" not in v.extra]
        assert sorted(map(str, built)) == sorted(map(str, [*from_loop, odd[0].gene]))


def test_unannotated_ingest_without_a_table_counts_the_same_tally(tmp_path, bench_text) -> None:
    """A ProfileSink without a variant table: the bulk variants only count."""
    path = tmp_path / "overlap.vcf"
    path.write_text(_unannotated(bench_text))
    everything = read_vcf(str(path))
    genes = _genes(everything.variants)
    sink = ProfileSink(genes, SETTINGS, None)
    result = read_vcf(str(path), consumer=sink)
    assert result.variants == [v for v in everything.variants if v.gene in genes]
    assert result.counts == everything.counts
    assert sink.tally == TmbTally.of(everything.variants, SETTINGS)
    assert (sink.tally.variants, sink.tally.any_class) == (1912, 1725)
