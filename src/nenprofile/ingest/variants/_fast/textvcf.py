"""Raw-text VCF records that answer the subset of cyvcf2's Variant API that vcf.py uses.

Why: cyvcf2 alone costs about 2x `bcftools view` on a VEP-annotated file, so the ingest
cannot meet its speed target through it. Here each line is split once on tabs; INFO is
searched only for the keys asked for and FORMAT values are converted only for the tags
asked for, in the tumor column (all columns only when padding across samples matters).

Values mimic cyvcf2 exactly where vcf.py looks at them: FORMAT Float values are rounded
through float32 (htslib stores float32), missing numeric values are nan / the int32
missing sentinel, vectors shorter than another sample's are padded with the vector-end
sentinel, String values are the raw text ('.' when the column lacks the field), and
gt_types reports UNKNOWN only when every allele of GT is missing. Anything this module
does not reproduce (non-ASCII bytes, malformed lines, INFO flags for String keys, INFO
vectors, unparsable numbers) raises TextPathUnsupported and vcf.py re-reads the file
with cyvcf2.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from array import array
from collections.abc import Callable, Iterator
from typing import IO, Any, cast

from nenprofile.ingest.variants.callers import (
    Counts,
    Extractor,
    _allelic_depth_only,
    extract_counts,
)

INT_MISSING = -2147483648  # htslib bcf_int32_missing, as cyvcf2 returns it
INT_VECTOR_END = -2147483647
GT_UNKNOWN = 2  # cyvcf2 gt_types code for ./.
GT_CALLED = 1  # any other genotype; vcf.py only distinguishes UNKNOWN
_NAN = float("nan")
_GZIP_MAGIC = b"\x1f\x8b"


class TextPathUnsupported(Exception):
    """The file (or a record of it) needs cyvcf2's full parser."""


_FLOAT32_CELL = array("f", [0.0])  # storing a float here rounds it to float32


def float32(value: float) -> float:
    """The Python float cyvcf2 returns for a value htslib stored as float32 (inf beyond)."""
    _FLOAT32_CELL[0] = value
    return _FLOAT32_CELL[0]


class Values(list[float | None]):
    """One sample's numeric FORMAT values; .tolist() like the numpy row cyvcf2 returns."""

    def tolist(self) -> list[Any]:
        return self


def _numeric(text: str, is_float: bool) -> Values:
    out = Values()
    for part in text.split(","):
        if part == "." or not part:
            out.append(_NAN if is_float else INT_MISSING)
        elif is_float:
            try:
                out.append(float32(float(part)))
            except ValueError as error:
                raise TextPathUnsupported(f"not a number: {part!r}") from error
        else:
            try:
                out.append(int(part))
            except ValueError as error:
                raise TextPathUnsupported(f"not an integer: {part!r}") from error
    return out


def info_text(text: str, key: str) -> str | None:
    """Raw value of one INFO key ('CSQ' in 'DP=5;CSQ=...;X'); None when absent."""
    start = text.find(key)
    while start != -1:
        end = start + len(key)
        if start == 0 or text[start - 1] == ";":
            if end == len(text) or text[end] == ";":
                raise TextPathUnsupported(f"INFO {key} without a value")
            if text[end] == "=":
                stop = text.find(";", end)
                return text[end + 1 :] if stop == -1 else text[end + 1 : stop]
        start = text.find(key, end)
    return None


class Info:
    """INFO column searched lazily, one key at a time (String, Integer/Float scalars)."""

    __slots__ = ("text", "types")

    def __init__(self, text: str, types: dict[str, str]) -> None:
        self.text = text
        self.types = types

    def get(self, key: str, default: Any = None) -> Any:
        raw = info_text(self.text, key)
        return default if raw is None else self._typed(key, raw)

    def _typed(self, key: str, raw: str) -> Any:
        kind = self.types.get(key, "String")
        if kind == "String":
            return raw
        if raw == ".":
            return None
        if "," in raw or kind not in ("Float", "Integer"):
            raise TextPathUnsupported(f"INFO {key} of type {kind} with value {raw!r}")
        values = _numeric(raw, kind == "Float")
        return values[0]


