"""The columnar engine: the fast loop's plain records computed a chunk of lines at a time.

Why: pure-Python work per record (fastloop.py) cannot come near `bcftools view` on a
million-record VEP file. Here polars parses about CHUNK_BYTES of lines at once and decides
column-wise which lines are "plain": one ALT, FILTER PASS, a called tumour genotype without
phase, the AF/AD/DP layout with plain numbers, the first CSQ entry the PICK one, far from
the genes of interest and the build markers, not near an earlier line of the same
chromosome (duplicates, unsorted records), nothing to escape in the variant table. For
those lines the Variant fields (or, for a single-file ProfileSink, the TMB tally and the
variant-table rows) are computed column-wise; values that need Python's own rules (allele
fraction through float32, population AF, variant class, protein change) are computed once
per distinct text with the functions the fast loop uses. Every other line goes through the
fast loop itself, unchanged, in file order, so both engines count, build and write the
same. Anything the checks below do not cover makes the line, or its whole chunk, take the
fast loop. A file large enough for the two-process split (parallel.py) is read so in
both processes, each share column-wise with one polars thread.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from nenprofile.ingest.variants._fast.fastloop import Loop, _plain_fraction
from nenprofile.ingest.variants._fast.textvcf import (
    TextPathUnsupported,
    TextVCF,
    usual_counts_tags,
)
from nenprofile.ingest.variants.annotation import BIN_SHIFT, CsqParser, PositionBins
from nenprofile.ingest.variants.callers import Extractor
from nenprofile.ingest.variants.consequences import variant_class
from nenprofile.ingest.variants.consumers import RenamingConsumer, VariantConsumer
from nenprofile.ingest.variants.hgvs import THREE_TO_ONE, short_hgvsp
from nenprofile.ingest.variants.table import CHUNK_LINES, VariantTableWriter
from nenprofile.io.outputs import FORMULA_STARTS, format_cell
from nenprofile.model import PROTEIN_CHANGING_CLASSES, Variant
from nenprofile.reference.genes import normalise_chrom

CHUNK_BYTES = 16 << 20  # of text per polars frame: memory stays flat, overheads small
# compressed size from which the engine pays for importing polars (about 0.3 s) under
# engine='auto'; measured break-even (benchmarks/ingest/README.md)
MIN_BYTES = 8 << 20
_NUMBER = r"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
_DIGITS = r"^[0-9]{1,15}$"
_SINGLE_RESIDUE = r"^(?:[^%(]*:)?p\.[A-Z][a-z]{2}[0-9]+[A-Z][a-z]{2}$"
# a table cell needing the TSV dialect's escaping or formula guard (table._needs_encoding):
# a backslash anywhere or a formula character starting a cell after the first (the first,
# the chromosome, starts with 'chr'); one Aho-Corasick pass: 40 % less than a regex
_NEEDS_ENCODING = ["\\", *(f"\t{start}" for start in sorted(FORMULA_STARTS))]


class ColumnarFailed(Exception):
    """Something the engine does not cover went wrong: read the file again per line."""


def polars_available() -> bool:
    return importlib.util.find_spec("polars") is not None


def worth_columnar(reader: TextVCF) -> bool:
    """Under engine='auto': a file large enough to pay for the polars import, polars there."""
    return os.path.getsize(reader.path) >= MIN_BYTES and polars_available()


def _text_chunks(stream: IO[bytes], start: int = 0, stop: int | None = None) -> Iterator[bytes]:
    """The stream's text in pieces of whole lines (the last piece may lack its '\\n'),
    read ahead in a thread so inflating, reading and parsing overlap. Only lines beginning
    at text positions start <= p < stop (a split file's share, as textvcf.line_blocks)."""
    pieces: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=2)
    stop_reading = threading.Event()

    def put(item: bytes | BaseException | None) -> None:
        while not stop_reading.is_set():
            try:
                pieces.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def share() -> Iterator[bytes]:
        rest = b""
        pos = 0  # text position of rest[0]
        seeking = start > 0
        while not stop_reading.is_set():
            data = stream.read(CHUNK_BYTES)
            if not data:
                break
            data = rest + data
            rest = b""
            if seeking:  # the first line begins after the first newline at or after start - 1
                j = data.find(b"\n", max(start - 1 - pos, 0))
                if j == -1:
                    pos += len(data)
                    continue
                data, pos, seeking = data[j + 1 :], pos + j + 1, False
                if stop is not None and pos >= stop:
                    return
            if stop is not None and pos + len(data) >= stop:
                j = data.find(b"\n", max(stop - 1 - pos, 0))
                if j != -1:  # the line holding position stop - 1 ends at j: the last one
                    yield data[: j + 1]
                    return
            cut = data.rfind(b"\n") + 1
            rest = data[cut:]
            pos += cut
            if cut:
                yield data[:cut]
        if rest and not seeking:
            yield rest

    def read() -> None:
        try:
            for piece in share():
                put(piece)
            put(None)
        except BaseException as error:  # handed to the consuming thread
            put(error)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        while True:
            piece = pieces.get()
            if piece is None:
                return
            if isinstance(piece, BaseException):
                raise piece
            yield piece
    finally:
        stop_reading.set()
        thread.join()


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class BulkSink:
    """A single-file ProfileSink (possibly behind a RenamingConsumer): plain variants
    outside its genes only add to the TMB tally and the variant table, so these are
    computed column-wise."""

    def __init__(self, sink: Any, excluded: frozenset[str]) -> None:
        self.sink = sink
        self.excluded = excluded
        self.pending = 0  # characters added since the last flush

    @classmethod
    def of(cls, consumer: VariantConsumer) -> BulkSink | None:
        excluded: set[str] = set()
        inner: Any = consumer
        if isinstance(inner, RenamingConsumer):
            excluded |= inner._names
            inner = inner.inner
        # a profile_sink.ProfileSink says so (ingest does not import the jobs stage)
        bulk = getattr(type(inner), "adds_outside_genes_to_tally_and_table", False) is True
        if not bulk or inner.source is not None:
            return None
        genes = inner.genes
        if not isinstance(genes, (set, frozenset, list, tuple, dict)):
            return None  # a Container that cannot list its genes: Variants one by one
        excluded |= set(genes)
        return cls(inner, frozenset(excluded))

    def add_tally(self, counts: dict[str, int]) -> None:
        tally = self.sink.tally
        for name, value in counts.items():
            setattr(tally, name, getattr(tally, name) + value)

    def add_block(self, block: str) -> None:
        """Table lines (joined by '\\n') after those added so far. The writer's gzip stream
        is the same whichever pieces the text is written in (zlib without flushes)."""
        table: VariantTableWriter | None = self.sink.table
        if table is None:
            return
        table.lines.append(block)
        self.pending += len(block)
        if self.pending >= _BLOCK_FLUSH or len(table.lines) >= CHUNK_LINES:
            table.flush()
            self.pending = 0


