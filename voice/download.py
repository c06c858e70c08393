"""Fetch a model archive over HTTPS with resume and a size cap, verify it, then unpack it."""

from __future__ import annotations

import errno
import hashlib
import http.client
import ipaddress
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO

from voice.errors import ModelError, UsageError
from voice.files import shown
from voice.models import ModelEntry, UrlSource, installed_path
from voice.unpack import max_unpacked_bytes, remove_stale, unpack

_LOGGER = logging.getLogger(__name__)

READ_BLOCK_BYTES = 64 * 1024
DEFAULT_TIMEOUT_S = 30.0
PART_SUFFIX = ".zip.part"
SIZE_SLACK = 0.1  # a registry entry without a checksum may state its size roughly
_USER_AGENT = "toe-assistant-model-download/1"
_LOOPBACK_NAMES = ("localhost",)


def part_path(entry: ModelEntry, directory: Path) -> Path:
    """Where the archive of ``entry`` is kept while it downloads (resumable)."""
    return directory / f"{entry.name}{PART_SUFFIX}"


def max_download_bytes(entry: ModelEntry) -> int:
    """The most that may be written for ``entry``: its registry size, with a little slack."""
    return entry.size_bytes + int(entry.size_bytes * SIZE_SLACK)


def checked_url(url: str, origin: str = "--url") -> str:
    """``url`` when it is https (or http to this machine); one clear UsageError otherwise.

    ``origin`` names where the URL came from; the URL itself is echoed only once it is known
    to carry no password.
    """
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        _ = parts.port  # a port that is not a number raises here
    except ValueError as err:
        raise UsageError(f"{origin}: not a valid URL ({err})") from err
    if parts.username is not None or parts.password is not None:
        # never echo it: the line would carry the password into logs and terminals
        raise UsageError(
            f"{origin}: a URL with a user name or password is not supported; use one without"
        )
    if parts.scheme not in ("http", "https"):
        raise UsageError(f"{origin} '{shown(url)}': only https:// addresses are fetched")
    if not host:
        raise UsageError(f"{origin} '{shown(url)}': give a full https:// address")
    if parts.scheme == "http" and not _loopback(host):
        raise UsageError(f"{origin} '{shown(url)}': only https:// addresses are fetched")
    return url


def _loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def where(url: str) -> str:
    """A URL fit for a message: scheme, host and path, without any query or credentials."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return shown(f"{parts.scheme}://{host}{port}{parts.path}")


def _host(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return shown(f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname))


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to https, or from this machine to this machine in tests."""

    max_redirections = 5

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        target = urllib.parse.urlsplit(newurl)
        source = urllib.parse.urlsplit(req.full_url)
        local = (
            source.scheme == "http" and target.scheme == "http" and _loopback(target.hostname or "")
        )
        if target.scheme != "https" and not local:
            raise ModelError(
                f"{where(req.full_url)} redirects to a {target.scheme or 'relative'}: address; "
                "only https:// is followed"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """HTTP and HTTPS only: no file:, data: or ftp: handler exists to be reached."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


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
    source = (
        checked_url(entry.source.url, f"the registry's URL for {entry.name}")
        if url is None
        else checked_url(url)
    )
    target = directory / entry.name
    if not force and installed_path(entry, directory) is not None:
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelError(
            f"cannot create the models folder {shown(directory)}: {err.strerror}"
        ) from err
    remove_stale(entry.name, directory)
    archive = part_path(entry, directory)
    _fetch(source, archive, entry, progress, timeout_s)
    _verify(entry, archive)
    unpack(archive, target, entry.engine, max_unpacked_bytes(entry.size_bytes))
    archive.unlink()
    return target


def _disk_error(err: OSError, path: Path) -> ModelError:
    if err.errno == errno.ENOSPC:
        return ModelError(
            f"disk full while writing {shown(path)}; free space in {shown(path.parent)} and run "
            "the same command again (the download resumes)"
        )
    return ModelError(f"cannot write {shown(path)}: {err.strerror}")


def _fetch(url: str, part: Path, entry: ModelEntry, progress: bool, timeout_s: float) -> None:
    size_bytes, cap = entry.size_bytes, max_download_bytes(entry)
    have = part.stat().st_size if part.exists() else 0
    if have > cap:
        part.unlink()  # not the file the registry describes; start over
        have = 0
    if have and have >= size_bytes:
        return  # complete from an earlier run; the checksum decides
    host = _host(url)
    headers = {"User-Agent": _USER_AGENT}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        response = _opener().open(urllib.request.Request(url, headers=headers), timeout=timeout_s)
    except urllib.error.HTTPError as err:
        if err.code == 416 and have:
            return  # the server says we already hold every byte
        said = " ".join(str(err.reason).split())  # a server's text, kept to one line
        raise ModelError(f"download from {where(url)} failed: HTTP {err.code} {said}") from err
    except urllib.error.URLError as err:
        reason = getattr(err.reason, "strerror", None) or err.reason
        raise ModelError(f"cannot reach {host}: {reason}; check the network and try again") from err
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise ModelError(f"cannot reach {host}: {err}; check the network and try again") from err
    with response:
        if have and response.status == 206 and _range_start(response) == have:
            mode = "ab"
            _LOGGER.info("resuming %s at byte %d", host, have)
        else:
            mode, have = "wb", 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length and length.isdigit() else size_bytes
        if total > cap:
            raise ModelError(
                f"{host} offers {total} bytes for {entry.name}, which is {size_bytes} bytes; "
                "nothing was downloaded"
            )
        _copy(response, part, mode, have, total, cap, progress)
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
    response: http.client.HTTPResponse,
    part: Path,
    mode: str,
    have: int,
    total: int,
    cap: int,
    progress: bool,
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
            have += len(block)
            if have > cap:
                out.close()
                part.unlink()  # more than the model can be: never keep or resume it
                raise ModelError(
                    f"the server sent more than {cap} bytes, more than the model can be; "
                    "the download was discarded and nothing was installed"
                )
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
