"""The curated NEN knowledge base: gene roles and therapy rules, loaded from YAML.

The bundled base lives in ``nenprofile/kb`` (``release.yaml``, ``genes.yaml``,
``therapies.yaml``) is validated against ``kb/schema.yaml`` with jsonschema unless its
files and the schema are byte for byte the ones a test validated (BUNDLED_VALIDATED: the
import and the validation cost about 0.3 s, in every job). A user directory holding the
same three files can replace it; it is always validated, against the bundled schema.
Errors name the file, the entry and the field.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from nenprofile.errors import InputError
from nenprofile.io.yamltext import find_oversize, load_yaml

KB_FILES = ("genes.yaml", "release.yaml", "therapies.yaml")  # sorted: checksum order
SCHEMA_FILE = "schema.yaml"
ALL_SITES = "any"
DIFFERENTIATIONS = ("well", "poor")
# validated_digest() of the bundled files that tests/reference/test_knowledgebase.py
# validates; an edited file or schema no longer matches and is validated at every load
BUNDLED_VALIDATED = "4f852f5bbe32d008c04b694b143e6717d82f8c1cd7f817699cf17652dedf0d85"


@dataclass(frozen=True)
class GeneEntry:
    symbol: str
    role: str  # "oncogene" | "tumor_suppressor" | "both" | "marker"
    pathway: str
    group: str  # "mTOR pathway" | "DNA repair" | "Epigenetic/chromatin" | "Other drivers"
    activating: tuple[str, ...]  # variants ("V600E") or residues ("H1047", "G12")
    lof_missense: tuple[str, ...]
    polymorphisms: tuple[str, ...]
    citations: tuple[str, ...]
    # (start, end) of the exonuclease domain for POLE/POLD1, 1-based protein positions
    exonuclease_domain: tuple[int, int] | None = None
    germline_relevant: bool = False  # a finding merits germline testing / counselling
    null_variant_oncogenic: bool = True  # False: truncations do not get OVS1 (essential genes)
    # recessive gene: only biallelic loss drives; one hit is a germline-carrier question
    biallelic_only: bool = False


@dataclass(frozen=True)
class ConditionClause:
    """One way a rule's biomarker can be met (see therapies.yaml header)."""

    # alteration | germline | germline_relevant | msi | mmr_deficient | hrr_deficient | tmb
    # | expression | her2_ihc | none
    type: str
    genes: tuple[str, ...] = ()
    alteration_types: tuple[str, ...] = ()
    # protein changes, residues, ranges or the term exon14_skipping; empty = any oncogenic
    variants: tuple[str, ...] = ()
    biallelic: bool | None = None  # True: biallelic only; False: monoallelic/phase-unknown only
    values: tuple[str, ...] = ()
    marker: str | None = None
    min_vaf: float | None = None  # germline_relevant: skip variants below this VAF


@dataclass(frozen=True)
class Adjustment:
    """Changed tiers/context and an added caveat when the sample meets every ``when`` test."""

    caveat: str
    sites: tuple[str, ...] = ()
    histologies: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    prior_therapies: tuple[str, ...] = ()  # any of these recorded
    ki67_above: float | None = None  # Ki-67 strictly above this percentage
    amp_tier: str | None = None
    escat_tier: str | None = None
    context: str | None = None


@dataclass(frozen=True)
class Exclusion:
    reason: str
    sites: tuple[str, ...] = ()
    histologies: tuple[str, ...] = ()


