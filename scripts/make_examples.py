"""Rebuild newsevents/examples/ from the shared reference data (run from the project root).

    python scripts/make_examples.py [--data ../shared/data]

Only texts whose licence allows redistribution are bundled; see examples/ATTRIBUTION.md.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import OrderedDict
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "newsevents" / "examples"
WIKINEWS_ARTICLES = 40  # enough variety for a demo that still runs in seconds


def seed(data: Path) -> None:
    for name in ("noem-colombia.txt", "noem-colombia.json"):
        shutil.copyfile(data / "seed" / name, EXAMPLES / name)


def te3(data: Path) -> None:
    rows = []
    for path in sorted((data / "time" / "te3-platinum").glob("*.tml")):
        root = ET.parse(path).getroot()
        text = "".join(root.find("TEXT").itertext())
        paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
        rows.append(
            {
                "id": root.findtext("DOCID").strip(),
                "title": re.sub(r"\s+", " ", "".join(root.find("TITLE").itertext())).strip(),
                "published": root.find("DCT/TIMEX3").get("value")[:10],
                "source": "TempEval-3 platinum (" + path.stem.split("_")[0] + ")",
                "text": "\n\n".join(p for p in paragraphs if p),
            }
        )
    _write_jsonl(EXAMPLES / "te3-platinum.jsonl", rows)


def wikinews(data: Path) -> None:
    pieces: OrderedDict[str, list[str]] = OrderedDict()
    for article in ET.parse(data / "geo" / "GeoVirus.xml").getroot().iter("article"):
        pieces.setdefault(article.findtext("source").strip(), []).append(article.findtext("text"))
    rows = []
    for url, texts in list(pieces.items())[:WIKINEWS_ARTICLES]:
        title = url.rsplit("/", 1)[-1].replace("_", " ")
        rows.append(
            {
                "url": url,
                "title": title,
                "source": "Wikinews",
                "text": "\n\n".join(t.strip() for t in texts),
            }
        )
    _write_jsonl(EXAMPLES / "wikinews.jsonl", rows)


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    data = parser.parse_args().data
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    seed(data)
    te3(data)
    wikinews(data)


if __name__ == "__main__":
    main()
