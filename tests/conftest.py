"""Shared fixtures: where the test inputs are, and the reference data (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsevents.config import shared_data_dir

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests using it skip with the reason when it is not there."""
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"reference data not found at {path} (set NEWSEVENTS_SHARED_DATA)")
    return path
