"""MET exon 14: transcript-aware HGVSc and protein numbering, genomic splice sites per build."""

from __future__ import annotations

import pytest

from nenprofile.reference.met_exon14 import (
    DISRUPTS,
    EXON14_RESIDUE_DELETION,
    KNOWN_CHANGE,
    SPLICE_REGION,
    Exon14Evidence,
    evidence_from_hgvsc,
    evidence_from_position,
    evidence_from_protein,
    exon14_span,
    mane_protein_change,
    met_transcript,
)


def test_exon14_span_per_build_is_141_bp() -> None:
    assert exon14_span("GRCh38") == (116771849, 116771989)
    assert exon14_span("GRCh37") == (116411903, 116412043)
    assert {end - start + 1 for start, end in map(exon14_span, ("GRCh37", "GRCh38"))} == {141}


@pytest.mark.parametrize(
    ("transcript", "name"),
    [
        ("ENST00000397752.8", "NM_000245 (MANE Select)"),
        ("NM_000245.4", "NM_000245 (MANE Select)"),
        ("ENST00000318493.11", "NM_001127500"),
        ("NM_001127500.3", "NM_001127500"),
        ("NM_001324402.2", None),
        (None, None),
    ],
)
def test_met_transcript_by_refseq_or_ensembl_id(transcript, name) -> None:
    found = met_transcript(transcript)
    assert (found.name if found else None) == name


@pytest.mark.parametrize(
    ("hgvsc", "transcript", "expected"),
    [
        ("c.3028+1G>T", None, (DISRUPTS, "c.3028+1G>T on NM_000245 (MANE Select) disrupts the exon 14 donor")),
        ("c.3082+1G>T", None, (DISRUPTS, "c.3082+1G>T on NM_001127500 disrupts the exon 14 donor")),
        ("c.3082+2T>C", "ENST00000318493", (DISRUPTS, "c.3082+2T>C on NM_001127500 disrupts the exon 14 donor")),
        # on NM_000245 c.3082 lies inside exon 15: no exon 14 donor there
        ("c.3082+2T>C", "ENST00000397752", None),
        ("ENST00000397752.8:c.3082+2T>C", None, None),
        ("c.2942-2A>G", "NM_001127500.3", (DISRUPTS, "c.2942-2A>G on NM_001127500 disrupts the exon 14 acceptor")),
        ("c.2888-10_2890del", None, (DISRUPTS, "c.2888-10_2890del on NM_000245 (MANE Select) disrupts the exon 14 acceptor")),
        ("c.2888-5_3028+5del", None, (DISRUPTS, "c.2888-5_3028+5del on NM_000245 (MANE Select) disrupts the exon 14 acceptor")),
        ("c.2888-18_2888-7del", None, (SPLICE_REGION, "c.2888-18_2888-7del on NM_000245 (MANE Select) in the exon 14 acceptor splice region")),
        ("c.3082+3A>G", None, (SPLICE_REGION, "c.3082+3A>G on NM_001127500 in the exon 14 donor splice region")),
        ("c.3028+31G>A", None, None),
        ("c.3000G>A", None, None),
        ("c.2887+1G>A", None, None),  # exon 13 donor
        ("c.2888-1G>C", "NM_001324402.2", None),  # another transcript, its own numbering
    ],
)  # fmt: skip
def test_evidence_from_hgvsc(hgvsc, transcript, expected) -> None:
    found = evidence_from_hgvsc(hgvsc, transcript)
    assert (found and (found.strength, found.description)) == (expected and expected)