@dataclass(frozen=True)
class TherapyRule:
    id: str
    therapy: str
    biomarker: str
    any_of: tuple[ConditionClause, ...]
    direction: str  # sensitivity | resistance | standard_of_care | germline_referral
    amp_tier: str
    escat_tier: str
    context: str  # NEN-specific | tissue-agnostic | other tumor type | germline
    rationale: str
    citations: tuple[str, ...]
    none_of: tuple[ConditionClause, ...] = ()
    sites: tuple[str, ...] = (ALL_SITES,)
    differentiation: tuple[str, ...] = DIFFERENTIATIONS
    histologies: tuple[str, ...] = ()  # empty = any histology
    histology_required: bool = False  # True: an unknown histology drops the rule (no caveat)
    stages: tuple[str, ...] = ()  # empty = any stage
    lines: tuple[str, ...] = ()  # first | maintenance | later; empty = any line
    requires_sstr_imaging: bool = False
    adjustments: tuple[Adjustment, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    caveats: tuple[str, ...] = ()
    research_only: bool = False


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    release_date: str
    genes: dict[str, GeneEntry]
    rules: tuple[TherapyRule, ...]
    checksum: str  # sha256 over genes.yaml, release.yaml, therapies.yaml (name + bytes)
    source: str = field(default="bundled")
    germline_relevant: frozenset[str] = frozenset()  # genes whose findings merit counselling

    def rule(self, rule_id: str) -> TherapyRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def load_knowledge_base(path: str | Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base: bundled (None) or a user directory."""
    if path is None:
        return _load_bundled()
    return _build(*_read_files(path))


def knowledge_base_release(path: str | Path | None = None) -> dict[str, str]:
    """The knowledge base's version, release date and checksum, from its files' bytes and
    its validated release.yaml alone (provenance: the profiling jobs load and validate the
    whole of it, the genes and rules being most of the cost)."""
    texts, labels, source = _read_files(path)
    release = _parse(texts["release.yaml"], labels["release.yaml"])
    if not _validated_before(texts, source):
        _validate_file("release.yaml", release, labels, texts)
    return {
        "version": str(release["version"]),
        "release_date": str(release["release_date"]),
        "checksum": _checksum(texts),
    }


def _read_files(path: str | Path | None) -> tuple[dict[str, bytes], dict[str, str], str]:
    """The knowledge base's files (bytes), the label naming each in messages, its source."""
    if path is None:
        kb_dir = resources.files("nenprofile") / "kb"
        texts = {name: (kb_dir / name).read_bytes() for name in KB_FILES}
        return texts, {name: f"nenprofile/kb/{name}" for name in KB_FILES}, "bundled"
    directory = Path(path)
    if not directory.is_dir():
        raise InputError(
            "knowledge base path is not a directory",
            path=str(directory),
            fix=f"point knowledge_base at a directory holding {', '.join(KB_FILES)}",
        )
    texts = {}
    for name in KB_FILES:
        file = directory / name
        if not file.is_file():
            raise InputError(
                f"knowledge base file {name} is missing",
                path=str(file),
                fix=f"a knowledge base directory needs {', '.join(KB_FILES)}",
            )
        texts[name] = file.read_bytes()
    return texts, {name: str(directory / name) for name in KB_FILES}, str(directory)


@lru_cache(maxsize=1)
def _load_bundled() -> KnowledgeBase:
    return _build(*_read_files(None))


def _validated_before(texts: dict[str, bytes], source: str) -> bool:
    """Whether these are the bundled files, with the schema, byte for byte as a test validated
    them (BUNDLED_VALIDATED): their validation is not run again. A user's are always checked."""
    return source == "bundled" and validated_digest(texts) == BUNDLED_VALIDATED


def validated_digest(texts: dict[str, bytes]) -> str:
    """sha256 over the knowledge-base files and the schema they are validated against."""
    schema = (resources.files("nenprofile") / "kb" / SCHEMA_FILE).read_bytes()
    return _checksum({**texts, SCHEMA_FILE: schema})


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = (resources.files("nenprofile") / "kb" / SCHEMA_FILE).read_text(encoding="utf-8")
    return load_yaml(text)


def _checksum(texts: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + texts[name] + b"\0")
    return digest.hexdigest()


def _build(texts: dict[str, bytes], labels: dict[str, str], source: str) -> KnowledgeBase:
    data = {name: _parse(texts[name], labels[name]) for name in KB_FILES}
    if not _validated_before(texts, source):
        for name in KB_FILES:
            _validate_file(name, data[name], labels, texts)
    genes = _genes(data["genes.yaml"]["genes"], labels["genes.yaml"])
    rules = _rules(data["therapies.yaml"]["rules"], labels["therapies.yaml"])
    release = data["release.yaml"]
    return KnowledgeBase(
        version=str(release["version"]),
        release_date=str(release["release_date"]),
        genes=genes,
        rules=rules,
        checksum=_checksum(texts),
        source=source,
        germline_relevant=frozenset(s for s, g in genes.items() if g.germline_relevant),
    )


# far above any curated knowledge base, far below what exhausts memory (alias bombs)
KB_MAX_VALUES = 1_000_000
KB_MAX_DEPTH = 32


def _parse(text: bytes, label: str) -> Any:
    try:
        data = load_yaml(text.decode("utf-8"))
        oversize = find_oversize(data, max_nodes=KB_MAX_VALUES, max_depth=KB_MAX_DEPTH)
        if oversize:
            raise InputError(
                f"the file is too large for a knowledge base: {oversize}",
                path=label,
                fix="write entries out without YAML aliases (&, *) that expand into copies",
            )
        return data
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"not valid YAML: {exc}",
            path=label,
            line=None if mark is None else mark.line + 1,
            fix="fix the YAML syntax (indentation, quotes, colons)",
        ) from None


def _validate_file(name: str, data: Any, labels: dict[str, str], texts: dict[str, bytes]) -> None:
    """One knowledge-base file (KB_FILES) against its part of the bundled schema."""
    schema = _schema()
    part = {"$defs": schema["$defs"], **schema[name.removesuffix(".yaml")]}
    _validate(data, part, labels[name], texts[name])


def _validate(data: Any, schema: dict[str, Any], label: str, text: bytes) -> None:
    import jsonschema  # only here: importing it costs about 0.2 s

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return
    error = errors[0]
    path = list(error.absolute_path)
    entry = _entry_name(data, path)
    field_name = ".".join(str(p) for p in path[2:]) if len(path) > 2 else ""
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in (error.instance or {})]
        field_name = ".".join([*([field_name] if field_name else []), *missing[:1]])
    elif error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        field_name = ".".join([*([field_name] if field_name else []), *extra[:1]])
    shown = field_name or (str(path[-1]) if path else "")
    message = f"{entry or 'top level'}: field '{shown}': "
    message += _short(error.message)
    raise InputError(
        message,
        path=label,
        line=_line_of(text, path),
        column=field_name or None,
        fix="every gene entry and rule needs the fields in kb/schema.yaml; citations are "
        "'PMID:<number>', 'NCT<8 digits>', 'FDA:<YYYY-MM-DD> <drug> <indication>', "
        "'EMA:<YYYY-MM[-DD]> <drug> <indication>', 'GUIDELINE:<body> <year> <title>' or "
        "'REF:<authors> <journal> <year>'",
    )


