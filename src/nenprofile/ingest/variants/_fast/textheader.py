"""A VCF header read as text: the header lines and samples cyvcf2 would give, without
importing cyvcf2 and numpy (about 0.25 s) for a file the text path reads anyway.

htslib does not hand back the header as written: it inserts its own FILTER PASS line second,
drops the file's PASS line and repeated definitions, rewrites structured lines it parses
differently than written, adds the contigs a tabix index names, and refuses some headers
(vcf.c: vcf_hdr_read, bcf_hdr_parse, bcf_hdr_parse_line, bcf_hdr_add_hrec). So a header is
taken here only when every line is in a form htslib writes back unchanged; for anything
else plain_header returns None and the caller opens the file with cyvcf2 as before, which
reads (or refuses) it exactly as it always did.
"""

from __future__ import annotations

import gzip
import os
import re
import struct

from nenprofile.ingest.variants._fast.textvcf import _GZIP_MAGIC

PASS_LINE = '##FILTER=<ID=PASS,Description="All filters passed">'
MANDATORY = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
_MAX_HEADER_BYTES = 64 << 20  # a header larger than this is left to htslib
_MAX_INDEX_BYTES = 256 << 20
# a value htslib stores as written (but for spaces before a closing quote, which it trims):
# quoted without escapes, or bare without the characters its parser treats specially and
# without the spaces it trims
_VALUE = r'(?:"[^"\\]*"|[^\s,<>"\[\]](?:[^,<>"\[\]]*[^\s,<>"\[\]])?|)'
_PAIR = rf"[A-Za-z_][0-9A-Za-z_.]*={_VALUE}"
_STRUCTURED = re.compile(rf"<({_PAIR}(?:,{_PAIR})*)>")
_PAIR_SPLIT = re.compile(rf"([A-Za-z_][0-9A-Za-z_.]*)=({_VALUE})(?:,|$)")
_PRINTABLE = re.compile(r"[\x20-\x7e]*")
_HASHED = ("INFO", "FORMAT", "FILTER", "contig")  # htslib refuses these without an ID


def plain_header(path: str) -> tuple[list[str], list[str]] | None:
    """(header lines as cyvcf2's raw_header splits them, sample names), or None when htslib
    might read this header differently (or not at all): then ask cyvcf2."""
    if "##idx##" in path:
        return None
    indexed: list[str] = []  # the contigs a tabix index names: htslib adds those not declared
    index = next((name for name in _index_names(path) if os.path.exists(name)), None)
    if index is not None:
        names = None if index.endswith(".csi") else tabix_names(index)
        if names is None:
            return None
        indexed = names
    lines = _header_text(path)
    if lines is None:
        return None
    read = _as_htslib_reads(lines)
    if read is None or not indexed:
        return read
    header, samples = read
    declared = {_pairs(line[9:]).get("ID") for line in header if line.startswith("##contig=<")}
    added = [f"##contig=<ID={name}>" for name in indexed if name not in declared]
    return [*header[:-1], *added, header[-1]], samples


def tabix_names(index: str) -> list[str] | None:
    """The sequence names of a .tbi index, in its order, when the whole index is well formed
    (htslib reads it whole, or not at all); None otherwise."""
    try:
        with gzip.open(index, "rb") as handle:
            data = handle.read(_MAX_INDEX_BYTES + 1)
    except (OSError, EOFError):
        return None
    if len(data) > _MAX_INDEX_BYTES or data[:4] != b"TBI\x01" or len(data) < 36:
        return None
    try:
        # n_ref, format, col_seq, col_beg, col_end, meta, skip, l_nm
        n_ref, *_, l_nm = struct.unpack_from("<8i", data, 4)
        at = 36 + l_nm
        names = data[36:at].split(b"\0")
        if n_ref < 0 or l_nm < 0 or names[-1] != b"" or len(names) - 1 != n_ref:
            return None
        for _ in range(n_ref):
            (n_bin,) = struct.unpack_from("<i", data, at)
            at += 4
            for _ in range(n_bin):
                (n_chunk,) = struct.unpack_from("<i", data, at + 4)
                at += 8 + 16 * n_chunk
            (n_intv,) = struct.unpack_from("<i", data, at)
            at += 4 + 8 * n_intv
    except struct.error:
        return None
    if len(data) not in (at, at + 8):  # optionally the count of unplaced reads
        return None
    try:
        return [name.decode("ascii") for name in names[:-1]]
    except UnicodeDecodeError:
        return None


