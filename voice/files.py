"""Where files enter and leave: bounded, checked reads of text and YAML, and atomic writes.

Every file the program reads (dialogs, intents, the model registry, the demo people, the
clinical source) comes through ``read_text`` or ``load_yaml``; every file it writes goes
through ``write_atomic``. Problems become one typed error that names the file and says what
to do, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from voice.errors import ToeAssistantError, UsageError

MAX_TEXT_BYTES = 2_000_000  # the largest shipped file (Korean intents) is about 20 kB
MAX_YAML_DEPTH = 32  # shipped files nest 6 deep; deep nesting only exhausts the parser
_Model = TypeVar("_Model", bound=BaseModel)


def shown(path: Path | str) -> str:
    """A path fit for a one-line message: control characters and escapes made visible."""
    text = str(path)
    if text.isprintable():
        return text
    return repr(text)[1:-1]


def read_bytes(
    path: Path, error: type[ToeAssistantError], max_bytes: int, what: str = "file"
) -> bytes:
    """The bytes of ``path``, refusing more than ``max_bytes`` (a device or pipe never ends)."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise error(f"{shown(path)}: cannot read the {what} ({reason})") from err
    if len(data) > max_bytes:
        raise error(
            f"{shown(path)}: the {what} is larger than {_size(max_bytes)}; is it the right file?"
        )
    return data


def _size(count: int) -> str:
    return f"{count // 1_000_000} MB" if count >= 10_000_000 else f"{count // 1000} kB"


def inside(folder: Path, relative: str, error: type[ToeAssistantError], origin: str) -> Path:
    """``folder / relative``, refused unless it resolves (links followed) inside ``folder``."""
    base = folder.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise error(
            f"{origin}: {shown(relative)} is outside {shown(folder)}; "
            "name a file in the same folder"
        )
    return target


def read_text(path: Path, error: type[ToeAssistantError], max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of ``path``, at most ``max_bytes`` long; ``error`` says what went wrong."""
    data = read_bytes(path, error, max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise error(
            f"{shown(path)}: not UTF-8 text (byte {err.start}); save it with UTF-8 encoding"
        ) from err


# libyaml's loader where PyYAML was built with it (every wheel is): the same safe loading, several
# times faster, so the dialog loads in a fraction of the time
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, origin: str, error: type[ToeAssistantError]) -> Any:
    """Parse YAML safely (no tags, bounded nesting); ``origin`` names it in errors."""
    try:
        _check_depth(text, origin, error)
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or "invalid YAML"
        if "nesting depth" in problem:  # libyaml's own limit, met before ours on one line
            problem = f"nested more than {MAX_YAML_DEPTH} levels deep"
        raise error(f"{origin}{where}: {problem}") from err
    except ValueError as err:  # PyYAML's constructors: "0b_" as a number, "2001-02-30" as a date
        raise error(
            f"{origin}: a value looks like a number or date but is not one ({err}); "
            "put it in quotes if it is text"
        ) from err


def _check_depth(text: str, origin: str, error: type[ToeAssistantError]) -> None:
    """Refuse deep nesting before composing it: PyYAML would recurse until it crashes."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise error(f"{origin}:{line}: nested more than {MAX_YAML_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def validate(model: type[_Model], data: Any, origin: str, error: type[ToeAssistantError]) -> _Model:
    """Check parsed data against a schema; the first problem names the file and field."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
        raise error(f"{origin}: {field}: {first['msg']}{more}") from err


def read_yaml(path: Path, error: type[ToeAssistantError]) -> Any:
    """Read and parse one YAML file, not yet checked against a schema."""
    return parse_yaml(read_text(path, error), shown(path), error)


def load_yaml(path: Path, model: type[_Model], error: type[ToeAssistantError]) -> _Model:
    """Read, parse and validate one YAML file against ``model``."""
    return validate(model, read_yaml(path, error), shown(path), error)


def write_atomic(
    path: Path, write: Callable[[IO[bytes]], object], what: str = "the file", mode: int = 0o644
) -> None:
    """Write ``path`` through a temporary file beside it, then rename: never half a file.

    ``write`` fills the open temporary file. On any failure the temporary file is removed,
    an existing ``path`` is left as it was, and a UsageError says why in one line.
    """
    target = Path(path)
    try:
        if target.is_dir():
            raise UsageError(f"cannot write {what} to {shown(target)}: it is a folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        with _temporary_beside(target, mode) as (handle, temporary):
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(temporary, target)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise UsageError(f"cannot write {what} to {shown(target)}: {reason}") from err


def check_writable(path: Path, what: str = "the file") -> None:
    """Fail now, not after a whole consultation, when ``path`` clearly cannot be written.

    A folder, or a folder where no file can be created (read-only, /proc), is one UsageError;
    anything else is found out by write_atomic itself.
    """
    target = Path(path)
    try:
        if target.is_dir():
            raise UsageError(f"cannot write {what} to {shown(target)}: it is a folder")
        folder = next((p for p in (target.parent, *target.parent.parents) if p.exists()), None)
        if folder is None:
            return
        if not folder.is_dir():
            raise UsageError(f"cannot write {what} to {shown(target)}: {shown(folder)} is a file")
        with _temporary_beside(folder / target.name, 0o600):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise UsageError(f"cannot write {what} to {shown(target)}: {reason}") from err


@contextlib.contextmanager
def _temporary_beside(target: Path, mode: int) -> Iterator[tuple[IO[bytes], Path]]:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temporary = Path(name)
    handle = os.fdopen(fd, "wb")
    try:
        os.fchmod(fd, mode)
        yield handle, temporary
    finally:
        if not handle.closed:
            handle.close()
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def append_line(path: Path, line: str, what: str = "the file", mode: int = 0o600) -> None:
    """Append one line in a single write, then fsync: the file never ends in half a line.

    A short or failed write (a full disk) is cut back off before the error is raised, so the
    file is as it was. The file is created with ``mode`` and kept at it.
    """
    target = Path(path)
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, mode)
    except OSError as err:
        raise UsageError(f"cannot write {what} to {shown(target)}: {err.strerror}") from err
    try:
        os.fchmod(fd, mode)
        size = os.fstat(fd).st_size
        try:
            if os.write(fd, data) != len(data):
                raise OSError(errno.ENOSPC, "the line was cut short (is the disk full?)")
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, size)
            raise
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise UsageError(f"cannot write {what} to {shown(target)}: {reason}") from err
    finally:
        os.close(fd)