class Record:
    """One data line. Attribute names follow cyvcf2.Variant."""

    __slots__ = ("_parts", "fields", "reader")

    def __init__(self, fields: list[str], reader: TextVCF) -> None:
        self.fields = fields
        self.reader = reader
        self._parts: dict[int, list[str]] = {}

    @property
    def CHROM(self) -> str:
        return self.fields[0]

    @property
    def POS(self) -> int:
        try:
            return int(self.fields[1])
        except ValueError as error:
            raise TextPathUnsupported(f"POS {self.fields[1]!r}") from error

    @property
    def REF(self) -> str:
        return self.fields[3]

    @property
    def ALT(self) -> list[str]:
        alt = self.fields[4]
        return [] if alt == "." else alt.split(",")

    @property
    def FILTER(self) -> str | None:
        value = self.fields[6]
        return None if value == "PASS" or value == "." else value

    @property
    def INFO(self) -> Info:
        return Info(self.fields[7], self.reader.info_types)

    @property
    def gt_types(self) -> dict[int, int]:
        s = self.reader.tumor_index
        gt = self._sample_field(s, "GT")
        if gt is None:
            raise TextPathUnsupported("GT requested where the record has none")
        return {s: GT_UNKNOWN if not gt.strip("./|") else GT_CALLED}

    @property
    def genotypes(self) -> dict[int, list[Any]]:
        """The tumor column's GT as cyvcf2's genotypes row: allele indices (-1 missing),
        then True when phased."""
        s = self.reader.tumor_index
        gt = self._sample_field(s, "GT")
        if gt is None:
            raise TextPathUnsupported("GT requested where the record has none")
        alleles = gt.replace("|", "/").split("/")
        try:
            row: list[Any] = [-1 if a == "." else int(a) for a in alleles]
        except ValueError as error:
            raise TextPathUnsupported(f"GT {gt!r}") from error
        row.append("|" in gt)
        return {s: row}

    def _layout(self) -> dict[str, int]:
        fmt = self.fields[8]
        layouts = self.reader.layouts
        layout = layouts.get(fmt)
        if layout is None:
            layout = layouts[fmt] = {tag: i for i, tag in enumerate(fmt.split(":"))}
        return layout

    def sample_parts(self, s: int) -> list[str]:
        parts = self._parts.get(s)
        if parts is None:
            parts = self._parts[s] = self.fields[9 + s].split(":")
        return parts

    def _sample_field(self, s: int, tag: str) -> str | None:
        """Raw text of one FORMAT tag in sample s; None when FORMAT lacks the tag, '.' when
        the sample column is cut short."""
        if len(self.fields) < 10:
            return None
        i = self._layout().get(tag)
        if i is None:
            return None
        parts = self.sample_parts(s)
        return parts[i] if i < len(parts) else "."

    def format(self, tag: str) -> Any:
        """Per-sample rows of one FORMAT tag, indexable by sample; None when absent."""
        reader = self.reader
        kind = reader.format_types.get(tag, "String")
        if kind not in ("String", "Float", "Integer"):
            raise TextPathUnsupported(f"FORMAT {tag} of type {kind}")
        if reader.n_samples == 1 or kind == "String":
            s = reader.tumor_index
            raw = self._sample_field(s, tag)
            if raw is None:
                return None
            return {s: raw if kind == "String" else _numeric(raw, kind == "Float")}
        rows = []
        for s in range(reader.n_samples):
            raw = self._sample_field(s, tag)
            if raw is None:
                return None
            rows.append(_numeric(raw, kind == "Float"))
        width = max(len(row) for row in rows)
        pad = _NAN if kind == "Float" else INT_VECTOR_END
        for row in rows:
            row.extend([pad] * (width - len(row)))
        return rows


def _int_or_none(text: str) -> int | None:
    if text == "." or not text:
        return None
    try:
        value = int(text)
    except ValueError as error:
        raise TextPathUnsupported(f"not an integer: {text!r}") from error
    return None if value < -2_000_000_000 else value