def _short(message: str) -> str:
    return message if len(message) <= 200 else message[:197] + "..."


def _entry_name(data: Any, path: list[Any]) -> str:
    if len(path) < 2 or not isinstance(path[1], int):
        return ""
    entries = data.get(path[0]) if isinstance(data, dict) else None
    if not isinstance(entries, list) or path[1] >= len(entries):
        return f"{path[0]}[{path[1]}]"
    entry = entries[path[1]]
    name = None
    if isinstance(entry, dict):
        name = entry.get("id") or entry.get("symbol")
    return f"{path[0]}[{path[1]}] ({name})" if name else f"{path[0]}[{path[1]}]"


def _line_of(text: bytes, path: list[Any]) -> int | None:
    """1-based line of the deepest YAML node on ``path`` that exists."""
    try:
        node = yaml.compose(text.decode("utf-8"))
    except yaml.YAMLError:
        return None
    line = None
    for step in path:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else None
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def _genes(entries: list[dict[str, Any]], label: str) -> dict[str, GeneEntry]:
    genes: dict[str, GeneEntry] = {}
    for index, entry in enumerate(entries):
        symbol = entry["symbol"]
        if symbol in genes:
            raise InputError(
                f"genes[{index}] ({symbol}): field 'symbol': duplicate gene entry",
                path=label,
                column="symbol",
                fix="keep one entry per gene symbol",
            )
        domain = entry.get("exonuclease_domain")
        genes[symbol] = GeneEntry(
            symbol=symbol,
            role=entry["role"],
            pathway=entry["pathway"],
            group=entry["group"],
            activating=tuple(entry.get("activating", ())),
            lof_missense=tuple(entry.get("lof_missense", ())),
            polymorphisms=tuple(entry.get("polymorphisms", ())),
            citations=tuple(entry["citations"]),
            exonuclease_domain=None if domain is None else (int(domain[0]), int(domain[1])),
            germline_relevant=bool(entry.get("germline_relevant", False)),
            null_variant_oncogenic=bool(entry.get("null_variant_oncogenic", True)),
            biallelic_only=bool(entry.get("biallelic_only", False)),
        )
    return genes


