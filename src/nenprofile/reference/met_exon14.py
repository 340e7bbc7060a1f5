"""MET exon 14 skipping: where exon 14 is, on both MET transcripts and both builds.

The one owner of the concept. ingest/fusions.py reads the exon boundaries for RNA junctions;
interpret/oncogenicity.py reads the rest to call DNA variants exon 14 skipping from
- HGVSc intronic offsets at the exon 14 acceptor or donor, on either transcript;
- the genomic position of the splice sites (VCFs without HGVSc), GRCh37 or GRCh38;
- deletions that span an exon 14 boundary;
- exon 14 protein changes, numbered by the transcript they were annotated on.

Two MET protein isoforms are annotated (sources below):
- NM_000245 / ENST00000397752 (UniProt P08581, 1390 aa) is MANE Select (NM_000245.4 /
  ENST00000397752.8) and the numbering of Cancer Hotspots and the MET exon 14 literature:
  exon 14 = c.2888-c.3028, residues 963-1010 (D1010, Y1003).
- NM_001127500 / ENST00000318493 (UniProt P08581-2, 1408 aa) carries 18 more residues
  upstream of exon 14: exon 14 = c.2942-c.3082, residues 981-1028 (D1028, Y1021). Every
  residue from exon 14 on is 18 higher than on NM_000245 (MET D1228N = D1246N, Tsai et al.
  Oncologist 2021, PMID:34347347; NM_000245.4:c.3028+1 = NM_001127500.3:c.3082+1 in ClinVar
  variation 976843; ENSP00000380860 = P08581, ENSP00000317272 = P08581-2 in dbNSFP).
A change on another or an unnamed transcript is read in NM_000245 numbering (the MANE and
VEP-canonical default) and the evidence says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MET_EX14_SOURCE = "MET exon 14 skipping (Frampton et al. Cancer Discov 2015, PMID:25971938)"
# the variant_class of an alteration that skips MET exon 14 (whatever route found it)
EXON_SKIPPING = "exon_skipping"
# the therapy-rule variant term that only MET exon 14 skipping alterations meet
EXON14_SKIPPING_TERM = "exon14_skipping"

# how strongly a variant implies skipping: the canonical splice site (+/-1, 2) or an exon
# boundary is lost / another change within 30 intronic bases (it holds the intron 13
# polypyrimidine tract; the effect of such a change is uncertain: confirm by RNA)
DISRUPTS = "disrupts"
SPLICE_REGION = "splice region"
KNOWN_CHANGE = "known exon 14 change"
EXON14_RESIDUE_DELETION = "exon 14 residues deleted"
CANONICAL_OFFSET = 2
REGION_OFFSET = 30


@dataclass(frozen=True)
class MetTranscript:
    name: str  # as the evidence names it
    accessions: frozenset[str]  # RefSeq and Ensembl ids without version
    acceptor: int  # c. of exon 14's first base
    donor: int  # c. of exon 14's last base
    residue_shift: int  # residue here minus residue on NM_000245 (from exon 14 on)


MANE = MetTranscript(
    "NM_000245 (MANE Select)", frozenset({"NM_000245", "ENST00000397752"}), 2888, 3028, 0
)
ISOFORM_1408 = MetTranscript(
    "NM_001127500", frozenset({"NM_001127500", "ENST00000318493"}), 2942, 3082, 18
)
MET_TRANSCRIPTS = (MANE, ISOFORM_1408)
# exon 14 residues and the changes known to skip it or lose its CBL site, NM_000245 numbering
EXON14_RESIDUES = (963, 1010)
KNOWN_EXON14_RESIDUES = ("D1010", "Y1003")

# MET exon boundaries (1-based, plus strand) of ENST00000397752. GRCh38 from the Ensembl
# canonical / MANE record (exon 13 116771498-116771654, exon 14 116771849-116771989, exon 15
# starts 116774881; the same intron 116771655-116774880 is CTAT-Splicing's METx14del entry).
# GRCh37 from Ensembl 75 (GRCh37.75 GTF: exon 14 ends 116412043, exon 15 starts 116414935);
# exon 13's end and exon 14's start are the GRCh38 values minus the 359,946 bp offset that the
# exon 14 end and exon 15 start show on both builds. A junction is (last base of the 5' exon,
# first base of the 3' exon).
MET_EXON_BOUNDARIES: dict[str, dict[str, dict[int, int]]] = {
    "GRCh37": {"end": {116411708: 13, 116412043: 14}, "start": {116411903: 14, 116414935: 15}},
    "GRCh38": {"end": {116771654: 13, 116771989: 14}, "start": {116771849: 14, 116774881: 15}},
}
MET_CHROMOSOME = "chr7"

_VERSION = re.compile(r"\.\d+$")
_HGVSC_POSITION = r"(\d+)([+-]\d+)?"
_HGVSC = re.compile(rf"^c\.{_HGVSC_POSITION}(?:_{_HGVSC_POSITION})?([A-Za-z>].*)?$")
_RESIDUE = re.compile(r"([A-Z])(\d+)")
_FIRST_RESIDUE = re.compile(r"^[A-Z](\d+)")
# far outside exon 14 on the transcript: an exonic base of another exon
_FAR = 10**9


@dataclass(frozen=True)
class Exon14Evidence:
    strength: str  # DISRUPTS | SPLICE_REGION | KNOWN_CHANGE | EXON14_RESIDUE_DELETION
    description: str  # "c.3082+1G>T on NM_001127500 disrupts the exon 14 donor"


def exon14_span(build: str) -> tuple[int, int]:
    """(first, last) genomic base of MET exon 14 on a build."""
    boundaries = MET_EXON_BOUNDARIES[build]
    start = next(pos for pos, exon in boundaries["start"].items() if exon == 14)
    end = next(pos for pos, exon in boundaries["end"].items() if exon == 14)
    return start, end


def met_transcript(transcript: str | None) -> MetTranscript | None:
    """The MET transcript of an id ('ENST00000318493.11', 'NM_000245.4'), else None."""
    accession = _VERSION.sub("", (transcript or "").strip())
    return next((t for t in MET_TRANSCRIPTS if accession in t.accessions), None)


def splice_effect(lo: int, hi: int, start: int, end: int) -> str | None:
    """DISRUPTS, SPLICE_REGION or None for a change of the bases lo..hi (transcript-linear,
    exon 14 = start..end): the canonical +/-1,2 or a boundary lost, or within 30 intronic bp."""
    acceptor_site = (start - CANONICAL_OFFSET, start - 1)
    donor_site = (end + 1, end + CANONICAL_OFFSET)
    if any(lo <= site_hi and site_lo <= hi for site_lo, site_hi in (acceptor_site, donor_site)):
        return DISRUPTS
    if lo < start <= hi or lo <= end < hi:  # intron and exon both changed
        return DISRUPTS
    acceptor_region = (start - REGION_OFFSET, start - 1)
    donor_region = (end + 1, end + REGION_OFFSET)
    if any(lo <= r_hi and r_lo <= hi for r_lo, r_hi in (acceptor_region, donor_region)):
        return SPLICE_REGION
    return None


def _linear(base: int, offset: int, transcript: MetTranscript) -> int:
    """A c. position on a line through exon 14: the introns next to it keep their distance,
    other exons and introns lie far away on their side."""
    if base == transcript.acceptor and offset < 0:
        return base + offset
    if base == transcript.donor and offset > 0:
        return base + offset
    if offset == 0 and transcript.acceptor <= base <= transcript.donor:
        return base
    before = base < transcript.acceptor or (base <= transcript.donor and offset < 0)
    return base - _FAR if before else base + _FAR


def evidence_from_hgvsc(hgvsc: str | None, transcript: str | None) -> Exon14Evidence | None:
    """Exon 14 splice evidence from a c. change; a transcript prefix ('ENST...:c.') names the
    transcript when ``transcript`` is not given. Unknown transcripts are tried on both."""
    text = (hgvsc or "").strip()
    prefix, _, change = text.rpartition(":")
    named = transcript or prefix
    known = met_transcript(named)
    match = _HGVSC.match(change)
    if match is None or (named and known is None):  # another transcript: its own numbering
        return None
    first_base, first_offset, last_base, last_offset, _ = match.groups()
    if last_base is None:
        last_base, last_offset = first_base, first_offset
    for candidate in (known,) if known else MET_TRANSCRIPTS:
        lo = _linear(int(first_base), int(first_offset or 0), candidate)
        hi = _linear(int(last_base), int(last_offset or 0), candidate)
        strength = splice_effect(lo, hi, candidate.acceptor, candidate.donor)
        if strength is not None and (first_offset or last_offset):
            return Exon14Evidence(strength, _describe(change, strength, lo, hi, candidate))
    return None


def _describe(change: str, strength: str, lo: int, hi: int, where: MetTranscript) -> str:
    site = "acceptor" if lo < where.acceptor else "donor"
    if strength == DISRUPTS:
        return f"{change} on {where.name} disrupts the exon 14 {site}"
    return f"{change} on {where.name} in the exon 14 {site} splice region"


def evidence_from_position(
    build: str | None, chrom: str, pos: int, ref: str, alt: str
) -> Exon14Evidence | None:
    """Exon 14 splice evidence from a VCF record (MET is on the plus strand): the bases it
    changes (a deletion's deleted bases, an insertion's two flanking bases)."""
    if build not in MET_EXON_BOUNDARIES or chrom != MET_CHROMOSOME:
        return None
    start, end = exon14_span(build)
    anchored = bool(ref) and bool(alt) and ref[0] == alt[0] and len(ref) != len(alt)
    if anchored and len(alt) > len(ref):
        strength = _insertion_effect(pos + len(ref) - 1, start, end)
        lo = pos
    else:
        lo = pos + 1 if anchored else pos
        strength = splice_effect(lo, pos + max(len(ref), 1) - 1, start, end)
    if strength is None:
        return None
    site = "acceptor" if lo < start else "donor"
    where = f"{chrom}:{pos} {ref}>{alt} on {build}"
    if strength == DISRUPTS:
        return Exon14Evidence(strength, f"{where} disrupts the exon 14 {site}")
    return Exon14Evidence(strength, f"{where} in the exon 14 {site} splice region")


def _insertion_effect(before: int, start: int, end: int) -> str | None:
    """An insertion after base ``before`` breaks a splice site only inside its dinucleotide
    (between -2 and -1, or +1 and +2); next to it the site is kept, a splice-region change."""
    if before in (start - CANONICAL_OFFSET, end + 1):
        return DISRUPTS
    return SPLICE_REGION if splice_effect(before, before + 1, start, end) else None


def mane_protein_change(change: str | None, transcript: str | None) -> str | None:
    """A MET protein change ('D1028N') in NM_000245 numbering: unchanged on NM_000245 or an
    unnamed transcript; 18 lower on NM_001127500 from its exon 14 on. None for residues of
    NM_001127500 before exon 14 and for other transcripts (no verified NM_000245 number)."""
    if not change:
        return None
    known = met_transcript(transcript)
    if transcript and known is None:  # another transcript: its own numbering
        return None
    if known is None or not known.residue_shift:
        return change
    residues = [int(number) for _, number in _RESIDUE.findall(change)]
    if not residues or min(residues) < EXON14_RESIDUES[0] + known.residue_shift:
        return None
    return _RESIDUE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) - known.residue_shift}", change)


def evidence_from_protein(change: str | None, transcript: str | None) -> Exon14Evidence | None:
    """A known exon 14 change (D1010, Y1003) or an in-frame deletion starting in exon 14's
    residues, both in NM_000245 numbering (mane_protein_change)."""
    mane = mane_protein_change(change, transcript)
    if mane is None:
        return None
    known = met_transcript(transcript)
    if known is None:
        shown = f"{change} (transcript not given: NM_000245 numbering)"
    elif mane != change:
        shown = f"{change} on {known.name} = {mane} on NM_000245"
    else:
        shown = f"{change} on {known.name}"
    for residue in KNOWN_EXON14_RESIDUES:
        if mane.startswith(residue) and not mane[len(residue) :][:1].isdigit():
            return Exon14Evidence(KNOWN_CHANGE, f"{shown}: exon 14 residue {residue}")
    first = _FIRST_RESIDUE.match(mane)
    deletion = "del" in mane and "ins" not in mane.replace("delins", "")
    low, high = EXON14_RESIDUES
    if deletion and first is not None and low <= int(first.group(1)) <= high:
        return Exon14Evidence(
            EXON14_RESIDUE_DELETION, f"{shown}: in-frame deletion in exon 14 residues {low}-{high}"
        )
    return None
