"""Hostile and careless downloads: only https, bounded size, safe archives, no secrets echoed.

Each case runs against a real HTTP server on loopback (tests/http_server.py); each was a
failure in issue 11 (file:///dev/zero filled 40 GB, a zip bomb installed, ...).
"""

from __future__ import annotations

import hashlib
import io
import json
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from http_server import serving

from tests.chat_driver import toe_assistant
from voice.download import download_model, part_path
from voice.errors import ModelError, UsageError
from voice.models import ModelEntry, load_registry

NAME = "test-model"
PATH = f"/{NAME}.zip"


def archive(files: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    """A zip holding ``files`` and, as unix symlink entries, ``links`` (name -> target)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, target)
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def registry(tmp_path: Path, url: str, data: bytes, **overrides: object) -> Path:
    entry = {
        "name": NAME, "locale": "en-US", "engine": "pocketsphinx", "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(), "source": {"kind": "url", "url": url},
        **overrides,
    }  # fmt: skip
    path = tmp_path / "registry.yaml"
    path.write_text(json.dumps({"models": [entry]}), "utf-8")
    return path


def entry(tmp_path: Path, url: str, data: bytes, **overrides: object) -> ModelEntry:
    return load_registry([registry(tmp_path, url, data, **overrides)]).get(NAME)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


SMALL = archive({f"{NAME}/README": b"not a model"})


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:///dev/zero", "only https://"),
        ("data:,hello", "only https://"),
        ("ftp://127.0.0.1/model.zip", "only https://"),
        ("", "only https://"),
        ("/etc/passwd", "only https://"),
        ("http://example.com/model.zip", "only https://"),
        ("https:///model.zip", "give a full https:// address"),
        ("http://[::1", "not a valid URL"),
        ("https://127.0.0.1:port/model.zip", "not a valid URL"),
    ],
)
def test_only_https_urls_are_fetched(tmp_path: Path, url: str, says: str) -> None:
    models = tmp_path / "models"
    with pytest.raises(UsageError, match=says):
        download_model(entry(tmp_path, "https://127.0.0.1/x.zip", SMALL), models, url=url)
    assert leftovers(models) == []


def test_credentials_in_a_url_are_never_echoed(tmp_path: Path) -> None:
    for url in ("https://user:s3cret@127.0.0.1/m.zip", "https://user:s3cret@[::1"):
        with pytest.raises(UsageError) as caught:
            download_model(entry(tmp_path, url, SMALL), tmp_path / "models", url=url)
        assert "s3cret" not in str(caught.value) and "user" not in str(caught.value).split(":")[0]


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/m.zip", "file:///etc/passwd", "data:,x"])
def test_redirects_only_to_https(tmp_path: Path, target: str) -> None:
    with serving({PATH: SMALL}) as server:
        server.behaviour.redirects[PATH] = target
        with pytest.raises(ModelError, match=r"only https:// is followed|is not allowed"):
            download_model(entry(tmp_path, server.url(PATH), SMALL), tmp_path / "models")
    assert leftovers(tmp_path / "models") == []


def test_a_redirect_on_loopback_is_followed(tmp_path: Path) -> None:
    data = archive({f"{NAME}/README": b"x"})
    with serving({PATH: data, "/elsewhere.zip": data}) as server:
        server.behaviour.redirects[PATH] = server.url("/elsewhere.zip")
        seen = server.behaviour.requests
        with pytest.raises(ModelError, match="not a pocketsphinx model"):
            download_model(entry(tmp_path, server.url(PATH), data), tmp_path / "models")
        assert len(seen) > 1  # the redirect was followed to the second address


@pytest.mark.parametrize("omit_length", [True, False], ids=["no-length", "long-length"])
def test_more_bytes_than_the_registry_size_are_never_written(
    tmp_path: Path, omit_length: bool
) -> None:
    models = tmp_path / "models"
    with serving({PATH: SMALL}) as server:
        server.behaviour.omit_length = omit_length
        server.behaviour.extra_bytes = 20_000_000  # 300 MB for a 41 MB model, scaled down
        says = "sent more than" if omit_length else "offers"
        with pytest.raises(ModelError, match=f"{says} .*nothing was"):
            download_model(entry(tmp_path, server.url(PATH), SMALL), models, progress=False)
    assert leftovers(models) == []  # no .part to resume from: it was not the model


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = archive({f"{NAME}/zeros": bytes(50_000_000)})  # 50 kB that unpack to 50 MB
    models = tmp_path / "models"
    with serving({PATH: bomb}) as server, pytest.raises(ModelError, match="would unpack to 50 MB"):
        download_model(entry(tmp_path, server.url(PATH), bomb), models, progress=False)
    assert leftovers(models) == []


@pytest.mark.parametrize(
    "links",
    [{f"{NAME}/evil": "/etc/passwd"}, {f"{NAME}/d": "/tmp"}],
    ids=["link-to-file", "link-then-file-under-it"],
)
def test_symlink_entries_are_refused_and_a_rerun_starts_afresh(
    tmp_path: Path, links: dict[str, str]
) -> None:
    files = {f"{NAME}/d/x": b"x"} if f"{NAME}/d" in links else {f"{NAME}/README": b"x"}
    bad = archive(files, links)
    models = tmp_path / "models"
    with serving({PATH: bad}) as server:
        model = entry(tmp_path, server.url(PATH), bad)
        for _ in range(2):  # the second run downloads again rather than failing on a .part
            with pytest.raises(ModelError, match="contains a link"):
                download_model(model, models, progress=False)
            assert leftovers(models) == []
        assert len(server.behaviour.requests) == 2


@pytest.mark.parametrize("name", ["../escape/x", "/abs/x", "C:/x"])
def test_entries_leaving_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    bad = archive({name: b"x"})
    with serving({PATH: bad}) as server, pytest.raises(ModelError, match="outside its folder"):
        download_model(entry(tmp_path, server.url(PATH), bad), tmp_path / "models")
    assert not (tmp_path / "escape").exists()
    assert leftovers(tmp_path / "models") == []


def test_models_cli_bad_url_is_one_line_without_the_password(tmp_path: Path) -> None:
    for url in ("", "file:///dev/zero", "http://[::1", "https://me:hunter2@[::1"):
        done = subprocess.run(
            [*toe_assistant(), "models", "--models-dir", str(tmp_path), "download",
             "vosk-model-small-en-us-0.15", "--url", url, "--quiet"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.splitlines()) == 1 and "hunter2" not in done.stderr
    assert leftovers(tmp_path) == []


def test_part_file_larger_than_the_model_is_discarded(tmp_path: Path) -> None:
    models = tmp_path / "models"
    data = archive({f"{NAME}/README": b"x"})
    with serving({PATH: data}) as server:
        model = entry(tmp_path, server.url(PATH), data)
        models.mkdir()
        part_path(model, models).write_bytes(bytes(len(data) * 2))
        with pytest.raises(ModelError, match="not a pocketsphinx model"):
            download_model(model, models, progress=False)
    assert leftovers(models) == []