_CLAUSE_NEEDS = {
    "alteration": ("genes", "alteration_types"),
    "msi": ("values",),
    "tmb": ("values",),
    "her2_ihc": ("values",),
    "expression": ("marker", "values"),
    "germline": ("genes",),
    "germline_relevant": ("alteration_types",),
}


def _clause(raw: dict[str, Any], where: str, label: str) -> ConditionClause:
    for needed in _CLAUSE_NEEDS.get(raw["type"], ()):
        if not raw.get(needed):
            raise InputError(
                f"{where}: field '{needed}': a '{raw['type']}' condition needs '{needed}'",
                path=label,
                column=needed,
                fix=f"add '{needed}' to the condition",
            )
    return ConditionClause(
        type=raw["type"],
        genes=tuple(raw.get("genes", ())),
        alteration_types=tuple(raw.get("alteration_types", ())),
        variants=tuple(raw.get("variants", ())),
        biallelic=raw.get("biallelic"),
        values=tuple(raw.get("values", ())),
        marker=raw.get("marker"),
        min_vaf=None if raw.get("min_vaf") is None else float(raw["min_vaf"]),
    )


def _rules(entries: list[dict[str, Any]], label: str) -> tuple[TherapyRule, ...]:
    rules: list[TherapyRule] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"rules[{index}] ({entry['id']})"
        if entry["id"] in seen:
            raise InputError(
                f"{where}: field 'id': duplicate rule id",
                path=label,
                column="id",
                fix="give every rule a unique id",
            )
        seen.add(entry["id"])
        condition = entry["condition"]
        rules.append(
            TherapyRule(
                id=entry["id"],
                therapy=entry["therapy"],
                biomarker=entry["biomarker"],
                any_of=tuple(_clause(c, where, label) for c in condition["any_of"]),
                none_of=tuple(_clause(c, where, label) for c in condition.get("none_of", ())),
                direction=entry["direction"],
                amp_tier=entry["amp_tier"],
                escat_tier=entry["escat_tier"],
                context=entry["context"],
                rationale=entry["rationale"].strip(),
                citations=tuple(entry["citations"]),
                sites=tuple(entry.get("sites", (ALL_SITES,))),
                differentiation=tuple(entry.get("differentiation", DIFFERENTIATIONS)),
                histologies=tuple(entry.get("histologies", ())),
                histology_required=bool(entry.get("histology_required", False)),
                stages=tuple(entry.get("stages", ())),
                lines=tuple(entry.get("lines", ())),
                requires_sstr_imaging=bool(entry.get("requires_sstr_imaging", False)),
                adjustments=tuple(_adjustment(adj) for adj in entry.get("adjustments", ())),
                exclusions=tuple(
                    Exclusion(
                        reason=exc["reason"],
                        sites=tuple(exc.get("sites", ())),
                        histologies=tuple(exc.get("histologies", ())),
                    )
                    for exc in entry.get("exclusions", ())
                ),
                caveats=tuple(c.strip() for c in entry.get("caveats", ())),
                research_only=bool(entry.get("research_only", False)),
            )
        )
    return tuple(rules)


def _adjustment(raw: dict[str, Any]) -> Adjustment:
    when = raw["when"]
    ki67 = when.get("ki67_above")
    return Adjustment(
        caveat=raw["caveat"].strip(),
        sites=tuple(when.get("sites", ())),
        histologies=tuple(when.get("histologies", ())),
        stages=tuple(when.get("stages", ())),
        prior_therapies=tuple(when.get("prior_therapies", ())),
        ki67_above=None if ki67 is None else float(ki67),
        amp_tier=raw.get("amp_tier"),
        escat_tier=raw.get("escat_tier"),
        context=raw.get("context"),
    )
