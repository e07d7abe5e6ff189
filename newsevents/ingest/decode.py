"""Bytes to text: sniff binary content, find the encoding, repair what cannot be decoded.

Used by every source (files, URLs, WARC records), so a page decodes the same way whether it was
read from disk, fetched or found in an archive.
"""

from __future__ import annotations

import codecs
import re

#: Magic numbers of formats that are never articles. Checked before any decoding, so a PDF or an
#: image is named as such instead of being read as mojibake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"DUCK", "a DuckDB database"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Share of control bytes (other than tab, CR, LF, FF) in the first block above which a file is
#: binary. Text in any encoding has almost none; compressed or image data has ~10%.
_CONTROL_SHARE = 0.05
_SNIFF_BYTES = 8192

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of ``data``, or return None when it looks like text."""
    for bom, _ in _BOMS:
        if data.startswith(bom):
            return None  # UTF-16/32 text has NUL bytes but is text
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return "binary data (it contains NUL bytes)"
    if head and len(_CONTROL.findall(head)) / len(head) > _CONTROL_SHARE:
        return "binary data (it is mostly control bytes)"
    return None


def declared_charset(data: bytes, *, content_type: str | None = None) -> str | None:
    """The charset a Content-Type header, an HTML <meta> or an XML declaration names, if known."""
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
        if match and _known(match.group(1)):
            return match.group(1).lower()
    head = data[:_SNIFF_BYTES]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(head)
        if match and _known(match.group(1).decode("ascii", "replace")):
            return match.group(1).decode("ascii").lower()
    return None


def decode_bytes(data: bytes, *, content_type: str | None = None) -> tuple[str, tuple[str, ...]]:
    """Decode ``data`` to text and say what was repaired on the way.

    Order: a byte-order mark; strict UTF-8 (most of the web); the declared charset; then, for
    bytes that are mostly valid UTF-8 with a few bad sequences, UTF-8 with replacement (a guess
    would turn every correct accented letter into mojibake); else charset_normalizer's best guess.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), ()
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data, content_type=content_type)
    if declared and codecs.lookup(declared).name != "utf-8":
        text = data.decode(declared, errors="replace")
        return text, (f"decoded as declared charset {declared}",)
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if declared or _mostly_utf8(data, bad):
        return text, (f"invalid UTF-8 replaced ({bad} character{'s' if bad != 1 else ''})",)
    return _guess(data)


def _mostly_utf8(data: bytes, bad: int) -> bool:
    # Every non-ASCII character of a single-byte encoding fails in UTF-8; a UTF-8 text with a
    # corrupt byte or two fails only there. So compare failures with non-ASCII bytes overall.
    non_ascii = sum(1 for byte in data if byte >= 0x80)
    return bad * 4 < non_ascii


def _guess(data: bytes) -> tuple[str, tuple[str, ...]]:
    from charset_normalizer import from_bytes  # slow to import; most inputs never need it

    best = from_bytes(data).best()
    if best is None or best.encoding in {"utf_8", "ascii"}:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        return text, (f"invalid UTF-8 replaced ({bad} character{'s' if bad != 1 else ''})",)
    return str(best), (f"not UTF-8: decoded as {best.encoding}",)


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
