"""Exact and near duplicates: a content id, MinHash signatures and LSH bands (pure functions).

An article's id is a hash of its normalised body text, so the same story read twice is one
article. Near duplicates (a wire story republished with a new headline or a few words edited)
are found with MinHash: each text becomes :data:`NUM_HASHES` minima over its word 5-gram
shingles; the share of equal minima estimates the Jaccard similarity of two shingle sets. To
find candidates without comparing every pair, the signature is cut into :data:`NUM_BANDS` bands
of :data:`ROWS_PER_BAND` values; two texts sharing any band hash are candidates, and the store
verifies each candidate with :func:`similarity`.

Everything here is deterministic across processes, machines and numpy versions: the hash
constants come from a fixed seed through splitmix64 written out below, never from Python's
``hash()`` (salted per process) or numpy's random streams (not promised stable). A change to any
of it is a new :data:`SIGNATURE_VERSION`, stored with each signature.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import numpy.typing as npt

#: Stored with every signature; bump when shingling, hashing or banding changes, since
#: signatures or bands of different versions cannot be compared.
SIGNATURE_VERSION = 1
#: Words per shingle. 5-grams keep different stories on one topic apart (they share words and
#: names, rarely five words in a row) while a few edited words break only ~5 shingles each.
SHINGLE_WORDS = 5
#: 128 minima give a standard error of at most ~0.044 on the estimated similarity (0.035 at 0.8).
NUM_HASHES = 128
#: 32 bands of 4 rows: a pair at similarity 0.8 shares a band with probability 1 - 1e-7, at 0.5
#: with ~0.87 (then rejected by verification), at 0.2 with ~0.05. Recall first, since every
#: candidate is verified against its stored signature.
NUM_BANDS = 32
ROWS_PER_BAND = NUM_HASHES // NUM_BANDS
#: Length of :func:`content_id`: 20 hex digits (80 bits) of sha256. Collisions become likely only
#: around 10^12 articles, and the id stays short enough to read and type.
CONTENT_ID_LENGTH = 20

_SEED = 0x6E657773  # "news"
_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
#: Odd base of the polynomial string hash, and its inverse mod 2^64.
_BASE = 0x100000001B3
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
#: Shingles hashed per step of the min-hash, bounding the temporary matrix to 4096 x 128 x 8 bytes
#: (4 MB) however long the document.
_CHUNK = 4096
_WORD = re.compile(r"\w+")

Signature = npt.NDArray[np.uint32]


def content_id(text: str) -> str:
    """A stable id from the body text alone: 20 lowercase hex digits of sha256.

    The text is NFC-normalised and every run of whitespace becomes one space, so the same story
    with different line wrapping, indentation or trailing spaces gets the same id.
    """
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:CONTENT_ID_LENGTH]


def signature(text: str) -> Signature:
    """The MinHash signature of ``text``: :data:`NUM_HASHES` unsigned 32-bit values.

    Shingles are runs of :data:`SHINGLE_WORDS` words of the casefolded text with punctuation
    dropped. A text of fewer words is one shingle of all its words, so short texts still get a
    signature (equal only to texts with the same words in the same order).
    """
    shingles = _shingle_hashes(_words(text))
    constants = _constants()
    minima = np.full(NUM_HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
    work = np.empty((NUM_HASHES, min(len(shingles), _CHUNK)), dtype=np.uint64)
    for start in range(0, len(shingles), _CHUNK):
        block = shingles[start : start + _CHUNK]
        rows = work[:, : len(block)]
        # One cheap universal hash per row, h(x) = a*x + b mod 2^64, over already-mixed input;
        # ordering by the high bits makes the minimum behave like a random permutation's.
        # Rows along the last axis and in-place ufuncs: 8x faster than the (shingles, rows) layout.
        np.multiply(constants.a[:, None], block, out=rows)
        np.add(rows, constants.b[:, None], out=rows)
        np.minimum(minima, rows.min(axis=1), out=minima)
    return (minima >> np.uint64(32)).astype(np.uint32)


def bands(sig: Signature) -> list[int]:
    """One signed 64-bit hash per band (so DuckDB BIGINT stores it), band index mixed in."""
    rows = np.asarray(sig, dtype=np.uint64).reshape(NUM_BANDS, ROWS_PER_BAND)
    constants = _constants()
    combined = (rows * constants.band_rows).sum(axis=1, dtype=np.uint64) + constants.band_ids
    return _mix(combined).view(np.int64).tolist()


def similarity(sig_a: Signature, sig_b: Signature) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets, from 0.0 to 1.0."""
    if len(sig_a) != len(sig_b):
        raise ValueError(f"signatures of different lengths: {len(sig_a)} and {len(sig_b)}")
    return float(np.count_nonzero(np.asarray(sig_a) == np.asarray(sig_b))) / len(sig_a)