def _fraction_and_depths(
    parts: list[str], i_frac: int | None, i_ad: int | None, i_dp: int | None, a: int
) -> Counts | None:
    """callers._fraction_field(tag) then callers._allelic_depth_only on one sample's raw
    FORMAT strings (fraction Float, AD and DP Integer; no padding: single-ALT or one sample)."""
    n = len(parts)
    ad_texts: list[str] | None = None
    alt_reads = None
    if i_ad is not None:
        ad_texts = (parts[i_ad] if i_ad < n else ".").split(",")
        if len(ad_texts) > a:
            text = ad_texts[a]
            alt_reads = int(text) if text.isdigit() else _int_or_none(text)
    depth = None
    if i_dp is not None:
        text = parts[i_dp] if i_dp < n else "."
        depth = int(text) if text.isdigit() else _int_or_none(text.split(",", 1)[0])
    if i_frac is not None:
        text = parts[i_frac] if i_frac < n else "."
        if "," in text:
            values = text.split(",")
            text = values[a - 1] if len(values) >= a else values[0]
        if text != "." and text:
            cell = _FLOAT32_CELL
            try:
                cell[0] = float(text)  # stored as float32, as htslib does
            except ValueError as error:
                raise TextPathUnsupported(f"not a number: {text!r}") from error
            vaf = cell[0]
            if vaf == vaf and vaf >= -2_000_000_000:  # nan is missing
                if depth is None and alt_reads is not None:
                    depth = _known_sum(ad_texts)  # type: ignore[arg-type]
                return round(vaf, 6), depth, alt_reads
    if alt_reads is None:
        return None
    total = _known_sum(ad_texts)  # type: ignore[arg-type]
    return (round(alt_reads / total, 6) if total else None), depth or total, alt_reads


def _known_sum(texts: list[str]) -> int:
    return sum(x for x in map(_int_or_none, texts) if x is not None)


CountsFunction = Callable[[Any, list[Extractor], int, int, str, str], Counts]


def usual_counts_tags(reader: TextVCF, plan: list[Extractor]) -> tuple[str | None, str, str] | None:
    """(fraction tag or None, 'AD', 'DP') when the plan is [AF/FA/VF,] AD-only and the header
    types are the usual Float / Integer ones; None otherwise."""
    tag = getattr(plan[0], "fraction_tag", None) if plan else None
    usual = plan[1:] == [_allelic_depth_only] and tag is not None
    usual = usual or plan == [_allelic_depth_only]
    types = reader.format_types
    if not usual or types.get("AD") != "Integer" or types.get("DP", "Integer") != "Integer":
        return None
    if tag is not None and types.get(tag) != "Float":
        return None
    return tag, "AD", "DP"


def counts_function(reader: TextVCF, plan: list[Extractor]) -> CountsFunction:
    """extract_counts, or a faster equivalent for the usual FORMAT layout (AF/FA/VF + AD + DP)."""
    tags = usual_counts_tags(reader, plan)
    if tags is None:
        return extract_counts
    indices: dict[str, tuple[int | None, ...]] = {}
    s = reader.tumor_index
    several = reader.n_samples > 1

    def fast(plan: list[Extractor], v: Any, s_: int, a: int, ref: str, alt: str) -> Counts:
        fields = v.fields
        if len(fields) < 10 or (several and a > 1):
            return extract_counts(plan, v, s_, a, ref, alt)
        fmt = fields[8]
        where = indices.get(fmt)
        if where is None:
            layout = v._layout()
            where = indices[fmt] = tuple(layout.get(t) if t else None for t in tags)
        counts = _fraction_and_depths(v.sample_parts(s), where[0], where[1], where[2], a)
        return counts if counts is not None else extract_counts(plan[2:], v, s_, a, ref, alt)

    return fast


BLOCK_BYTES = 1 << 20