@dataclass(frozen=True)
class RecordRules:
    """read_vcf's record filters, as the fast loop applies them."""

    check_gt: bool
    pass_only: bool
    allowed: frozenset[str]
    min_vaf: float
    min_depth: int


@dataclass(frozen=True)
class _Route:
    """The fast loop with what vcf._stream hands it: lines(...) reads lines through it."""

    loop: Loop
    one_record: Callable[[Any], None]
    counts: Any
    add: Callable[[Any], None]
    tally: list[int]
    chroms: dict[str, str]
    here: list[Any]

    def lines(self, lines: list[str]) -> None:
        self.loop([lines], self.one_record, self.counts, self.add, self.tally, self.chroms)


class ColumnarReader:
    """One file's plain-line rules (from the header) and its pass over the chunks."""

    def __init__(
        self,
        reader: TextVCF,
        parser: CsqParser,
        tags: tuple[str | None, str, str],
        rules: RecordRules,
        slow_bins: PositionBins,
        consumer: VariantConsumer,
    ) -> None:
        self.reader = reader
        self.parser = parser
        self.frac_tag, self.ad_tag, self.dp_tag = tags
        self.check_gt = rules.check_gt
        self.pass_only = rules.pass_only
        self.allowed = rules.allowed
        self.min_vaf = rules.min_vaf
        self.min_depth = rules.min_depth
        self.bins = slow_bins.bins
        self.consumer = consumer
        self.bulk = BulkSink.of(consumer)
        self.column = 9 + reader.tumor_index
        self.expected = reader.n_columns
        self.chroms: dict[str, str] = {}
        self.fractions: dict[str, float | None] = {}
        self.classes: dict[str, str] = {}
        self.proteins: dict[str, str | None] = {}
        self.cells: dict[float, str] = {}
        self.bin_series: dict[str, Any] = {}
        self.filters: dict[str, bool] = {}
        named = {0: "raw_chrom", 1: "raw_pos", 3: "ref", 4: "alt", 6: "filter", 7: "info",
                 8: "format", self.column: "sample"}  # fmt: skip
        self.columns = [named.get(i, f"column_{i}") for i in range(self.expected)]

    @staticmethod
    def applies(parser: CsqParser, tags: tuple[str | None, str, str] | None) -> bool:
        """Whether this file's layout is one the engine covers (else: the fast loop)."""
        rules = parser._rules
        pick_first = bool(rules) and parser.pick is not None and rules[0] == (parser.pick, "1")
        return tags is not None and tags[0] is not None and pick_first

    # -- the pass --------------------------------------------------------------------

    def run(
        self,
        loop: Loop,
        one_record: Callable[[Any], None],
        counts: Any,
        add: Callable[[Any], None],
        tally: list[int],
        chroms: dict[str, str],
        here: list[Any],
        threads: int = 1,
        share: tuple[IO[bytes], int] | None = None,
        stop: int | None = None,
    ) -> None:
        """add: what the fast loop hands its variants to (vcf.py's loop_add: a renaming
        consumer's inner add, the loop renaming itself). threads: the cores the job was
        given; polars uses as many, when this process imports it first and
        POLARS_MAX_THREADS is not set (Snakemake's threads hold). A split file's share
        (parallel.py): share, the worker's stream and where its lines begin (the caller
        closes and checks it); stop, where this process's lines end."""
        if "polars" not in sys.modules:
            os.environ.setdefault("POLARS_MAX_THREADS", str(max(1, threads)))
        import polars as pl

        self.pl = pl
        self.chroms = chroms
        reader = self.reader
        route = _Route(loop, one_record, counts, add, tally, chroms, here)
        if share is not None:
            handle, start = share
        else:
            handle, start = reader._open(), 0
            reader._handle = handle
        try:
            in_header = True
            for data in _text_chunks(handle, start, stop):
                if not data.isascii():
                    raise TextPathUnsupported("non-ASCII bytes")
                if in_header:
                    start = self._header_end(data)
                    if start == -1:  # header lines only so far
                        route.lines(_no_cr(_lines(data.decode())))
                        continue
                    in_header = False
                    if start:
                        head = data[:start].decode()
                        route.lines(_no_cr(_lines(head)))
                        data = data[start:]
                try:
                    self._chunk(data, route)
                except pl.exceptions.PolarsError as error:
                    raise ColumnarFailed(str(error)) from error
            proc = reader._proc if share is None else None
            finished = stop is None or (proc is not None and proc.poll() is not None)
            if proc is not None and finished and proc.wait() != 0:
                raise TextPathUnsupported("bgzip -dc failed")
        finally:
            if share is None:
                reader.close()

    @staticmethod
    def _header_end(data: bytes) -> int:
        """Offset of the first line not starting with '#', -1 when every line does."""
        at = 0
        while data.startswith(b"#", at):
            at = data.find(b"\n", at) + 1
            if at == 0:
                return -1
        return at if at < len(data) else -1

    def _chunk(self, data: bytes, route: _Route) -> None:
        frame = self._frame(data)
        if frame is None:  # the fast loop reads the whole chunk (and raises what it raises)
            route.lines(_no_cr(_lines(data.decode())))
            return
        counts = route.counts
        # records the fast loop only counts as filtered: counted here, and out of the way (the
        # first one of the file goes through the loop: the counters keep their key order)
        filtered = self._filtered(frame)
        if "filtered" not in counts and filtered.any():
            filtered = filtered.scatter(filtered.arg_true()[0], False)
        n_filtered = int(filtered.sum())
        if n_filtered:
            frame = frame.filter(~filtered)
        if frame.height:
            self._lines_in_order(frame, route)
        if n_filtered:  # after the loop has met the first filtered record of the file
            counts["filtered"] += n_filtered
            route.tally[0] += n_filtered

    def _lines_in_order(self, frame: Any, route: _Route) -> None:
        """The plain lines column-wise, the others through the loop, in file order."""
        # plain variants pass through the consumer's own add (a RenamingConsumer renames them);
        # route.add is the loop's, which renames itself
        add, here = self.consumer.add, route.here
        plain, rows = self._plain_rows(frame, here)
        runs: list[tuple[Any, tuple[Any, ...]]]
        if self.bulk is not None:
            plain, runs = self._bulk_runs(plain, rows)
        else:
            runs = self._variant_runs(plain, rows)
        # the lines left to the fast loop, as they were (every line has all its columns)
        others = (
            frame.filter(~plain)
            .select(self.pl.concat_str(self.columns, separator="\t"))
            .to_series()
            .to_list()
        )
        # the plain runs and the lines between them, in file order
        lengths = plain.rle().struct.unnest()
        k = o = n_plain = 0
        for length, is_plain in zip(
            lengths.get_column("len").to_list(), lengths.get_column("value").to_list(), strict=True
        ):
            if is_plain:
                content, last = runs[k]
                k += 1
                n_plain += length
                if self.bulk is not None:
                    self.bulk.add_block(content)
                else:
                    for variant in content:
                        add(variant)
                here[:] = [*last, None]  # duplicates.py's position state: the run's last variant
            else:
                route.lines(others[o : o + length])
                o += length
        route.tally[0] += n_plain
        route.tally[1] += n_plain

    def _frame(self, data: bytes) -> Any:
        """The chunk's columns, or None when the chunk holds something the engine leaves to
        the fast loop: '#' lines, carriage returns, lines with another number of columns,
        blank lines, empty cells."""
        pl = self.pl
        # b"\n#" is searched only when a '#' is there at all: eight times faster without
        if b"\r" in data or (b"#" in data and (b"\n#" in data or data.startswith(b"#"))):
            return None
        try:
            frame = pl.read_csv(
                data,
                has_header=False,
                separator="\t",
                quote_char=None,
                infer_schema=False,
                empty_string_is_null=False,
            )
        except pl.exceptions.PolarsError:
            return None
        if frame.width != self.expected or not self._every_line_whole(frame, data):
            return None
        frame.columns = self.columns
        return frame

    def _every_line_whole(self, frame: Any, data: bytes) -> bool:
        """Whether the frame holds every line of data as it is, each with the header's columns
        (a line with more makes polars raise). polars pads a line with fewer columns with
        empty cells, and a blank line is a row of them: no cell may be empty (the fast loop
        reads a chunk that has one). Then the cells' bytes, with a tab between cells and a
        newline after each row, add up to the text exactly where no line is lost either."""
        pl = self.pl
        if frame.height == 0:
            return False
        lengths = pl.all().str.len_bytes().cast(pl.Int64)
        shortest, *cells = frame.select(
            pl.min_horizontal(lengths.min()), lengths.sum().name.suffix("_bytes")
        ).row(0)
        text = len(data) + (not data.endswith(b"\n"))
        return shortest > 0 and sum(cells) + frame.height * self.expected == text

    def _filtered(self, frame: Any) -> Any:
        """Per line: one ALT and a FILTER the fast loop counts as filtered, before it looks at
        anything else of the line."""
        pl = self.pl
        c = pl.col
        if not self.pass_only:
            return pl.Series([False] * frame.height)
        allowed = self.allowed

        def is_filtered(flt: str) -> bool:
            if flt == "PASS" or flt == ".":
                return False
            return not (allowed and allowed.issuperset(flt.split(";")))

        by_filter = self._python_map(frame.get_column("filter"), is_filtered, self.filters,
                                     pl.Boolean)  # fmt: skip
        single = frame.select(
            ~c("alt").str.contains(",", literal=True) & (c("alt") != ".")
        ).to_series()
        return by_filter & single

    # -- which lines are plain -------------------------------------------------------

    def _python_map(
        self, series: Any, function: Callable[[Any], Any], cache: dict[Any, Any], dtype: Any
    ) -> Any:
        """function applied once per distinct value (remembered in cache); nulls stay."""
        values = series.drop_nulls().unique().to_list()
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        for value in values:
            if value not in cache:
                cache[value] = function(value)
        if not values:  # nulls only (replace_strict would keep the input's type)
            return self.pl.Series(series.name, [None] * series.len(), dtype=dtype)
        mapping = {value: cache[value] for value in values}
        return series.replace_strict(mapping, return_dtype=dtype)

    def _plain_rows(self, frame: Any, here: list[Any]) -> tuple[Any, Any]:
        """(per line: plain or not, the plain lines' Variant fields)."""
        pl = self.pl
        c = pl.col
        # FORMAT: the chunk's most common layout only; other layouts take the fast loop
        fmt = frame.get_column("format").mode().sort()[0]
        tags = fmt.split(":")
        positions = {tag: i for i, tag in enumerate(tags)}
        i_gt, i_ps = positions.get("GT"), positions.get("PS")
        i_af = positions.get(self.frac_tag or "")
        i_ad, i_dp = positions.get(self.ad_tag), positions.get(self.dp_tag)
        if i_af is None or i_ad is None or i_dp is None:
            return pl.Series([False] * frame.height), frame.clear()
        width = len(tags)
        # the chunk's chromosome names, normalised once per name
        for raw in frame.get_column("raw_chrom").unique().to_list():
            if raw not in self.chroms:
                self.chroms[raw] = normalise_chrom(raw)
        # one lazy query per stage: the sample's list of FORMAT values is split once for its
        # five uses (eagerly, polars split it per use: 3x the CPU), and only the columns
        # later steps read are kept
        parts = c("parts").list
        frame = (
            frame.lazy()
            .with_columns(parts=c("sample").str.split(":"), csq=self._first_entry(frame))
            .with_columns(
                chrom=c("raw_chrom").replace_strict(self.chroms, return_dtype=pl.String),
                pos=pl.when(c("raw_pos").str.contains(_DIGITS)).then(c("raw_pos").cast(pl.Int64)),
                n_parts=parts.len(),
                gt=_part(pl, parts, i_gt),
                af=_part(pl, parts, i_af),
                ad_alt=_part(pl, parts, i_ad).str.extract(r"^[^,]*,([0-9]{1,15})$", 1),
                dp=_part(pl, parts, i_dp),
            )
            .drop("parts", "info", "sample")
            .collect()
        )
        vaf = self._python_map(frame.get_column("af"), _plain_fraction, self.fractions, pl.Float64)
        lazy = frame.lazy().with_columns(
            vaf=vaf,
            alt_reads=c("ad_alt").cast(pl.Int64),
            depth=pl.when(c("dp").str.contains(_DIGITS)).then(c("dp").cast(pl.Int64)),
        )
        ok = (
            (c("format") == fmt)
            & (c("n_parts") == width)
            & ~c("alt").str.contains(",", literal=True)
            & (c("alt") != ".")
            & c("filter").is_in(["PASS", "."])
            & c("pos").is_not_null()
            & ~c("alt").str.contains(r"^[<*.]|\.$|\[|\]")
            & c("vaf").is_not_null()
            & (c("vaf") >= 0.0)
            & (c("vaf") <= 1.0)
            & c("alt_reads").is_not_null()
            & (c("alt_reads") >= 1)
            & c("depth").is_not_null()
            & c("csq").is_not_null()
            & (c("csq") != "")
        )
        if self.check_gt and i_gt is not None:
            ok = ok & c("gt").str.contains("1", literal=True)
            if i_ps is not None:
                ok = ok & ~c("gt").str.contains("|", literal=True)
        if self.min_vaf:
            ok = ok & (c("vaf") >= self.min_vaf)
        if self.min_depth:
            ok = ok & (c("depth") >= self.min_depth)
        # near a gene of interest or a build marker: the fast loop's general route
        for chrom in frame.get_column("chrom").unique().to_list():
            bins = self._bins_of(chrom)
            if bins is not None:
                ok = ok & ~(
                    (c("chrom") == chrom) & (c("pos") // (1 << BIN_SHIFT)).is_in(bins.implode())
                )
        # duplicates and unsorted records: a line is plain only after every earlier line of
        # its chromosome, in this chunk and the variant before it
        lazy = lazy.with_columns(before=c("pos").fill_null(0).shift(1).cum_max().over("chrom"))
        ok = ok & (c("before").is_null() | (c("pos") > c("before")))
        if here[0] is not None:
            ok = ok & ((c("chrom") != here[0]) | (c("pos") > here[1]))
        lazy = self._with_entry(lazy.with_columns(ok=ok.fill_null(False)))
        # only the columns _values reads: filtering INFO's long text or CSQ's lists costs
        pops = (f"pop_{k}" for k in range(len(self.parser.pop_af)))
        rows = lazy.select("plain", *_ROW_COLUMNS, *pops).collect()
        plain = rows.get_column("plain")
        return plain, self._values(rows.filter(plain).drop("plain"))

    def _first_entry(self, frame: Any) -> Any:
        """The first CSQ entry of INFO's CSQ key, at its start or after other keys (callers
        write theirs first, VEP appends CSQ), as info_text finds it: only where the first
        "CSQ" in INFO is that key (null where a flag, another key's name or an earlier
        value holds it: info_text decides those lines in the fast loop)."""
        pl = self.pl
        info = pl.col("info")
        if frame.get_column("info").str.starts_with("CSQ=").all():
            # the searches on INFO itself: slicing first would copy every line's CSQ
            return self._entry_head(info).str.slice(4)
        starts = info.str.starts_with("CSQ=")
        after = info.str.split_exact(";CSQ=", 1).struct.field("field_1")
        rest = pl.when(starts).then(info.str.slice(4)).otherwise(after)
        first_is_key = starts | (
            info.str.find("CSQ", literal=True) == info.str.find(";CSQ=", literal=True) + 1
        )
        return pl.when(first_is_key).then(self._entry_head(rest))

    def _entry_head(self, text: Any) -> Any:
        """text up to its first CSQ entry's end: its first ',' or ';', else all of it (head
        by a length: a third less than slice)."""
        never = 1 << 40
        return text.str.head(
            self.pl.min_horizontal(
                text.str.find(",", literal=True).fill_null(never),
                text.str.find(";", literal=True).fill_null(never),
            )
        )

    def _bins_of(self, chrom: str) -> Any:
        series = self.bin_series.get(chrom)
        if series is None:
            bins = self.bins.get(chrom)
            series = self.bin_series[chrom] = (
                self.pl.Series(sorted(bins), dtype=self.pl.Int64) if bins else False
            )
        return None if series is False else series

    def _with_entry(self, frame: Any) -> Any:
        """The first CSQ entry's fields (as CsqParser.parse_fields reads them) and the
        final 'plain' column: that entry is the PICK one with exactly the header's fields,
        its population AFs plain numbers."""
        pl = self.pl
        c = pl.col
        parser = self.parser
        # a list per entry (split_exact into a struct of every field costs 2.5x more)
        frame = frame.with_columns(entry=c("csq").str.split("|", inclusive=False))
        entry = c("entry").list

        def field(i: int | None) -> Any:
            return pl.lit("", pl.String) if i is None else entry.get(i, null_on_oob=True)

        pops = [field(i) for i in parser.pop_af]
        frame = frame.with_columns(
            consequence=field(parser.consequence),
            gene=field(parser.symbol),
            raw_hgvsc=field(parser.hgvsc),
            raw_hgvsp=field(parser.hgvsp),
            transcript=field(parser.feature),
            exon=field(parser.exon),
            clinvar=field(parser.clin_sig),
            existing=field(parser.existing),
            protein_position=field(parser.protein_position),
            amino_acids=field(parser.amino_acids),
            exact=entry.len() == parser.n,
            picked=field(parser.pick) == "1",
            **{f"pop_{k}": pop for k, pop in enumerate(pops)},
        )
        plain = c("ok") & c("exact") & c("picked")
        for k in range(len(pops)):
            pop = c(f"pop_{k}")
            plain = plain & ((pop == "") | pop.str.contains(_NUMBER))
        if self.bulk is not None:
            plain = plain & ~c("gene").is_in(list(self.bulk.excluded))
        return frame.with_columns(plain=plain.fill_null(False))

    # -- the plain rows' values ------------------------------------------------------

    def _values(self, rows: Any) -> Any:
        """The plain rows with their Variant fields, as fastloop computes them."""
        pl = self.pl
        c = pl.col
        pops = [population_numbers(pl, c(f"pop_{k}")) for k in range(len(self.parser.pop_af))]
        pop_af = pl.max_horizontal(*pops) if pops else pl.lit(None, pl.Float64)
        return rows.with_columns(
            population_af=pop_af,
            hgvsp=self._hgvsp(rows),
            variant_class=self._python_map(
                rows.get_column("consequence"), variant_class, self.classes, pl.String
            ),
            hgvsc=c("raw_hgvsc").str.split(":").list.last(),  # after the last ':' (2x a regex)
        ).with_columns(
            *(
                pl.when(c(name) != "").then(c(name)).alias(name)
                for name in (
                    "gene",
                    "consequence",
                    "transcript",
                    "exon",
                    "clinvar",
                    "existing",
                    "hgvsc",
                )
            ),
        )

    def _hgvsp(self, rows: Any) -> Any:
        """short_hgvsp of HGVSp, else the protein change from position and residues."""
        pl = self.pl
        raw = rows.get_column("raw_hgvsp")
        c = pl.col
        # the single-residue form 'p.Val600Glu' after HGVSp's last ':' (if any), each residue
        # code shortened as short_hgvsp does (a match without capture groups, then
        # Aho-Corasick: half the cost of extracting the parts by a regex)
        single = c("raw_hgvsp").str.contains(_SINGLE_RESIDUE)
        change = c("raw_hgvsp").str.split(":").list.last()
        result = rows.select(
            pl.when(single).then(change.str.replace_many(THREE_TO_ONE))
        ).to_series()
        # every other form: short_hgvsp itself, once per distinct value
        others = result.is_null() & (raw != "")
        if others.any():
            idx = others.arg_true()
            changes = self._python_map(raw.gather(idx), short_hgvsp, self.proteins, pl.String)
            result = result.scatter(idx, changes)
        positions, acids = rows.get_column("protein_position"), rows.get_column("amino_acids")
        residues = result.is_null() & (positions != "") & (acids != "")
        if residues.any():
            idx = residues.arg_true()
            pairs = zip(positions.gather(idx).to_list(), acids.gather(idx).to_list(), strict=True)
            changes = [self._residues(position, acid) for position, acid in pairs]
            result = result.scatter(idx, pl.Series(changes, dtype=pl.String))
        return result

    def _residues(self, position: str, acids: str) -> str | None:
        parser = self.parser
        entry = [""] * (parser.n + 1)
        entry[parser.protein_position] = position  # type: ignore[index]
        entry[parser.amino_acids] = acids  # type: ignore[index]
        return parser._hgvsp_from_residues(entry)

    def _variant_runs(self, plain: Any, values: Any) -> list[tuple[Any, tuple[Any, ...]]]:
        """Per plain run: its Variants and its last (chrom, pos, ref, alt)."""
        source = self.parser.source
        columns = [values.get_column(name).to_list() for name in _VARIANT_COLUMNS]
        make: Any = Variant  # positional, in the model's field order (as fastloop builds it)
        variants = [make(*fields, "PASS", source) for fields in zip(*columns, strict=True)]
        runs = []
        start = 0
        for length in _run_lengths(plain):
            last = variants[start + length - 1]
            runs.append((variants[start : start + length], (last.chrom, last.pos, last.ref,
                                                             last.alt)))  # fmt: skip
            start += length
        return runs

    def _bulk_runs(self, plain: Any, values: Any) -> tuple[Any, list[tuple[Any, tuple[Any, ...]]]]:
        """Per plain run: its variant-table lines (table.table_line) joined, and its last
        (chrom, pos, ref, alt); their TMB tally is added to the sink. Rows whose line would
        need the TSV dialect's escaping are left to the fast loop (plain turned off)."""
        pl = self.pl
        c = pl.col
        line = pl.concat_str(
            c("chrom"), c("pos").cast(pl.String), c("ref"), c("alt"),
            c("gene").fill_null(""), c("variant_class"), c("consequence").fill_null(""),
            c("hgvsc").fill_null(""), c("hgvsp").fill_null(""), c("transcript").fill_null(""),
            c("vaf_text"), c("depth").cast(pl.String), c("alt_reads").cast(pl.String),
            c("pop_text"), c("clinvar").fill_null(""), pl.lit("PASS"),
            pl.lit(self.parser.source), separator="\t",
        )  # fmt: skip
        if self.bulk.sink.table is None:  # type: ignore[union-attr]
            line = pl.lit("")  # no table to write
        else:
            values = values.with_columns(
                vaf_text=self._python_map(values.get_column("vaf"), format_cell, self.cells,
                                          pl.String),
                pop_text=self._python_map(values.get_column("population_af"), format_cell,
                                          self.cells, pl.String).fill_null(""),
            )  # fmt: skip
        values = values.with_columns(line=line)
        encode = values.get_column("line").str.contains_any(_NEEDS_ENCODING)
        if encode.any():
            plain = plain.scatter(plain.arg_true().filter(encode), False)
            values = values.filter(~encode)
        self.bulk.add_tally(self._tally(values))  # type: ignore[union-attr]
        starts = plain & ~plain.shift(1, fill_value=False)
        runs = (
            values.with_columns(run=starts.cum_sum().filter(plain))
            .group_by("run", maintain_order=True)
            .agg(
                c("line").str.join("\n"),
                c("chrom").last(),
                c("pos").last(),
                c("ref").last(),
                c("alt").last(),
            )
        )
        blocks = runs.get_column("line").to_list()
        lasts = zip(*(runs.get_column(n).to_list() for n in ("chrom", "pos", "ref", "alt")),
                    strict=True)  # fmt: skip
        return plain, list(zip(blocks, lasts, strict=True))

    def _tally(self, values: Any) -> dict[str, int]:
        """TmbTally.add over the rows, counted column-wise."""
        pl = self.pl
        c = pl.col
        settings = self.bulk.sink.tmb_settings  # type: ignore[union-attr]
        af, vaf = c("population_af"), c("vaf")
        eligible = (af.is_null() | (af < settings.max_population_af)) & (
            vaf >= settings.tmb_min_vaf
        )
        indel = c("ref").str.len_bytes() != c("alt").str.len_bytes()
        coding = c("variant_class").is_in(list(PROTEIN_CHANGING_CLASSES))
        summary = values.select(
            variants=pl.len(),
            unknown_class=(c("variant_class") == "unknown").sum(),
            coding=(eligible & coding).sum(),
            coding_indels=(eligible & coding & indel).sum(),
            any_class=eligible.sum(),
            any_class_indels=(eligible & indel).sum(),
        ).row(0, named=True)
        return {name: int(value) for name, value in summary.items()}


def _part(pl: Any, parts: Any, i: int | None) -> Any:
    """The i-th ':'-separated FORMAT value of the sample (null where it has fewer)."""
    return pl.lit(None, pl.String) if i is None else parts.get(i, null_on_oob=True)


def _run_lengths(plain: Any) -> list[int]:
    runs = plain.rle().struct.unnest()
    return [n for n, v in zip(runs.get_column("len").to_list(),
                              runs.get_column("value").to_list(), strict=True) if v]  # fmt: skip


_BLOCK_FLUSH = 1 << 20  # table text handed to gzip at least this often
_CACHE_LIMIT = 200_000  # distinct values remembered per cache (pathological files)
_VARIANT_COLUMNS = (
    "chrom",
    "pos",
    "ref",
    "alt",
    "gene",
    "variant_class",
    "consequence",
    "hgvsc",
    "hgvsp",
    "transcript",
    "exon",
    "vaf",
    "depth",
    "alt_reads",
    "population_af",
    "clinvar",
    "existing",
)
# what _values reads of a plain row: the Variant fields it does not compute, and the texts
# it computes the others from
_ROW_COLUMNS = (
    *(n for n in _VARIANT_COLUMNS if n not in ("variant_class", "hgvsc", "hgvsp", "population_af")),
    *("raw_hgvsc", "raw_hgvsp", "protein_position", "amino_acids"),
)


def _no_cr(lines: list[str]) -> list[str]:
    return [line.rstrip("\r") for line in lines]


def population_numbers(pl: Any, texts: Any) -> Any:
    """Population-AF fields (an expression) as largest_population_af reads them: '' is no
    value, a number (_NUMBER) float(text): polars parses decimal text to the same correctly
    rounded double, without a Python call per distinct text."""
    return texts.cast(pl.Float64, strict=False)


def columnar_reader(
    reader: TextVCF,
    parser: CsqParser,
    plan: list[Extractor],
    rules: RecordRules,
    slow_bins: PositionBins,
    consumer: VariantConsumer,
    *,
    always: bool,
) -> ColumnarReader | None:
    """The engine for a file the fast loop reads, or None where it does not apply: another
    layout, polars not installed, or (unless always) a file too small to pay for it."""
    tags = usual_counts_tags(reader, plan)
    if tags is None or not ColumnarReader.applies(parser, tags):
        return None
    if not (polars_available() if always else worth_columnar(reader)):
        return None
    return ColumnarReader(reader, parser, tags, rules, slow_bins, consumer)
