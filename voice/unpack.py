"""Unpack a verified model archive into the models folder: checked first, swapped in whole."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from voice.errors import ModelError
from voice.files import shown
from voice.models import Engine, layout_problem

UNPACK_SUFFIX = ".unpacking"
# A speech model is mostly already-compressed binary: the shipped ones unpack to under 2x their
# archive. Ten times leaves room for any honest model and refuses a zip bomb before it lands.
MAX_UNPACK_RATIO = 10
_ENCRYPTED = 0x1  # general purpose bit 0: zipfile would ask for a password
MAX_ENTRIES = 20_000  # the largest vosk model has a few hundred files
_KEEP_ARCHIVE = (errno.ENOSPC, errno.EDQUOT)  # the archive is fine; the disk is not
# What zipfile raises on a damaged archive: besides BadZipFile, a name flagged UTF-8 that is
# not (UnicodeDecodeError, a ValueError, found by atheris), bad offsets, bad compression data.
_CORRUPT = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    ValueError,
    struct.error,
    OverflowError,
)


class ArchiveRefused(ModelError):
    """The archive itself is unusable; the download is discarded, so a rerun starts afresh."""


def unpack(archive: Path, target: Path, engine: Engine, max_bytes: int) -> None:
    """Unpack ``archive`` as the model folder ``target``; on any error nothing is installed.

    The archive is deleted when it is the problem (so the next run downloads it again) and
    kept when the disk is (so the next run, with space freed, needs no download).
    """
    scratch = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.", suffix=UNPACK_SUFFIX, dir=target.parent)
    )
    try:
        try:
            _extract(archive, scratch, max_bytes)
            entries = list(scratch.iterdir())
            root = entries[0] if len(entries) == 1 and entries[0].is_dir() else scratch
            problem = layout_problem(root, engine)
            if problem is not None:
                raise ArchiveRefused(f"it is not a {engine} model: {problem}")
            _swap_in(root, target)
        except ArchiveRefused as err:
            archive.unlink(missing_ok=True)
            raise ArchiveRefused(
                f"the archive for {target.name} was refused: {err}; "
                "it was discarded and nothing was installed"
            ) from err
        except OSError as err:
            if err.errno in _KEEP_ARCHIVE:
                raise ModelError(
                    f"disk full while unpacking {target.name} in {shown(target.parent)}; "
                    "free space and run the same command again"
                ) from err
            archive.unlink(missing_ok=True)
            raise ModelError(
                f"the archive for {target.name} could not be unpacked "
                f"({err.strerror or type(err).__name__}); it was discarded and nothing was "
                "installed"
            ) from err
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _extract(archive: Path, scratch: Path, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            check_members(members, max_bytes)
            free = shutil.disk_usage(scratch).free
            total = sum(member.file_size for member in members)
            if total > free:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            bundle.extractall(scratch)
    except _CORRUPT as err:
        raise ArchiveRefused(f"it is corrupt or truncated ({type(err).__name__})") from err


def check_members(members: list[zipfile.ZipInfo], max_bytes: int) -> None:
    """Refuse links, paths leaving the folder, too many entries or too much unpacked data."""
    if len(members) > MAX_ENTRIES:
        raise ArchiveRefused(f"it holds {len(members)} entries, more than {MAX_ENTRIES}")
    total = 0
    for member in members:
        mode = member.external_attr >> 16
        if member.flag_bits & _ENCRYPTED:
            raise ArchiveRefused(f"{shown(member.filename)} is encrypted")
        if stat.S_ISLNK(mode):
            raise ArchiveRefused(f"it contains a link ({shown(member.filename)})")
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if not parts or parts[0] == "/" or ".." in parts or ":" in parts[0]:
            raise ArchiveRefused(f"it names a path outside its folder ({shown(member.filename)})")
        total += member.file_size
    if total > max_bytes:
        raise ArchiveRefused(
            f"it would unpack to {total // 1_000_000} MB, more than the "
            f"{max_bytes // 1_000_000} MB a model of this size can need"
        )


def max_unpacked_bytes(archive_bytes: int) -> int:
    """The most a model archive of this size may unpack to."""
    return archive_bytes * MAX_UNPACK_RATIO


def remove_stale(name: str, directory: Path) -> None:
    """Remove unpack folders left by a run killed mid-unpack (they never look installed)."""
    for stale in directory.glob(f".{name}.*{UNPACK_SUFFIX}"):
        shutil.rmtree(stale, ignore_errors=True)


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