def _words(text: str) -> list[str]:
    normal = unicodedata.normalize("NFC", text).casefold()
    # Text without a single word character (only punctuation or symbols) is one token, its
    # whitespace removed: tokens must not contain the space that separates them below.
    return _WORD.findall(normal) or ["".join(normal.split())]


def _shingle_hashes(words: list[str]) -> npt.NDArray[np.uint64]:
    """A mixed 64-bit hash of each shingle, computed for all shingles at once.

    The words are joined with single spaces and each shingle is a byte span of that string, so
    a polynomial hash of every span follows from one prefix sum: with ``S[i] = sum(b[j] * P^-j
    for j < i)``, the hash of bytes ``[s, e)`` is ``(S[e] - S[s]) * P^(e-1)``. All arithmetic
    wraps mod 2^64 (P is odd, so it has an inverse); :func:`_mix` then spreads the bits.
    """
    size = min(SHINGLE_WORDS, len(words))
    data = np.frombuffer(" ".join(words).encode("utf-8"), dtype=np.uint8).astype(np.uint64)
    separators = np.flatnonzero(data == ord(" "))
    word_starts = np.concatenate(([0], separators + 1))
    word_ends = np.concatenate((separators, [len(data)]))
    starts, ends = word_starts[: len(words) - size + 1], word_ends[size - 1 :]
    powers, inverse_powers = _powers(len(data) + 1)
    prefix = np.zeros(len(data) + 1, dtype=np.uint64)
    np.cumsum(data * inverse_powers[:-1], dtype=np.uint64, out=prefix[1:])
    spans = (prefix[ends] - prefix[starts]) * powers[np.maximum(ends, 1) - 1]
    lengths = (ends - starts).astype(np.uint64)
    return _mix(spans ^ (lengths * np.uint64(_GOLDEN)))


def _powers(count: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """``P^j`` and ``P^-j`` for ``j < count``, wrapping mod 2^64."""
    both = np.empty((2, count), dtype=np.uint64)
    both[0, 0] = both[1, 0] = 1
    both[0, 1:] = _BASE
    both[1, 1:] = _BASE_INVERSE
    return tuple(np.cumprod(both, axis=1, dtype=np.uint64))  # type: ignore[return-value]


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: every input bit affects every output bit."""
    z = values ^ (values >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class _Constants:
    """The fixed random constants: per-row ``a`` (odd) and ``b``, and per-band multipliers."""

    def __init__(self) -> None:
        stream = _splitmix64(_SEED + SIGNATURE_VERSION)
        self.a = np.array([next(stream) | 1 for _ in range(NUM_HASHES)], dtype=np.uint64)
        self.b = np.array([next(stream) for _ in range(NUM_HASHES)], dtype=np.uint64)
        self.band_rows = np.array([next(stream) | 1 for _ in range(ROWS_PER_BAND)], dtype=np.uint64)
        self.band_ids = np.array([next(stream) for _ in range(NUM_BANDS)], dtype=np.uint64)


@lru_cache(maxsize=1)
def _constants() -> _Constants:
    # Built on first use rather than at import (no import-time work), then reused.
    return _Constants()


def _splitmix64(seed: int) -> Iterator[int]:
    """The splitmix64 generator in plain Python ints, so the constants never depend on numpy."""
    state = seed & _MASK64
    while True:
        state = (state + _GOLDEN) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        yield z ^ (z >> 31)
