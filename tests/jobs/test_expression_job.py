"""Job of rule score_expression_markers: the marker table and what reading the matrix did."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from nenprofile.interpret.expression import MARKER_GENES
from nenprofile.jobs.expression import score_expression_markers
from nenprofile.jobs.profile import expression_input
from nenprofile.report.data import input_files
from nenprofile.settings import _schema_defaults


def test_expression_disclosure_reaches_each_sample_and_the_report(tmp_path: Path) -> None:
    matrix = tmp_path / "cohort.tpm.tsv"
    matrix.write_text(
        "gene_id\tgene_name\tA\tB\n"
        "ENSG00000090932\tDLL3\t5.5\t1\n"
        "ENSG00000090932\tDLL3\t0.5\t1\n"  # the same symbol twice: summed
        "ENSG00000170458\tCD14\t3\t2\n"
    )
    outputs = {"markers": str(tmp_path / "m.tsv"), "disclosure": str(tmp_path / "e.json")}
    score_expression_markers(
        inputs={"matrix": str(matrix)},
        outputs=outputs,
        params={"expression_ids": {"S1": "A", "S2": "B", "S3": "C"}, "explicit": []},
        config=copy.deepcopy(_schema_defaults()),
        wildcards={},
    )
    cohort = json.loads(Path(outputs["disclosure"]).read_text())
    assert cohort["columns"] == {"S1": "A", "S2": "B"}
    assert cohort["samples_without_column"] == ["S3"]
    assert cohort["duplicate_symbol_rows_summed"] == 2
    assert cohort["reference"] == {
        "source": "cohort",
        "size": 2,
        "min_reference_size": 10,
        "below_min_reference_size": True,
        "input": None,
    }
    one = expression_input(outputs["disclosure"], "S2")
    assert one["column"] == "B"
    assert "columns" not in one and "samples_without_column" not in one
    assert expression_input(outputs["disclosure"], "S3")["column"] is None
    assert expression_input(None, "S1") == {}
    absent = sorted(g for g in MARKER_GENES if g != "DLL3")  # ingest.json sorts keys
    missing = ", ".join(f"{g} (not in the expression matrix)" for g in absent)
    assert input_files({"expression_input": one}) == [
        "Expression: nf-core salmon merged gene TPM (cohort.tpm.tsv), unit TPM, 3 rows read, "
        "1 of 42 marker and signature genes found, 2 rows sharing a gene symbol summed, "
        f"column B, markers not available: {missing}, reference cohort, 2 samples (below "
        "min_reference_size 10: gene-set scores not informative)"
    ]