def _index_names(path: str) -> list[str]:
    """Where htslib looks for a file's index (hts.c idx_test_and_fetch): x.vcf.gz.csi,
    x.vcf.csi, x.vcf.gz.tbi, x.vcf.tbi."""
    dot = path.rfind(".")  # anywhere in the path, as htslib searches
    stem = path[:dot] if dot > 0 else path
    return [path + ".csi", stem + ".csi", path + ".tbi", stem + ".tbi"]


def _header_text(path: str) -> list[str] | None:
    """The lines up to and including #CHROM, or None (no #CHROM line, not text, too big)."""
    lines: list[str] = []
    size = 0
    try:
        with open(path, "rb") as probe:
            compressed = probe.read(2) == _GZIP_MAGIC
        with gzip.open(path, "rb") if compressed else open(path, "rb") as handle:
            for raw in handle:
                size += len(raw)
                if size > _MAX_HEADER_BYTES or not raw.endswith(b"\n"):
                    return None
                line = raw[:-1].decode("ascii")
                lines.append(line)
                if not line.startswith("##"):
                    return lines
    except (OSError, EOFError, UnicodeDecodeError):
        return None
    return None


def _as_htslib_reads(lines: list[str]) -> tuple[list[str], list[str]] | None:
    *meta, chrom_line = lines
    samples = _samples(chrom_line)
    if samples is None or not meta or not meta[0].startswith("##fileformat=VCF"):
        return None
    kept = [meta[0], PASS_LINE]
    seen_lines: set[str] = set()
    seen_ids: set[tuple[str, str]] = set()
    for index, line in enumerate(meta):
        if line in seen_lines or not _PRINTABLE.fullmatch(line):
            return None  # htslib drops a repeated line
        seen_lines.add(line)
        key, equals, value = line[2:].partition("=")
        if not equals or not key:
            return None
        if not value.startswith("<"):
            if key in _HASHED:
                return None  # htslib drops such a line
            if index:
                kept.append(line)
            continue
        match = _STRUCTURED.fullmatch(value)
        if match is None:
            return None
        found = _PAIR_SPLIT.findall(match.group(1))
        if ",".join(f"{name}={text}" for name, text in found) != match.group(1):
            return None
        pairs = dict(found)
        identity = pairs.get("ID")
        if len(pairs) != len(found) or "IDX" in pairs or (key in _HASHED and not identity):
            return None
        if key == "contig" and not pairs.get("length", "0").isdigit():
            return None
        if identity is not None:
            if (key, identity) in seen_ids:
                return None  # htslib keeps the first definition only
            seen_ids.add((key, identity))
            if key == "FILTER" and identity == "PASS":
                continue  # htslib's own PASS line stands in its place
        trimmed = (f"{name}={_trim(text)}" for name, text in found)
        kept.append(f"##{key}=<{','.join(trimmed)}>")
    return [*kept, chrom_line], samples


def _trim(value: str) -> str:
    """A value as htslib writes it back: without spaces before its closing quote."""
    return f'"{value[1:-1].rstrip(" ")}"' if value.startswith('"') else value


def _pairs(value: str) -> dict[str, str]:
    """key -> value (quotes kept, as htslib keeps them) of a structured line's <...>."""
    match = _STRUCTURED.fullmatch(value)
    return dict(_PAIR_SPLIT.findall(match.group(1))) if match else {}


def _samples(line: str) -> list[str] | None:
    """The sample columns of a #CHROM line htslib reads as written; None otherwise."""
    if line == MANDATORY:
        return []
    if not line.startswith(MANDATORY + "\tFORMAT\t"):
        return None
    samples = line[len(MANDATORY) + 8 :].split("\t")
    if any(not s or s[0] == " " or not _PRINTABLE.fullmatch(s) for s in samples):
        return None
    if len(set(samples)) != len(samples):
        return None
    return samples
