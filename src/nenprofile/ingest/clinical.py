"""Clinical sample-sheet fields: histology, stage, line, prior therapies, SSTR imaging, germline.

Each field maps plain words to one controlled term. An unrecognised value is never rejected:
it is kept (as entered) with a warning and treated as unknown, so rules fall back to the
caveated behaviour for missing data. Differentiation and, for site-specific histologies, the
primary site are derived from the histology when the sheet does not give them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNKNOWN = "unknown"

# WHO 2019/2022 entities (nen-facts 1.1); NEC subtypes by site are expressed with tumor_site.
WELL_DIFFERENTIATED_HISTOLOGIES = (
    "net_g1",
    "net_g2",
    "net_g3",
    "typical_carcinoid",
    "atypical_carcinoid",
)
POORLY_DIFFERENTIATED_HISTOLOGIES = (
    "sclc",
    "lcnec",
    "nec_small_cell",
    "nec_large_cell",
    "nec_nos",
    "merkel_cell_carcinoma",
    "nepc",
)
# MiNEN: differentiation follows its neuroendocrine component, so it is not derived.
HISTOLOGIES = (
    *WELL_DIFFERENTIATED_HISTOLOGIES,
    *POORLY_DIFFERENTIATED_HISTOLOGIES,
    "minen",
    UNKNOWN,
)
# Histologies that name their organ; used only when the sheet leaves tumor_site empty.
HISTOLOGY_SITE = {
    "sclc": "lung",
    "lcnec": "lung",
    "typical_carcinoid": "lung",
    "atypical_carcinoid": "lung",
    "merkel_cell_carcinoma": "skin",
    "nepc": "prostate",
}

# WHO thoracic classification: a small- or large-cell NEC of the lung is SCLC or LCNEC.
LUNG_NEC = {"nec_small_cell": "sclc", "nec_large_cell": "lcnec"}

_HISTOLOGY_SYNONYMS = {
    "net g1": "net_g1",
    "g1": "net_g1",
    "net grade 1": "net_g1",
    "net g2": "net_g2",
    "g2": "net_g2",
    "net grade 2": "net_g2",
    "net g3": "net_g3",
    "g3 net": "net_g3",
    "net grade 3": "net_g3",
    "well differentiated g3": "net_g3",
    "typical carcinoid": "typical_carcinoid",
    "atypical carcinoid": "atypical_carcinoid",
    "sclc": "sclc",
    "small cell lung cancer": "sclc",
    "small cell lung carcinoma": "sclc",
    "lcnec": "lcnec",
    "large cell neuroendocrine carcinoma": "lcnec",
    "nec small cell": "nec_small_cell",
    "small cell nec": "nec_small_cell",
    "small cell carcinoma": "nec_small_cell",
    "small cell": "nec_small_cell",
    "large cell": "nec_large_cell",
    "small cell neuroendocrine carcinoma": "nec_small_cell",
    "nec large cell": "nec_large_cell",
    "large cell nec": "nec_large_cell",
    "nec": "nec_nos",
    "nec nos": "nec_nos",
    "neuroendocrine carcinoma": "nec_nos",
    "merkel": "merkel_cell_carcinoma",
    "mcc": "merkel_cell_carcinoma",
    "merkel cell carcinoma": "merkel_cell_carcinoma",
    "minen": "minen",
    "mixed neuroendocrine non neuroendocrine neoplasm": "minen",
    "mancec": "minen",
    "nepc": "nepc",
    "t nepc": "nepc",
    "neuroendocrine prostate cancer": "nepc",
    "small cell prostate carcinoma": "nepc",
    "unknown": UNKNOWN,
    "na": UNKNOWN,
}

STAGES = ("limited", "extensive", "localized", "locally_advanced", "metastatic", UNKNOWN)
_STAGE_SYNONYMS = {
    "ls": "limited",
    "ls sclc": "limited",
    "limited stage": "limited",
    "es": "extensive",
    "es sclc": "extensive",
    "extensive stage": "extensive",
    "localised": "localized",
    "local": "localized",
    "locally advanced": "locally_advanced",
    "unresectable": "locally_advanced",
    "advanced": "metastatic",
    "stage iv": "metastatic",
    "m1": "metastatic",
    "na": UNKNOWN,
}

_LINE_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_LINE = re.compile(r"^(\d+)\s*(l|st|nd|rd|th)?( line)?$")

PRIOR_THERAPIES = (
    "platinum",
    "etoposide",
    "immunotherapy",
    "prrt",
    "ssa",
    "everolimus",
    "sunitinib",
    "cabozantinib",
    "temozolomide",
    "tarlatamab",
    "lurbinectedin",
    "topotecan",
    "irinotecan",
    "parp_inhibitor",
    "radiotherapy",
    "surgery",
    "androgen_deprivation",
)
# Local treatments do not advance the line of systemic therapy.
LOCAL_THERAPIES = frozenset({"radiotherapy", "surgery"})
_PRIOR_SYNONYMS = {
    "carboplatin": "platinum",
    "cisplatin": "platinum",
    "platin": "platinum",
    "platinum etoposide": "platinum",
    "ep": "platinum",
    "io": "immunotherapy",
    "ici": "immunotherapy",
    "checkpoint inhibitor": "immunotherapy",
    "anti pd 1": "immunotherapy",
    "anti pd l1": "immunotherapy",
    "atezolizumab": "immunotherapy",
    "durvalumab": "immunotherapy",
    "pembrolizumab": "immunotherapy",
    "nivolumab": "immunotherapy",
    "avelumab": "immunotherapy",
    "retifanlimab": "immunotherapy",
    "ipilimumab": "immunotherapy",
    "lu 177 dotatate": "prrt",
    "lutathera": "prrt",
    "lutetium": "prrt",
    "somatostatin analogue": "ssa",
    "octreotide": "ssa",
    "lanreotide": "ssa",
    "captem": "temozolomide",
    "capecitabine temozolomide": "temozolomide",
    "folfiri": "irinotecan",
    "nal iri": "irinotecan",
    "olaparib": "parp_inhibitor",
    "parpi": "parp_inhibitor",
    "rt": "radiotherapy",
    "chemoradiation": "radiotherapy",
    "adt": "androgen_deprivation",
}

SSTR_IMAGING = ("positive", "negative", UNKNOWN)
_SSTR_SYNONYMS = {
    "pos": "positive",
    "+": "positive",
    "sstr+": "positive",
    "sstr positive": "positive",
    "avid": "positive",
    "neg": "negative",
    "-": "negative",
    "sstr-": "negative",
    "sstr negative": "negative",
    "not avid": "negative",
    "na": UNKNOWN,
    "not done": UNKNOWN,
}

_NO_GERMLINE = frozenset({"none", "negative", "no pathogenic variant", "not found"})
_GENE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")


def _key(text: str) -> str:
    return re.sub(r"[\s_\-/,()]+", " ", text.strip().lower()).strip()


def _lookup(text: str | None, terms: tuple[str, ...], synonyms: dict[str, str]) -> tuple[str, bool]:
    if text is None or not str(text).strip():
        return UNKNOWN, True
    key = _key(str(text))
    if key in synonyms:
        return synonyms[key], True
    if key.replace(" ", "_") in terms:
        return key.replace(" ", "_"), True
    return UNKNOWN, False


def normalise_histology(text: str | None) -> tuple[str, bool]:
    """(term, known); an unrecognised histology is 'unknown' with known=False."""
    return _lookup(text, HISTOLOGIES, _HISTOLOGY_SYNONYMS)


def normalise_stage(text: str | None) -> tuple[str, bool]:
    return _lookup(text, STAGES, _STAGE_SYNONYMS)


def normalise_sstr_imaging(text: str | None) -> tuple[str, bool]:
    if text is not None and str(text).strip() in ("+", "-"):
        return _SSTR_SYNONYMS[str(text).strip()], True
    return _lookup(text, SSTR_IMAGING, _SSTR_SYNONYMS)


def parse_line(text: str | None) -> tuple[int | None, bool]:
    """'1', '2L', '2nd line', 'second' -> the line of systemic therapy now considered."""
    if text is None or not str(text).strip():
        return None, True
    key = _key(str(text)).removesuffix(" line").strip()
    if key in _LINE_WORDS:
        return _LINE_WORDS[key], True
    match = _LINE.match(key)
    if match and int(match.group(1)) >= 1:
        return int(match.group(1)), True
    return None, False


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|]", text or "") if part.strip()]


def parse_prior_therapies(text: str | None) -> tuple[tuple[str, ...], list[str]]:
    """(known terms in input order without repeats, unrecognised entries as entered)."""
    known: list[str] = []
    unknown: list[str] = []
    for part in _split(text):
        term, ok = _lookup(part, PRIOR_THERAPIES, _PRIOR_SYNONYMS)
        if not ok or term == UNKNOWN:
            unknown.append(part)
        elif term not in known:
            known.append(term)
    return tuple(known), unknown


def parse_germline_findings(text: str | None) -> tuple[tuple[str, ...], list[str]]:
    """('GENE description', ...) entries naming a gene first; 'none' gives no entries.

    Returns (entries, unrecognised entries). An entry whose first word is not a gene symbol
    is unrecognised (kept for the warning, not used by rules).
    """
    entries: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[;|]", text or ""):
        part = part.strip()
        if not part or part.lower() in _NO_GERMLINE:
            continue
        first = part.split()[0].rstrip(":")
        if _GENE.match(first):
            entries.append(part)
        else:
            unknown.append(part)
    return tuple(entries), unknown


def germline_genes(entries: tuple[str, ...]) -> frozenset[str]:
    return frozenset(entry.split()[0].rstrip(":") for entry in entries)


def derived_differentiation(histology: str) -> str:
    if histology in WELL_DIFFERENTIATED_HISTOLOGIES:
        return "well"
    if histology in POORLY_DIFFERENTIATED_HISTOLOGIES:
        return "poor"
    return UNKNOWN


def effective_line(line: int | None, prior_therapies: tuple[str, ...]) -> int | None:
    """The sheet's line, else 2 when a prior systemic therapy is recorded, else unknown."""
    if line is not None:
        return line
    if any(t not in LOCAL_THERAPIES for t in prior_therapies):
        return 2
    return None