def line_blocks(stream: IO[bytes], start: int = 0, stop: int | None = None) -> Iterator[list[str]]:
    """The stream's lines in lists of about BLOCK_BYTES of text: split on '\n' only, trailing
    '\r's removed, ASCII or TextPathUnsupported, a last line without '\n' kept. Only lines
    beginning at text positions start <= p < stop (a split file's share; see parallel.py)."""
    rest = ""
    pos = 0  # text position of rest[0]
    seeking = start > 0
    while True:
        data = stream.read(BLOCK_BYTES)
        if not data:
            break
        try:
            text = rest + data.decode("ascii")
        except UnicodeDecodeError as error:
            raise TextPathUnsupported("non-ASCII bytes") from error
        rest = ""
        if seeking:  # the first line begins after the first '\n' at or after start - 1
            j = text.find("\n", max(start - 1 - pos, 0))
            if j == -1:
                pos += len(text)
                continue
            text = text[j + 1 :]
            pos += j + 1
            seeking = False
            if stop is not None and pos >= stop:
                return
        if stop is not None and pos + len(text) >= stop:
            j = text.find("\n", max(stop - 1 - pos, 0))
            if j != -1:  # the line holding position stop - 1 ends at j: the last one
                yield _strip_cr(text[:j].split("\n"), text)
                return
        lines = text.split("\n")
        rest = lines.pop()
        pos += len(text) - len(rest)
        yield _strip_cr(lines, text)
    if rest and not seeking:
        yield [rest.rstrip("\r")]


def _strip_cr(lines: list[str], text: str) -> list[str]:
    return [line.rstrip("\r") for line in lines] if "\r" in text else lines


class TextVCF:
    """Iterate a plain or gzip/bgzip VCF as Records; `bgzip -dc` does the inflating when
    bgzip is on PATH (it runs in parallel with this process)."""

    def __init__(
        self,
        path: str,
        samples: list[str],
        tumor_index: int,
        info_types: dict[str, str],
        format_types: dict[str, str],
    ) -> None:
        self.path = path
        self.n_samples = len(samples)
        self.samples = samples
        self.tumor_index = tumor_index
        self.info_types = info_types
        self.format_types = format_types
        self.layouts: dict[str, dict[str, int]] = {}
        self.fast_loop_only = False  # set by vcf._stream_any for engine='auto'
        self.split = False  # True: may read a large bgzipped file in two processes (parallel.py)
        self._proc: subprocess.Popen[bytes] | None = None
        self._handle: IO[bytes] | None = None

    @property
    def n_columns(self) -> int:
        return 8 if self.n_samples == 0 else 9 + self.n_samples

    def _open(self) -> IO[bytes]:
        with open(self.path, "rb") as probe:
            compressed = probe.read(2) == _GZIP_MAGIC
        if not compressed:
            return open(self.path, "rb")
        bgzip = shutil.which("bgzip")
        if bgzip:
            self._proc = subprocess.Popen(
                [bgzip, "-dc", "-@2", self.path],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=BLOCK_BYTES,
            )
            assert self._proc.stdout is not None
            return self._proc.stdout
        return cast(IO[bytes], gzip.open(self.path, "rb"))

    def blocks(self, stop: int | None = None) -> Iterator[list[str]]:
        """The file's lines (header included) in blocks, up to the line holding text
        position stop - 1 when stop is given; see line_blocks."""
        handle = self._handle = self._open()
        try:
            yield from line_blocks(handle, stop=stop)
            proc = self._proc
            finished = stop is None or (proc is not None and proc.poll() is not None)
            if proc is not None and finished and proc.wait() != 0:
                raise TextPathUnsupported("bgzip -dc failed")
        finally:
            self.close()

    def lines(self) -> Iterator[list[str]]:
        """Tab-split data lines; '#' lines skipped, #CHROM checked against the samples."""
        expected = self.n_columns
        for block in self.blocks():
            for line in block:
                if line[:1] == "#":
                    self.header_line(line)
                    continue
                fields = line.split("\t")
                if len(fields) != expected:
                    raise TextPathUnsupported(f"{len(fields)} columns, expected {expected}")
                yield fields

    def header_line(self, line: str) -> None:
        """A '#' line met among the lines: the #CHROM line must name the parsed samples."""
        if line.startswith("#CHROM"):
            columns = line.split("\t")[9:]
            if columns != self.samples:
                raise TextPathUnsupported("#CHROM sample columns differ from the parsed header")

    def __iter__(self) -> Iterator[Record]:
        for fields in self.lines():
            yield Record(fields, self)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
