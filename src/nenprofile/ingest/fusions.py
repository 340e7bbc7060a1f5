"""Fusion caller output (Arriba, STAR-Fusion, FusionCatcher, LINX, JAFFA, cBioPortal SV, a
simple gene5/gene3 table) to gene pairs with their read support.

Formats, detected from the header:

- Arriba fusions.tsv (#gene1, gene2, ..., split_reads1, split_reads2, discordant_mates,
  confidence, reading_frame): gene1 is the 5' partner. An intergenic breakpoint lists the
  closest genes with distances, "GENEA(1234),GENEB(555)"; the closest gene is used.
  Supporting reads = split_reads1 + split_reads2 + discordant_mates. Rows with confidence
  'low' are skipped unless keep_low=True. in_frame from reading_frame (in-frame -> True,
  out-of-frame / stop-codon -> False, '.' -> None).
- STAR-Fusion fusion_predictions(.abridged).tsv (#FusionName "A--B", JunctionReadCount,
  SpanningFragCount, LeftGene "A^ENSG...", RightGene, optional PROT_FUSION_TYPE): LeftGene is
  the 5' partner. Supporting reads = JunctionReadCount + SpanningFragCount. in_frame from
  PROT_FUSION_TYPE (INFRAME -> True, FRAMESHIFT -> False, otherwise None).
- FusionCatcher final-list_candidate-fusion-genes.txt (Gene_1_symbol(5end_fusion_partner),
  Gene_2_symbol(3end_fusion_partner), Spanning_pairs, Spanning_unique_reads,
  Predicted_effect): split reads = Spanning_unique_reads, supporting = both.
- LINX linx.fusion.tsv (geneStart = 5', geneEnd = 3', reported, phased): DNA-based, no read
  counts; the caller's confidence is 'reported' when LINX reports the fusion.
- JAFFA jaffa_results.csv ("fusion genes" A:B, "spanning reads", "spanning pairs", inframe,
  classification HighConfidence/MediumConfidence/LowConfidence).
- cBioPortal data_sv.txt (Site1_Hugo_Symbol = 5', Site2_Hugo_Symbol = 3',
  Tumor_Split_Read_Count, Tumor_Paired_End_Read_Count, Site2_Effect_On_Frame, Sample_Id).
- simple table: gene5 and gene3 columns (optional supporting_reads, split_reads and
  in_frame columns).

MET::MET rows of Arriba and STAR-Fusion get their fused exons from the junction coordinates
(breakpoint1/breakpoint2, LeftBreakpoint/RightBreakpoint) when these are MET exon 13-15
boundaries (reference.met_exon14.MET_EXON_BOUNDARIES): exon 13 joined to exon 15 is exon 14
skipping. Neither caller looks for exon skips within a gene (suhrig/arriba#162,
STAR-Fusion/STAR-Fusion#246), so such rows are rare and a file without them says nothing
about MET exon 14.

A gene pair reported on several rows (several breakpoints or isoforms) becomes one Fusion
with the largest read support; in_frame is True if any row is in frame, else False if any
row is out of frame, else None.

Evidence (FusionEvidence, config `fusions`): a fusion is 'supported' when the caller's own
confidence is trusted (Arriba/JAFFA high or medium, LINX reported) or when it has at least
min_supporting_reads reads of which at least min_split_reads cross the junction; else it is
'low-support' (never called oncogenic, drives no therapy). Without read counts and without a
caller confidence (a simple table with no reads column) support is 'not assessed'.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nenprofile.errors import InputError
from nenprofile.ingest.genenames import GeneRenamer
from nenprofile.io.textfiles import iter_lines, split_fields
from nenprofile.model import Fusion
from nenprofile.reference.met_exon14 import MET_EXON_BOUNDARIES
from nenprofile.settings import Settings

ACCEPTED_FORMATS = (
    "Arriba fusions.tsv (#gene1, gene2, split_reads1, split_reads2, discordant_mates, "
    "confidence, ...); STAR-Fusion fusion_predictions.tsv (#FusionName, JunctionReadCount, "
    "SpanningFragCount, LeftGene, RightGene, ...); FusionCatcher "
    "final-list_candidate-fusion-genes.txt; LINX linx.fusion.tsv; JAFFA jaffa_results.csv; "
    "cBioPortal data_sv.txt (Site1_Hugo_Symbol, Site2_Hugo_Symbol, ...); simple table "
    "(gene5, gene3 [, supporting_reads, split_reads, in_frame])"
)
# the layouts read_fusions recognises from the header
ARRIBA = "Arriba"
STAR_FUSION = "STAR-Fusion"
FUSIONCATCHER = "FusionCatcher"
LINX = "LINX"
JAFFA = "JAFFA"
CBIOPORTAL_SV = "cBioPortal SV"
SIMPLE = "gene5/gene3 table"
ARRIBA_COLUMNS = ("gene1", "gene2", "split_reads1", "split_reads2", "discordant_mates")
STAR_FUSION_COLUMNS = ("fusionname", "junctionreadcount", "spanningfragcount")
FUSIONCATCHER_COLUMNS = (
    "gene_1_symbol(5end_fusion_partner)",
    "gene_2_symbol(3end_fusion_partner)",
    "spanning_pairs",
    "spanning_unique_reads",
)
LINX_COLUMNS = ("genestart", "geneend", "reported", "phased")
JAFFA_COLUMNS = ("fusion genes", "spanning reads", "spanning pairs")
CBIOPORTAL_SV_COLUMNS = ("site1_hugo_symbol", "site2_hugo_symbol")
SIMPLE_COLUMNS = ("gene5", "gene3")
SUPPORTED = "supported"
LOW_SUPPORT = "low-support"
NOT_ASSESSED = "not assessed"
_INTERGENIC_GENE = re.compile(r"^\s*([^()\s]+)\s*\((\d+)\)\s*$")
_MISSING = {"", ".", "NA", "N/A"}
_TRUE_WORDS = {"true", "yes", "1", "in-frame", "inframe", "in_frame"}
_FALSE_WORDS = {"false", "no", "0", "out-of-frame", "frameshift", "out_of_frame", "stop-codon"}
_JAFFA_CONFIDENCE = {
    "highconfidence": "high",
    "mediumconfidence": "medium",
    "lowconfidence": "low",
    "potentialtransrearrangement": "low",
}

# LINX 'phased': SKIPPED_EXONS is in frame only if the skipping happens, so not stated
_LINX_PHASE = {"INFRAME": True, "OUT_OF_FRAME": False}
# caller confidence words, weakest first; a pair seen on several rows keeps its strongest
_CONFIDENCE_RANK = {"unreported": 0, "low": 1, "medium": 2, "high": 3, "reported": 3}
_BREAKPOINT = re.compile(r"^(?:chr)?([0-9XYMT]+):(\d+)(?::[+-])?$", re.IGNORECASE)


@dataclass(frozen=True)
class FusionEvidence:
    """How much support a fusion needs before it can be called oncogenic (config `fusions`;
    defaults in workflow/schemas/config.schema.yaml)."""

    min_supporting_reads: int
    min_split_reads: int
    trusted_confidence: tuple[str, ...]  # caller confidence words that suffice on their own

    @classmethod
    def from_settings(cls, settings: Settings) -> FusionEvidence:
        fusions = settings.fusions
        return cls(
            min_supporting_reads=fusions.min_supporting_reads,
            min_split_reads=fusions.min_split_reads,
            trusted_confidence=tuple(word.lower() for word in fusions.trusted_confidence),
        )


@dataclass
class FusionInput:
    """The fusions of one file and what reading it did (ingest.json `fusions`)."""

    fusions: list[Fusion]
    disclosure: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Table:
    path: Path
    columns: dict[str, int]  # lower-case name -> index
    header: list[str]  # names as written, for messages
    rows: list[tuple[int, list[str]]]

    def get(self, fields: list[str], column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(fields):
            return ""
        return fields[index].strip()

    def name(self, column: str) -> str:
        """The header name as written, for messages."""
        return self.header[self.columns[column]]

    def count(self, line: int, fields: list[str], column: str) -> int:
        text = self.get(fields, column)
        if text in _MISSING:
            return 0
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not math.isfinite(value) or value < 0 or value != int(value):
            raise InputError(
                f"expected a read count, found '{text}'",
                path=str(self.path),
                line=line,
                column=self.header[self.columns[column]],
                fix="read counts must be whole non-negative numbers",
            )
        return int(value)


def read_fusions(
    path: str | Path,
    *,
    evidence: FusionEvidence,
    keep_low: bool = False,
    sample: str | None = None,
) -> list[Fusion]:
    """Fusions from any supported caller file (module docstring), support assessed."""
    return read_fusion_file(path, evidence=evidence, keep_low=keep_low, sample=sample).fusions


def read_fusion_file(
    path: str | Path,
    *,
    evidence: FusionEvidence,
    keep_low: bool = False,
    sample: str | None = None,
) -> FusionInput:
    """read_fusions plus the disclosure: rows read, rows skipped by reason, rows merged.

    `sample` picks the rows of a multi-sample JAFFA or cBioPortal SV file.
    """
    path = Path(path)
    table = _read_table(path)
    skipped: Counter[str] = Counter()
    label = _layout(table)
    if label == ARRIBA:
        fusions = _arriba(table, keep_low, skipped)
    elif label == STAR_FUSION:
        fusions = _star_fusion(table)
    elif label == FUSIONCATCHER:
        fusions = _fusioncatcher(table)
    elif label == LINX:
        fusions = _linx(table)
    elif label == JAFFA:
        fusions = _jaffa(table, sample, skipped)
    elif label == CBIOPORTAL_SV:
        fusions = _cbioportal_sv(table, sample, skipped)
    elif label == SIMPLE:
        fusions = _simple(table)
    else:
        raise InputError(
            f"fusion format not recognised from the header ({', '.join(table.header)})",
            path=str(path),
            line=1,
            fix=f"give one of: {ACCEPTED_FORMATS}",
        )
    renamer = GeneRenamer()
    for fusion in fusions:
        fusion.gene5 = renamer(fusion.gene5) or fusion.gene5
        fusion.gene3 = renamer(fusion.gene3) or fusion.gene3
    merged = merge_fusions(fusions)
    for fusion in merged:
        fusion.support, fusion.support_note = assess_support(fusion, evidence)
    disclosure = {
        "path": str(path),
        "format": label,
        "rows": len(table.rows),
        "rows_used": len(fusions),
        "skipped": dict(sorted(skipped.items())),
        "merged_rows": len(fusions) - len(merged),
        "fusions": len(merged),
        "low_support": sum(f.support == LOW_SUPPORT for f in merged),
        "support_not_assessed": sum(f.support == NOT_ASSESSED for f in merged),
        "met_exon14_skipping": sum(is_met_exon14_skipping(f) for f in merged),
        "gene_names": renamer.disclosure(),
    }
    return FusionInput(merged, disclosure)


def fusion_layout(path: str | Path) -> str | None:
    """The caller layout (ARRIBA, STAR_FUSION, ... SIMPLE) from the file's header; None when
    none fits."""
    return _layout(_read_table(Path(path)))


def _layout(table: _Table) -> str | None:
    names = set(table.columns)
    for layout, required in (
        (ARRIBA, ARRIBA_COLUMNS),
        (STAR_FUSION, STAR_FUSION_COLUMNS),
        (FUSIONCATCHER, FUSIONCATCHER_COLUMNS),
        (LINX, LINX_COLUMNS),
        (JAFFA, JAFFA_COLUMNS),
        (CBIOPORTAL_SV, CBIOPORTAL_SV_COLUMNS),
        (SIMPLE, SIMPLE_COLUMNS),
    ):
        if all(c in names for c in required):
            return layout
    return None


def assess_support(fusion: Fusion, evidence: FusionEvidence) -> tuple[str, str]:
    """(supported | low-support | not assessed, the reason in words)."""
    confidence = (fusion.confidence or "").lower()
    if confidence and confidence in evidence.trusted_confidence:
        return SUPPORTED, f"{fusion.caller} confidence {confidence}"
    reads, split = fusion.supporting_reads, fusion.split_reads
    if reads is None:
        if confidence:
            return LOW_SUPPORT, f"{fusion.caller} confidence {confidence}, no read counts"
        return NOT_ASSESSED, "no read counts given"
    counted = f"{reads} supporting reads" + (f", {split} split" if split is not None else "")
    wanted = f"needs >= {evidence.min_supporting_reads}" + (
        f" with >= {evidence.min_split_reads} split" if split is not None else ""
    )
    enough = reads >= evidence.min_supporting_reads and (
        split is None or split >= evidence.min_split_reads
    )
    if enough:
        return SUPPORTED, counted
    where = f"{fusion.caller} confidence {confidence}; " if confidence else ""
    return LOW_SUPPORT, f"{where}{counted} ({wanted})"


def arriba_gene(text: str) -> str:
    """'TPM3' -> 'TPM3'; intergenic 'GENEA(1234),GENEB(555)' -> closest gene 'GENEB'."""
    parts = [p for p in text.split(",") if p.strip()]
    if len(parts) == 1 and "(" not in parts[0]:
        return parts[0].strip()
    best: tuple[int, str] | None = None
    for part in parts:
        match = _INTERGENIC_GENE.match(part)
        if match is None:
            return text.strip()
        distance, gene = int(match.group(2)), match.group(1)
        if best is None or distance < best[0]:
            best = (distance, gene)
    return best[1] if best else text.strip()


def is_met_exon14_skipping(fusion: Fusion) -> bool:
    """A MET::MET junction of exon 13 to exon 15 (LINX, or Arriba / STAR-Fusion breakpoints)."""
    return (fusion.gene5, fusion.gene3, fusion.exon5, fusion.exon3) == ("MET", "MET", 13, 15)


def met_junction_exons(
    gene5: str, gene3: str, breakpoint5: str, breakpoint3: str
) -> tuple[int | None, int | None]:
    """(5' exon, 3' exon) of a MET::MET junction whose breakpoints ('chr7:116771654', with an
    optional ':+' strand) are MET exon boundaries of one build; (None, None) otherwise."""
    if (gene5, gene3) != ("MET", "MET"):
        return None, None
    five, three = _BREAKPOINT.match(breakpoint5.strip()), _BREAKPOINT.match(breakpoint3.strip())
    if five is None or three is None or {five.group(1), three.group(1)} != {"7"}:
        return None, None
    end, start = int(five.group(2)), int(three.group(2))
    for boundaries in MET_EXON_BOUNDARIES.values():
        exon5, exon3 = boundaries["end"].get(end), boundaries["start"].get(start)
        if exon5 is not None or exon3 is not None:
            return exon5, exon3
    return None, None


def merge_fusions(fusions: list[Fusion]) -> list[Fusion]:
    """One Fusion per (gene5, gene3, caller, fused exons), in order of first appearance."""
    merged: dict[tuple[str, str, str, int | None, int | None], Fusion] = {}
    for fusion in fusions:
        key = (fusion.gene5, fusion.gene3, fusion.caller, fusion.exon5, fusion.exon3)
        kept = merged.get(key)
        if kept is None:
            merged[key] = Fusion(
                fusion.gene5,
                fusion.gene3,
                fusion.supporting_reads,
                fusion.caller,
                fusion.in_frame,
                split_reads=fusion.split_reads,
                confidence=fusion.confidence,
                exon5=fusion.exon5,
                exon3=fusion.exon3,
            )
            continue
        if fusion.supporting_reads is not None and (
            kept.supporting_reads is None or fusion.supporting_reads > kept.supporting_reads
        ):
            # the best-supported row speaks for the pair: its reads, split reads, confidence
            kept.supporting_reads = fusion.supporting_reads
            kept.split_reads = fusion.split_reads
        if _CONFIDENCE_RANK.get(fusion.confidence or "", -1) > _CONFIDENCE_RANK.get(
            kept.confidence or "", -1
        ):
            kept.confidence = fusion.confidence
        if fusion.in_frame is True or (fusion.in_frame is False and kept.in_frame is None):
            kept.in_frame = fusion.in_frame
    return list(merged.values())


def _read_table(path: Path) -> _Table:
    if not path.is_file():
        raise InputError("fusion file not found", path=str(path), fix="check the fusions path")
    lines = list(iter_lines(path))
    body = [(n, text) for n, text in lines if text.strip() and not text.startswith("##")]
    if not body:
        raise InputError("fusion file is empty", path=str(path), fix="give a header line")
    delimiter = "," if path.name.removesuffix(".gz").lower().endswith(".csv") else "\t"
    header = split_fields(body[0][1].lstrip("#"), delimiter, path, body[0][0])
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip().lower(), index)
    rows = [(n, split_fields(text, delimiter, path, n)) for n, text in body[1:]]
    return _Table(path, columns, [h.strip() for h in header], rows)


def _frame(text: str) -> bool | None:
    word = text.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def _require_gene(table: _Table, line: int, text: str, column: str) -> str:
    if text in _MISSING:
        raise InputError(
            "gene name is empty",
            path=str(table.path),
            line=line,
            column=column,
            fix="every fusion row needs both partner genes",
        )
    return text


def _arriba(table: _Table, keep_low: bool, skipped: Counter[str]) -> list[Fusion]:
    fusions = []
    for line, fields in table.rows:
        confidence = table.get(fields, "confidence").lower()
        if not keep_low and confidence == "low":
            skipped["Arriba confidence low"] += 1
            continue
        gene5 = _require_gene(table, line, arriba_gene(table.get(fields, "gene1")), "gene1")
        gene3 = _require_gene(table, line, arriba_gene(table.get(fields, "gene2")), "gene2")
        split = table.count(line, fields, "split_reads1") + table.count(
            line, fields, "split_reads2"
        )
        reads = split + table.count(line, fields, "discordant_mates")
        exon5, exon3 = met_junction_exons(
            gene5, gene3, table.get(fields, "breakpoint1"), table.get(fields, "breakpoint2")
        )
        fusions.append(
            Fusion(
                gene5=gene5,
                gene3=gene3,
                supporting_reads=reads,
                caller="Arriba",
                in_frame=_frame(table.get(fields, "reading_frame")),
                split_reads=split,
                confidence=confidence or None,
                exon5=exon5,
                exon3=exon3,
            )
        )
    return fusions


def _star_fusion(table: _Table) -> list[Fusion]:
    fusions = []
    for line, fields in table.rows:
        name = table.get(fields, "fusionname")
        left = table.get(fields, "leftgene").split("^")[0]
        right = table.get(fields, "rightgene").split("^")[0]
        if not (left and right) and "--" in name:
            left, right = name.split("--", 1)
        gene5 = _require_gene(table, line, left, "LeftGene")
        gene3 = _require_gene(table, line, right, "RightGene")
        split = table.count(line, fields, "junctionreadcount")
        exon5, exon3 = met_junction_exons(
            gene5, gene3, table.get(fields, "leftbreakpoint"), table.get(fields, "rightbreakpoint")
        )
        fusions.append(
            Fusion(
                gene5=gene5,
                gene3=gene3,
                supporting_reads=split + table.count(line, fields, "spanningfragcount"),
                caller="STAR-Fusion",
                in_frame=_frame(table.get(fields, "prot_fusion_type")),
                split_reads=split,
                exon5=exon5,
                exon3=exon3,
            )
        )
    return fusions


def _fusioncatcher(table: _Table) -> list[Fusion]:
    five, three = FUSIONCATCHER_COLUMNS[:2]
    fusions = []
    for line, fields in table.rows:
        split = table.count(line, fields, "spanning_unique_reads")
        fusions.append(
            Fusion(
                gene5=_require_gene(table, line, table.get(fields, five), table.name(five)),
                gene3=_require_gene(table, line, table.get(fields, three), table.name(three)),
                supporting_reads=split + table.count(line, fields, "spanning_pairs"),
                caller="FusionCatcher",
                in_frame=_frame(table.get(fields, "predicted_effect")),
                split_reads=split,
            )
        )
    return fusions


def _linx(table: _Table) -> list[Fusion]:
    fusions = []
    for line, fields in table.rows:
        reported = table.get(fields, "reported").lower() == "true"
        phased = table.get(fields, "phased").upper()
        fusions.append(
            Fusion(
                gene5=_require_gene(table, line, table.get(fields, "genestart"), "geneStart"),
                gene3=_require_gene(table, line, table.get(fields, "geneend"), "geneEnd"),
                caller="LINX",
                in_frame=_LINX_PHASE.get(phased),
                confidence="reported" if reported else "unreported",
                exon5=_exon(table.get(fields, "fusedexonup")),
                exon3=_exon(table.get(fields, "fusedexondown")),
            )
        )
    return fusions


def _jaffa(table: _Table, sample: str | None, skipped: Counter[str]) -> list[Fusion]:
    fusions = []
    for line, fields in _sample_rows(table, "sample", sample, skipped):
        pair = table.get(fields, "fusion genes")
        if pair.count(":") != 1:
            raise InputError(
                f"expected 'GENE5:GENE3', found '{pair}'",
                path=str(table.path),
                line=line,
                column=table.name("fusion genes"),
                fix="JAFFA writes the pair as 5' gene, colon, 3' gene",
            )
        left, right = pair.split(":")
        split = table.count(line, fields, "spanning reads")
        word = table.get(fields, "classification").lower()
        fusions.append(
            Fusion(
                gene5=_require_gene(table, line, left.strip(), "fusion genes"),
                gene3=_require_gene(table, line, right.strip(), "fusion genes"),
                supporting_reads=split + table.count(line, fields, "spanning pairs"),
                caller="JAFFA",
                in_frame=_frame(table.get(fields, "inframe")),
                split_reads=split,
                confidence=_JAFFA_CONFIDENCE.get(word, word or None),
            )
        )
    return fusions


def _cbioportal_sv(table: _Table, sample: str | None, skipped: Counter[str]) -> list[Fusion]:
    fusions = []
    for line, fields in _sample_rows(table, "sample_id", sample, skipped):
        gene5 = table.get(fields, "site1_hugo_symbol")
        gene3 = table.get(fields, "site2_hugo_symbol")
        if gene5 in _MISSING or gene3 in _MISSING:
            skipped["structural variant with one gene (not a fusion)"] += 1
            continue
        if table.get(fields, "sv_status").upper() == "GERMLINE":
            skipped["germline structural variant"] += 1
            continue
        split = None
        reads = None
        if table.get(fields, "tumor_split_read_count") not in _MISSING:
            split = table.count(line, fields, "tumor_split_read_count")
        if table.get(fields, "tumor_paired_end_read_count") not in _MISSING or split is not None:
            reads = (split or 0) + table.count(line, fields, "tumor_paired_end_read_count")
        fusions.append(
            Fusion(
                gene5=gene5,
                gene3=gene3,
                supporting_reads=reads,
                caller="cBioPortal SV",
                in_frame=_frame(table.get(fields, "site2_effect_on_frame")),
                split_reads=split,
            )
        )
    return fusions


def _simple(table: _Table) -> list[Fusion]:
    reads_column = next(
        (c for c in ("supporting_reads", "reads", "read_count") if c in table.columns), None
    )
    fusions = []
    for line, fields in table.rows:
        gene5 = _require_gene(table, line, table.get(fields, "gene5"), "gene5")
        gene3 = _require_gene(table, line, table.get(fields, "gene3"), "gene3")
        reads = split = None
        if reads_column and table.get(fields, reads_column) not in _MISSING:
            reads = table.count(line, fields, reads_column)
        if table.get(fields, "split_reads") not in _MISSING:
            split = table.count(line, fields, "split_reads")
        fusions.append(
            Fusion(
                gene5=gene5,
                gene3=gene3,
                supporting_reads=reads,
                caller=table.get(fields, "caller") or "table",
                in_frame=_frame(table.get(fields, "in_frame")),
                split_reads=split,
                confidence=table.get(fields, "confidence").lower() or None,
            )
        )
    return fusions


def _exon(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _sample_rows(
    table: _Table, column: str, sample: str | None, skipped: Counter[str]
) -> list[tuple[int, list[str]]]:
    """The rows of one sample in a multi-sample file; all rows when it holds one sample."""
    if column not in table.columns:
        return table.rows
    present = list(dict.fromkeys(table.get(fields, column) for _, fields in table.rows))
    if len(present) <= 1:
        return table.rows
    if sample is None or sample not in present:
        raise InputError(
            f"the file holds {len(present)} samples ({', '.join(present[:10])})"
            + (f" and '{sample}' is not among them" if sample else " and none was named"),
            path=str(table.path),
            column=table.name(column),
            fix="set tumor_sample in the sample sheet to this sample's id in the file",
        )
    rows = [(n, f) for n, f in table.rows if table.get(f, column) == sample]
    skipped["rows of other samples"] += len(table.rows) - len(rows)
    return rows
