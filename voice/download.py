"""Fetch a model archive with resume, verify its sha256, and unpack it atomically."""

from __future__ import annotations

import errno
import hashlib
import http.client
import logging
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from pathlib import Path

from voice.errors import ModelError
from voice.models import Engine, ModelEntry, UrlSource, installed_path, layout_problem

_LOGGER = logging.getLogger(__name__)

READ_BLOCK_BYTES = 64 * 1024
DEFAULT_TIMEOUT_S = 30.0
PART_SUFFIX = ".zip.part"
UNPACK_SUFFIX = ".unpacking"
_USER_AGENT = "toe-assistant-model-download/1"


def part_path(entry: ModelEntry, directory: Path) -> Path:
    """Where the archive of ``entry`` is kept while it downloads (resumable)."""
    return directory / f"{entry.name}{PART_SUFFIX}"


def download_model(
    entry: ModelEntry,
    directory: Path,
    *,
    url: str | None = None,
    force: bool = False,
    progress: bool = True,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Path:
    """Install ``entry`` into ``directory``, return its folder; on ModelError nothing changes."""
    if not isinstance(entry.source, UrlSource):
        raise ModelError(f"model {entry.name} is not downloaded but installed as a package")
    target = directory / entry.name
    if not force and installed_path(entry, directory) is not None:
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelError(f"cannot create the models folder {directory}: {err.strerror}") from err
    _remove_stale_unpacks(entry, directory)
    archive = part_path(entry, directory)
    _fetch(url or entry.source.url, archive, entry.size_bytes, progress, timeout_s)
    _verify(entry, archive)
    _unpack(archive, target, entry.engine)
    archive.unlink()
    return target


def _remove_stale_unpacks(entry: ModelEntry, directory: Path) -> None:
    # Left behind only when a previous run was killed mid-unpack; never looks installed.
    for stale in directory.glob(f".{entry.name}.*{UNPACK_SUFFIX}"):
        _LOGGER.info("removing an unfinished unpack: %s", stale)
        shutil.rmtree(stale, ignore_errors=True)


def _disk_error(err: OSError, path: Path) -> ModelError:
    if err.errno == errno.ENOSPC:
        return ModelError(
            f"disk full while writing {path}; free space in {path.parent} and run the same "
            "command again (the download resumes)"
        )
    return ModelError(f"cannot write {path}: {err.strerror}")


def _fetch(url: str, part: Path, size_bytes: int, progress: bool, timeout_s: float) -> None:
    have = part.stat().st_size if part.exists() else 0
    if have > size_bytes:
        part.unlink()  # not the file the registry describes; start over
        have = 0
    if have and have == size_bytes:
        return  # complete from an earlier run; the checksum decides
    host = urllib.parse.urlsplit(url).netloc or url
    headers = {"User-Agent": _USER_AGENT}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        response = urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=timeout_s
        )
    except urllib.error.HTTPError as err:
        if err.code == 416 and have:
            return  # the server says we already hold every byte
        raise ModelError(f"download from {url} failed: HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        reason = getattr(err.reason, "strerror", None) or err.reason
        raise ModelError(f"cannot reach {host}: {reason}; check the network and try again") from err
    except (OSError, http.client.HTTPException) as err:
        raise ModelError(f"cannot reach {host}: {err}; check the network and try again") from err
    with response:
        if have and response.status == 206 and _range_start(response) == have:
            mode = "ab"
            _LOGGER.info("resuming %s at byte %d", url, have)
        else:
            mode, have = "wb", 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length and length.isdigit() else size_bytes
        _copy(response, part, mode, have, total, progress)
    got = part.stat().st_size
    if got < total:
        raise ModelError(
            f"the connection to {host} dropped after {got} of {total} bytes; "
            "run the same command again to resume"
        )


def _range_start(response: http.client.HTTPResponse) -> int:
    content_range = response.headers.get("Content-Range", "")  # "bytes 100-199/200"
    try:
        return int(content_range.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return -1


def _copy(
    response: http.client.HTTPResponse, part: Path, mode: str, have: int, total: int, progress: bool
) -> None:
    from tqdm import tqdm

    try:
        out = part.open(mode)
    except OSError as err:
        raise _disk_error(err, part) from err
    bar = tqdm(
        total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024,
        desc=part.name.removesuffix(PART_SUFFIX), file=sys.stderr, disable=not progress,
    )  # fmt: skip
    with out, bar:
        while True:
            try:
                block = response.read(READ_BLOCK_BYTES)
            except (OSError, http.client.HTTPException) as err:
                _LOGGER.debug("read failed: %r", err)
                break  # a dropped connection: what arrived is kept for the resume
            if not block:
                break
            try:
                out.write(block)
            except OSError as err:
                raise _disk_error(err, part) from err
            bar.update(len(block))


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _verify(entry: ModelEntry, archive: Path) -> None:
    actual = sha256_of(archive)
    if entry.sha256 is None:
        _LOGGER.warning("%s has no sha256 in the registry; this download is %s", entry.name, actual)
        return
    if actual != entry.sha256:
        archive.unlink()  # resuming a wrong file would never fix it
        raise ModelError(
            f"checksum mismatch for {entry.name}: expected sha256 {entry.sha256}, got {actual}; "
            "the download was discarded and nothing was installed"
        )


def _unpack(archive: Path, target: Path, engine: Engine) -> None:
    scratch = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.", suffix=UNPACK_SUFFIX, dir=target.parent)
    )
    try:
        try:
            with zipfile.ZipFile(archive) as bundle:
                bundle.extractall(scratch)  # extractall drops absolute and ".." parts
        except (zipfile.BadZipFile, zlib.error, EOFError) as err:
            archive.unlink()
            raise ModelError(
                f"the archive for {target.name} is corrupt or truncated ({err}); "
                "it was discarded and nothing was installed; run the same command again"
            ) from err
        except OSError as err:
            raise _disk_error(err, scratch) from err
        entries = list(scratch.iterdir())
        root = entries[0] if len(entries) == 1 and entries[0].is_dir() else scratch
        problem = layout_problem(root, engine)
        if problem is not None:
            archive.unlink()
            raise ModelError(f"the archive for {target.name} is not a {engine} model: {problem}")
        _swap_in(root, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _swap_in(new: Path, target: Path) -> None:
    old: Path | None = None
    if target.exists():
        old = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.old.", suffix=UNPACK_SUFFIX, dir=target.parent)
        )
        os.replace(target, old / "model")
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old / "model", target)  # put the previous model back
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
