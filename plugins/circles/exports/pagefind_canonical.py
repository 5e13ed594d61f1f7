"""Pagefind's files in canonical bytes: the same site always gives the same search index.

Pagefind writes each filter's values, and the lists in its metadata, in hash-map order, which
differs from run to run; ``canonicalize`` sorts them and renames the files by content hash.
Pagefind's files are gzip of ``pagefind_dcd`` + CBOR (written by minicbor); the few CBOR types
it uses are decoded and re-encoded here.

Pagefind names its fragments, word chunks, filters and metadata by a hash of what they hold, and
does not write one whose name is in its folder already. A bundle indexed again in the folder of its
last run is so written in half the time (issue 24): ``holds_what_it_names`` checks that each file the
new index names holds what its name says (a file of the last run may share the seven hex digits of a
name and hold something else), and ``keep_only_named`` removes what the new index no longer names.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from pathlib import Path
from typing import Any

from circles.problems import CirclesError

SIGNATURE = b"pagefind_dcd"


def canonicalize(bundle: Path) -> None:
    """Sort what Pagefind writes in hash-map order and name files by their content."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        renamed = {}
        for _, old in meta[3]:  # filters: [name, hash]
            renamed[old] = _rewrite_filter(bundle / "filter" / f"{old}.pf_filter", old.split("_")[0])
        meta[3] = sorted([name, renamed[old]] for name, old in meta[3])
        meta[4] = sorted(meta[4], key=lambda sort: sort[0])  # sorts: [name, pages]
        meta[5] = sorted(meta[5])  # meta field names
        new_hash = _write_named(meta_path, meta, f"{meta_path.name.split('.')[1].split('_')[0]}_", 10,
                                lambda h: bundle / f"pagefind.{h}.pf_meta")
        language["hash"] = new_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def full_hash(data: bytes) -> str:
    """Pagefind's hash of what a file holds, which begins the file's name after its language: SHA-1, each
    byte in hex without a leading zero (Pagefind's ``utils::full_hash``)."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(data).digest())


def holds_what_it_names(bundle: Path) -> bool:
    """Whether each file that Pagefind's new index in ``bundle`` names holds what its name says: its
    metadata, fragments, word chunks and filters, before ``canonicalize`` renames some of them."""
    try:
        # A metadata file of another run, under this one's name, is one of them: found out even if it reads well.
        return all(map(_named_by_content, _named_files(bundle)))
    except (OSError, ValueError, KeyError, IndexError, TypeError, CirclesError):
        return False


def _named_by_content(path: Path) -> bool:
    """Whether the file holds what its name (``en_015ef12.pf_fragment``, ``pagefind.en_a493ecb18c.pf_meta``) hashes."""
    digits = path.name.removeprefix("pagefind.").split(".")[0].rpartition("_")[2]
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error):  # gone, cut short, or not gzip (gzip.BadGzipFile is an OSError)
        return False
    return raw.startswith(SIGNATURE) and bool(digits) and full_hash(raw[len(SIGNATURE):]).startswith(digits)


def keep_only_named(bundle: Path) -> None:
    """Remove from ``bundle`` every metadata, fragment, word chunk and filter file that its index, made
    canonical, does not name: what an earlier run wrote there, as Pagefind never removes a file. Its other
    files (the scripts, styles and WebAssembly) are written again by every run."""
    named = {path.relative_to(bundle).as_posix() for path in _named_files(bundle)}
    for folder in (".", "fragment", "index", "filter"):
        if not (bundle / folder).is_dir():
            continue
        with os.scandir(bundle / folder) as entries:
            for found in entries:
                name = found.name if folder == "." else f"{folder}/{found.name}"
                if name not in named and (folder != "." or found.name.endswith(".pf_meta")):
                    os.unlink(found.path)


def _named_files(bundle: Path) -> list[Path]:
    """The metadata, fragment, word chunk and filter files that the index in ``bundle`` names."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    files = []
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        files += [meta_path, *(bundle / "fragment" / f"{name}.pf_fragment" for name, _ in meta[1]),
                  *(bundle / "index" / f"{name}.pf_index" for *_, name in meta[2]),
                  *(bundle / "filter" / f"{name}.pf_filter" for _, name in meta[3])]
    return files


def _rewrite_filter(path: Path, prefix: str) -> str:
    name, values = _read(path)
    return _write_named(path, [name, sorted(values, key=lambda v: v[0])], f"{prefix}_", 7,
                        lambda h: path.with_name(f"{h}.pf_filter"))


def _write_named(old: Path, data: Any, prefix: str, digits: int, new_path) -> str:
    raw = SIGNATURE + encode(data)
    name = prefix + hashlib.sha256(raw).hexdigest()[:digits]
    old.unlink()
    new_path(name).write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return name


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise CirclesError(f"{path} is not a Pagefind file this version understands")
    value, end = decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise CirclesError(f"{path} has bytes after its data; Pagefind's format may have changed")
    return value


# The CBOR that minicbor writes for Pagefind: unsigned integers, text, arrays.


def decode(data: bytes, at: int = 0) -> tuple[Any, int]:
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        argument, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise CirclesError(f"unexpected CBOR item {data[at - 1]:#x} in the search index")
    if major == 0:
        return argument, at
    if major == 3:
        return data[at:at + argument].decode("utf-8"), at + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    raise CirclesError(f"unexpected CBOR type {major} in the search index")


def encode(value: Any) -> bytes:
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise TypeError(f"cannot encode {type(value).__name__}")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    return _head(4, len(value)) + b"".join(encode(item) for item in value)


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")