@dataclass(frozen=True)
class ClinicalFields:
    """The normalised clinical columns of one sheet row and the warnings they raised."""

    histology: str
    stage: str
    line: int | None
    prior_therapies: tuple[str, ...]
    sstr_imaging: str
    germline_findings: tuple[str, ...]
    warnings: tuple[str, ...]


def clinical_fields(record: dict[str, str]) -> ClinicalFields:
    """Normalise the clinical columns of a sheet row; warnings name the column and value."""
    warnings: list[str] = []

    def note(column: str, value: str, accepted: str) -> None:
        warnings.append(
            f"{column} '{value}' is not in the vocabulary; kept as entered and treated as "
            f"unknown (accepted: {accepted}; see config/README.md)"
        )

    histology, ok = normalise_histology(record.get("histology"))
    if not ok:
        note("histology", record["histology"], ", ".join(HISTOLOGIES[:-1]))
    stage, ok = normalise_stage(record.get("stage"))
    if not ok:
        note("stage", record["stage"], ", ".join(STAGES[:-1]))
    line, ok = parse_line(record.get("line"))
    if not ok:
        note("line", record["line"], "a number such as 1 or 2L, or first/second/third")
    prior, unknown_prior = parse_prior_therapies(record.get("prior_therapies"))
    for entry in unknown_prior:
        note("prior_therapies entry", entry, ", ".join(PRIOR_THERAPIES))
    sstr, ok = normalise_sstr_imaging(record.get("sstr_imaging"))
    if not ok:
        note("sstr_imaging", record["sstr_imaging"], "positive, negative, unknown")
    germline, unknown_germline = parse_germline_findings(record.get("germline_findings"))
    for entry in unknown_germline:
        note("germline_findings entry", entry, "'GENE description' entries or none")
    return ClinicalFields(histology, stage, line, prior, sstr, germline, tuple(warnings))
