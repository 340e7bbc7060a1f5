"""A batched profiling job (profile_batch_size > 1) declares one manifest to Snakemake and
manages its samples' tables itself; downstream jobs get the tables back from the manifests."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from nenprofile.errors import BatchInputError
from nenprofile.ingest.sheet import load_sample_sheet, validate_config
from nenprofile.io.outputs import read_tsv, write_tsv
from nenprofile.jobs.profile import profile_samples
from nenprofile.jobs.runner import expand_profile_manifests, run_stage
from nenprofile.layout import PROFILE_MANIFEST_COLUMNS, SAMPLE_TABLES, Layout, error_record_path

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "workflow" / "schemas"
BATCH = ["NEN01", "NEN02", "NEN03"]


def batch_params(tmp_path: Path, broken: str | None = None) -> dict:
    """The params the profile_samples_<k> rule gives a batch of three demo samples, outputs
    under tmp_path; `broken`: that sample's VCF cut in half (a truncated bgzip)."""
    sheet = load_sample_sheet(REPO / "config" / "samples.tsv", SCHEMAS / "samples.schema.yaml")
    layout = Layout("t", root=str(tmp_path))
    inputs = {s: {"variants": [sheet.rows[s]["vcf"]]} for s in BATCH}
    if broken:
        cut = tmp_path / f"{broken}.vcf.gz"
        data = Path(sheet.rows[broken]["vcf"]).read_bytes()
        cut.write_bytes(data[: len(data) // 2])
        inputs[broken] = {"variants": [str(cut)]}
    return {
        "samples": BATCH,
        "inputs": inputs,
        "outputs": {s: layout.profile_outputs(s) for s in BATCH},
        "records": {s: {**sheet.rows[s], "expression_id": None} for s in BATCH},
    }


def run_batch(tmp_path: Path, params: dict) -> str:
    config = validate_config({"cohort": "t", "samples": "s.tsv"}, SCHEMAS / "config.schema.yaml")
    manifest = str(tmp_path / "batch1.tsv")
    profile_samples(
        inputs={}, outputs={"manifest": manifest}, params=params, config=config, wildcards={}
    )
    return manifest


def test_a_batch_writes_every_table_and_a_manifest_listing_them(tmp_path):
    params = batch_params(tmp_path)
    manifest = run_batch(tmp_path, params)
    columns, rows = read_tsv(manifest)
    assert columns == ["sample", *SAMPLE_TABLES] == list(PROFILE_MANIFEST_COLUMNS)
    assert rows == [{"sample": s, **params["outputs"][s]} for s in BATCH]
    for sample in BATCH:
        assert all(Path(p).is_file() for p in params["outputs"][sample].values())


def test_a_bad_sample_fails_alone_and_its_batch_mates_tables_are_kept(tmp_path):
    params = batch_params(tmp_path, broken="NEN02")
    stale = Path(params["outputs"]["NEN02"]["alterations"])  # from an earlier run
    stale.parent.mkdir(parents=True)
    stale.write_text("gene\nOLD\n")
    with pytest.raises(BatchInputError) as raised:
        run_batch(tmp_path, params)
    error = raised.value
    assert list(error.sample_errors) == ["NEN02"]
    assert error.sample_errors["NEN02"].startswith(
        f"{tmp_path}/NEN02.vcf.gz: the compressed file is truncated or corrupt"
    )
    assert str(error).startswith(
        "1 of 3 samples of this profiling batch failed (NEN02); the other samples' tables "
        "are kept Fix: correct or remove those samples"
    )
    assert not any(Path(p).exists() for p in params["outputs"]["NEN02"].values())
    for mate in ("NEN01", "NEN03"):
        assert all(Path(p).is_file() for p in params["outputs"][mate].values())
    assert not (tmp_path / "batch1.tsv").exists()  # so Snakemake profiles the batch again


def test_a_batch_removes_its_samples_old_tables_before_it_starts(tmp_path):
    params = batch_params(tmp_path)
    seen = {}

    def broken_resources(config):
        seen["left"] = [p for s in BATCH for p in params["outputs"][s].values() if Path(p).exists()]
        raise RuntimeError("stop")

    old = Path(params["outputs"]["NEN03"]["therapies"])
    old.parent.mkdir(parents=True)
    old.write_text("rule_id\nOLD\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("nenprofile.jobs.profile.load_profile_resources", broken_resources)
        with pytest.raises(RuntimeError):
            run_batch(tmp_path, params)
    assert seen["left"] == []


def write_manifest(tmp_path: Path, name: str, samples: list[str]) -> tuple[str, Layout]:
    layout = Layout("t", root=str(tmp_path))
    rows = [{"sample": s, **layout.profile_outputs(s)} for s in samples]
    for row in rows:
        for name_ in SAMPLE_TABLES:
            Path(row[name_]).parent.mkdir(parents=True, exist_ok=True)
            Path(row[name_]).write_text(name_)
    manifest = str(tmp_path / f"{name}.tsv")
    write_tsv(manifest, rows, PROFILE_MANIFEST_COLUMNS)
    return manifest, layout


def test_manifests_expand_to_each_tables_paths_in_the_jobs_sample_order(tmp_path):
    first, layout = write_manifest(tmp_path, "batch1", ["S1", "S2"])
    second, _ = write_manifest(tmp_path, "batch2", ["S3"])
    inputs = {"profiled": [first, second], "context": "c.json"}
    expanded = expand_profile_manifests(inputs, ["S3", "S1"])
    assert expanded == {
        "context": "c.json",
        **{name: [layout.sample_file(s, name) for s in ("S3", "S1")] for name in SAMPLE_TABLES},
    }
    plain = {"alterations": ["a.tsv"]}
    assert expand_profile_manifests(plain, ["S1"]) is plain  # one job per sample: as given


def test_a_table_missing_behind_its_manifest_fails_the_job_with_the_fix(tmp_path):
    manifest, layout = write_manifest(tmp_path, "batch1", ["S1", "S2"])
    Path(layout.sample_file("S2", "therapies")).unlink()
    log = tmp_path / "logs" / "job.log"
    job = SimpleNamespace(
        log=[str(log)],
        input=SimpleNamespace(items=lambda: [("profiled", [manifest])]),
        output=SimpleNamespace(items=lambda: []),
        params=SimpleNamespace(items=lambda: [("samples", ["S1", "S2"])]),
        wildcards=SimpleNamespace(items=lambda: []),
        config={},
        threads=1,
    )
    calls = []
    with pytest.raises(SystemExit) as exited:
        run_stage(job, lambda **kwargs: calls.append(kwargs))
    expected = (
        f"{layout.sample_file('S2', 'therapies')}: sample S2's table is missing, though the "
        f"profiling manifest {manifest} lists it Fix: delete {manifest} and run again (its "
        "samples are profiled again)"
    )
    assert exited.value.code == 1 and calls == []
    assert f"ERROR input error: {expected}" in log.read_text()
    record = json.loads(error_record_path(log).read_text())
    assert record == {"error": expected, "internal": False, "log": str(log), "samples": {}}


def test_a_batch_reads_the_cohorts_expression_files_once_for_all_its_samples(tmp_path, monkeypatch):
    import nenprofile.interpret.expression as expression
    from nenprofile.interpret.expression import MARKER_TABLE_COLUMNS
    from nenprofile.interpret.expression import read_marker_table as read_table
    from nenprofile.jobs.profile import expression_input

    markers = str(tmp_path / "expression_markers.tsv")
    rows = [
        {"sample": s, "marker": "DLL3", "genes": "DLL3", "tpm": tpm, "log2_tpm": 1.5,
         "percentile": pct, "zscore": -0.25, "call": call, "reference": "cohort (n=3)",
         "n_reference": 3, "research_only": True, "note": ""}
        for s, tpm, pct, call in (("NEN01", 1.25, 12.5, "low"), ("NEN03", 40.0, 87.5, "high"))
    ]  # fmt: skip
    write_tsv(markers, rows, MARKER_TABLE_COLUMNS)
    disclosure = tmp_path / "expression_input.json"
    disclosure.write_text(
        json.dumps({"path": "m.tsv", "columns": {"NEN01": "c1", "NEN03": "c3"},
                    "samples_without_column": ["NEN02"]})
    )  # fmt: skip
    reads = []
    monkeypatch.setattr(expression, "read_marker_table", lambda p: reads.append(p) or read_table(p))
    params = batch_params(tmp_path)
    for sample in BATCH:
        params["inputs"][sample] |= {"markers": markers, "expression_input": str(disclosure)}
    run_batch(tmp_path, params)

    assert reads == [markers]
    outputs = params["outputs"]
    first = json.loads(Path(outputs["NEN01"]["biomarkers"]).read_text())["expression_markers"]
    assert first["DLL3"]["tpm"] == 1.25 and first["DLL3"]["call"] == "low"
    third = json.loads(Path(outputs["NEN03"]["biomarkers"]).read_text())["expression_markers"]
    assert third["DLL3"]["percentile"] == 87.5 and third["DLL3"]["call"] == "high"
    assert json.loads(Path(outputs["NEN02"]["biomarkers"]).read_text())["expression_markers"] == {}
    for sample, column in (("NEN01", "c1"), ("NEN02", None)):
        ingest = json.loads(Path(outputs[sample]["ingest"]).read_text())
        assert ingest["expression_input"] == {"path": "m.tsv", "column": column}
        assert ingest["expression_input"] == expression_input(str(disclosure), sample)