@pytest.mark.parametrize(
    ("build", "pos", "ref", "alt", "expected"),
    [
        ("GRCh38", 116771990, "G", "T", (DISRUPTS, "chr7:116771990 G>T on GRCh38 disrupts the exon 14 donor")),
        ("GRCh38", 116771991, "T", "C", (DISRUPTS, "chr7:116771991 T>C on GRCh38 disrupts the exon 14 donor")),
        ("GRCh38", 116771848, "G", "A", (DISRUPTS, "chr7:116771848 G>A on GRCh38 disrupts the exon 14 acceptor")),
        ("GRCh37", 116411901, "A", "G", (DISRUPTS, "chr7:116411901 A>G on GRCh37 disrupts the exon 14 acceptor")),
        ("GRCh37", 116412044, "G", "T", (DISRUPTS, "chr7:116412044 G>T on GRCh37 disrupts the exon 14 donor")),
        # deletes 116771841-116771854: from intron 13 (-8) into exon 14
        ("GRCh38", 116771840, "ACCCCCCCCCCCCCC", "A", (DISRUPTS, "chr7:116771840 ACCCCCCCCCCCCCC>A on GRCh38 disrupts the exon 14 acceptor")),
        # deletes 116771981-116771989: the exon's last bases, the donor kept
        ("GRCh38", 116771980, "ACCCCCCCCC", "A", None),
        ("GRCh38", 116771830, "T", "C", (SPLICE_REGION, "chr7:116771830 T>C on GRCh38 in the exon 14 acceptor splice region")),
        ("GRCh38", 116771990, "G", "GA", (DISRUPTS, "chr7:116771990 G>GA on GRCh38 disrupts the exon 14 donor")),
        ("GRCh38", 116771989, "G", "GA", (SPLICE_REGION, "chr7:116771989 G>GA on GRCh38 in the exon 14 donor splice region")),
        ("GRCh38", 116772030, "T", "C", None),
        ("GRCh38", 116412044, "G", "T", None),  # the GRCh37 donor on GRCh38
        (None, 116771990, "G", "T", None),
    ],
)  # fmt: skip
def test_evidence_from_position(build, pos, ref, alt, expected) -> None:
    found = evidence_from_position(build, "chr7", pos, ref, alt)
    assert (found and (found.strength, found.description)) == (expected and expected)


def test_evidence_from_position_needs_chromosome_7() -> None:
    assert evidence_from_position("GRCh38", "chr1", 116771990, "G", "T") is None


@pytest.mark.parametrize(
    ("change", "transcript", "mane"),
    [
        ("D1028N", "ENST00000318493", "D1010N"),
        ("D981_D1028del", "NM_001127500.3", "D963_D1010del"),
        ("Y1021F", "ENST00000318493.11", "Y1003F"),
        ("E970del", "ENST00000318493", None),  # before exon 14 on NM_001127500
        ("D1028N", "ENST00000397752", "D1028N"),
        ("D1010N", None, "D1010N"),
        ("D1010N", "NM_001324402.2", None),
    ],
)
def test_mane_protein_change(change, transcript, mane) -> None:
    assert mane_protein_change(change, transcript) == mane


@pytest.mark.parametrize(
    ("change", "transcript", "expected"),
    [
        ("D1028N", "ENST00000318493", Exon14Evidence(KNOWN_CHANGE, "D1028N on NM_001127500 = D1010N on NM_000245: exon 14 residue D1010")),
        ("D1010H", "ENST00000397752", Exon14Evidence(KNOWN_CHANGE, "D1010H on NM_000245 (MANE Select): exon 14 residue D1010")),
        ("Y1003F", None, Exon14Evidence(KNOWN_CHANGE, "Y1003F (transcript not given: NM_000245 numbering): exon 14 residue Y1003")),
        ("E970del", "ENST00000397752", Exon14Evidence(EXON14_RESIDUE_DELETION, "E970del on NM_000245 (MANE Select): in-frame deletion in exon 14 residues 963-1010")),
        ("E970del", "ENST00000318493", None),
        ("D1028N", "ENST00000397752", None),  # residue 1028 of NM_000245 is in exon 15
        ("V1000_D1001insE", "ENST00000397752", None),
        ("D10100N", None, None),
    ],
)  # fmt: skip
def test_evidence_from_protein(change, transcript, expected) -> None:
    assert evidence_from_protein(change, transcript) == expected
