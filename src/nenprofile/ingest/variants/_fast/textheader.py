"""A VCF header read as text: the header lines and samples cyvcf2 would give, without
importing cyvcf2 and numpy (about 0.25 s) for a file the text path reads anyway.

htslib does not hand back the header as written: it inserts its own FILTER PASS line second,
drops the file's PASS line and repeated definitions, rewrites structured lines it parses
differently than written, adds contigs named by a tabix index, and refuses some headers
(vcf.c: vcf_hdr_read, bcf_hdr_parse, bcf_hdr_parse_line, bcf_hdr_add_hrec). So a header is
taken here only when every line is in a form htslib writes back unchanged; for anything
else plain_header returns None and the caller opens the file with cyvcf2 as before, which
reads (or refuses) it exactly as it always did.
"""

from __future__ import annotations

import gzip
import os
import re

from nenprofile.ingest.variants._fast.textvcf import _GZIP_MAGIC

PASS_LINE = '##FILTER=<ID=PASS,Description="All filters passed">'
MANDATORY = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
_MAX_HEADER_BYTES = 64 << 20  # a header larger than this is left to htslib
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
    if "##idx##" in path or any(os.path.exists(index) for index in _index_names(path)):
        return None  # htslib adds the contigs an index names to the header
    lines = _header_text(path)
    if lines is None:
        return None
    return _as_htslib_reads(lines)


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
