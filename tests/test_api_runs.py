"""How api.ingest records a run that does not end normally."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from newsevents import api, pipeline
from newsevents.config import Settings
from newsevents.store import Store


def _statuses(db: Path) -> list[str]:
    with Store.open(db, read_only=True) as store:
        return store.runs()["status"].to_pylist()


@pytest.mark.parametrize(
    ("error", "status"), [(KeyboardInterrupt(), "interrupted"), (ValueError("bug"), "failed")]
)
def test_ctrl_c_marks_the_run_interrupted_and_an_error_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, status: str
):
    def broken_run(*args, **kwargs):
        raise error

    monkeypatch.setattr(pipeline, "run", broken_run)
    monkeypatch.setattr(pipeline, "check_coding", lambda settings: None)
    db = tmp_path / "x.duckdb"
    with pytest.raises(type(error)):
        api.ingest(["nothing.txt"], db=db, settings=Settings(workers=1))
    assert _statuses(db) == [status]


@pytest.mark.parametrize(
    "exc",
    [duckdb.InterruptException("INTERRUPT Error: Interrupted!"), RuntimeError("Query interrupted")],
)
def test_duckdb_interrupted_mid_write_is_a_keyboard_interrupt(tmp_path: Path, exc: Exception):
    # Ctrl-C while DuckDB runs a query surfaces as DuckDB's error, which must not read as a
    # failed write ("could not ...") but as the user's interrupt.
    with Store.open(tmp_path / "x.duckdb") as store:
        with pytest.raises(KeyboardInterrupt), store._transaction("write a batch"):
            raise exc
