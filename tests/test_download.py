"""Model downloads against a real loopback HTTP server, and the models CLI as a subprocess."""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_server import LoopbackServer, serving

from voice.download import download_model, part_path
from voice.errors import ModelError
from voice.models import ModelEntry, load_registry

MODEL_NAME = "test-pocketsphinx-en-us"
ARCHIVE_PATH = f"/{MODEL_NAME}.zip"


@pytest.fixture(scope="session")
def model_zip() -> bytes:
    """The real pocketsphinx en-us model from its wheel, zipped once per session (~30 MB)."""
    import pocketsphinx

    source = Path(pocketsphinx.get_model_path()) / "en-us"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:
        for path in sorted(source.rglob("*")):
            bundle.write(path, f"{MODEL_NAME}/{path.relative_to(source)}")
    return buffer.getvalue()


@pytest.fixture
def server(model_zip: bytes) -> Iterator[LoopbackServer]:
    with serving({ARCHIVE_PATH: model_zip}) as running:
        yield running


def _registry_file(tmp_path: Path, url: str, data: bytes, **overrides: object) -> Path:
    entry = {
        "name": MODEL_NAME,
        "locale": "en-US",
        "engine": "pocketsphinx",
        "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "source": {"kind": "url", "url": url},
        **overrides,
    }
    path = tmp_path / "registry.yaml"
    path.write_text(json.dumps({"models": [entry]}), "utf-8")  # JSON is YAML
    return path


def _entry(tmp_path: Path, url: str, data: bytes, **overrides: object) -> ModelEntry:
    return load_registry([_registry_file(tmp_path, url, data, **overrides)]).get(MODEL_NAME)


def _assert_loads(model_dir: Path) -> None:
    from pocketsphinx import Decoder

    decoder = Decoder(
        hmm=str(model_dir / "en-us"),
        dict=str(model_dir / "cmudict-en-us.dict"),
        lm=str(model_dir / "en-us.lm.bin"),
        loglevel="FATAL",
    )
    assert decoder.lookup_word("toe")


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_download_installs_a_model_that_really_loads(
    tmp_path: Path, server: LoopbackServer, model_zip: bytes
) -> None:
    models = tmp_path / "models"
    entry = _entry(tmp_path, server.url(ARCHIVE_PATH), model_zip)
    path = download_model(entry, models, progress=False)
    assert path == models / MODEL_NAME
    assert _leftovers(models) == [MODEL_NAME]  # no .part, no unpack folder
    _assert_loads(path)


def test_dropped_connection_resumes_with_a_range_request(
    tmp_path: Path, server: LoopbackServer, model_zip: bytes
) -> None:
    models = tmp_path / "models"
    entry = _entry(tmp_path, server.url(ARCHIVE_PATH), model_zip)
    server.behaviour.drop_after_bytes = 1_000_000
    with pytest.raises(ModelError, match="dropped after 1000000 of"):
        download_model(entry, models, progress=False)
    assert part_path(entry, models).stat().st_size == 1_000_000
    assert not (models / MODEL_NAME).exists()

    server.behaviour.drop_after_bytes = None
    download_model(entry, models, progress=False)
    assert server.behaviour.requests[-1]["Range"] == "bytes=1000000-"
    assert _leftovers(models) == [MODEL_NAME]
    _assert_loads(models / MODEL_NAME)


def test_server_ignoring_range_restarts_the_download_cleanly(
    tmp_path: Path, server: LoopbackServer, model_zip: bytes
) -> None:
    models = tmp_path / "models"
    entry = _entry(tmp_path, server.url(ARCHIVE_PATH), model_zip)
    server.behaviour.drop_after_bytes = 500_000
    with pytest.raises(ModelError):
        download_model(entry, models, progress=False)
    server.behaviour.drop_after_bytes = None
    server.behaviour.honour_range = False
    download_model(entry, models, progress=False)
    _assert_loads(models / MODEL_NAME)


def test_wrong_checksum_keeps_the_installed_model(
    tmp_path: Path, server: LoopbackServer, model_zip: bytes
) -> None:
    models = tmp_path / "models"
    entry = _entry(tmp_path, server.url(ARCHIVE_PATH), model_zip)
    download_model(entry, models, progress=False)
    before = sorted(p.relative_to(models) for p in models.rglob("*"))

    server.behaviour.wrong_content = True
    with pytest.raises(ModelError, match="checksum mismatch"):
        download_model(entry, models, force=True, progress=False)
    assert sorted(p.relative_to(models) for p in models.rglob("*")) == before
    _assert_loads(models / MODEL_NAME)


def test_wrong_checksum_on_first_download_installs_nothing(
    tmp_path: Path, server: LoopbackServer, model_zip: bytes
) -> None:
    models = tmp_path / "models"
    entry = _entry(tmp_path, server.url(ARCHIVE_PATH), model_zip)
    server.behaviour.wrong_content = True
    with pytest.raises(ModelError, match="nothing was installed"):
        download_model(entry, models, progress=False)
    assert _leftovers(models) == []


def test_truncated_zip_is_discarded_and_installs_nothing(tmp_path: Path, model_zip: bytes) -> None:
    truncated = model_zip[: len(model_zip) // 2]
    with serving({ARCHIVE_PATH: truncated}) as server:
        entry = _entry(tmp_path, server.url(ARCHIVE_PATH), truncated)
        with pytest.raises(ModelError, match="corrupt or truncated"):
            download_model(entry, tmp_path / "models", progress=False)
    assert _leftovers(tmp_path / "models") == []


def test_archive_without_a_model_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("something/README", "not a model")
    data = buffer.getvalue()
    with serving({ARCHIVE_PATH: data}) as server:
        entry = _entry(tmp_path, server.url(ARCHIVE_PATH), data)
        with pytest.raises(ModelError, match="not a pocketsphinx model"):
            download_model(entry, tmp_path / "models", progress=False)
    assert _leftovers(tmp_path / "models") == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused_is_one_clear_error(tmp_path: Path, model_zip: bytes) -> None:
    url = f"http://127.0.0.1:{_closed_port()}{ARCHIVE_PATH}"
    entry = _entry(tmp_path, url, model_zip)
    with pytest.raises(ModelError, match=r"cannot reach 127\.0\.0\.1:\d+: Connection refused"):
        download_model(entry, tmp_path / "models", progress=False)
    assert not (tmp_path / "models" / MODEL_NAME).exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full for a real ENOSPC")
def test_full_disk_is_reported_and_nothing_installed(
    tmp_path: Path, server: LoopbackServer, model_zip: bytes
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    entry = _entry(tmp_path, server.url(ARCHIVE_PATH), model_zip)
    part_path(entry, models).symlink_to("/dev/full")  # every write fails with ENOSPC
    with pytest.raises(ModelError, match="disk full"):
        download_model(entry, models, progress=False)
    assert not (models / MODEL_NAME).exists()


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "toe-assistant"
    return [str(script)] if script.exists() else [sys.executable, "-m", "voice"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_cli(), *args], capture_output=True, text=True, timeout=300, env=env, check=False
    )


@pytest.mark.slow
def test_models_cli_list_path_download_as_a_subprocess(
    tmp_path: Path, server: LoopbackServer, model_zip: bytes
) -> None:
    models = str(tmp_path / "models")
    registry = str(_registry_file(tmp_path, server.url(ARCHIVE_PATH), model_zip))
    common = ["models", "--models-dir", models, "--registry", registry]

    missing = _run(*common, "path", MODEL_NAME)
    assert missing.returncode == 2
    assert f"toe-assistant models download {MODEL_NAME}" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1

    fetched = _run(*common, "download", MODEL_NAME)
    assert fetched.returncode == 0, fetched.stderr
    assert f"installed at {models}/{MODEL_NAME}" in fetched.stdout

    found = _run(*common, "path", MODEL_NAME)
    assert found.returncode == 0
    assert found.stdout.strip() == f"{models}/{MODEL_NAME}"
    _assert_loads(Path(found.stdout.strip()))

    listed = json.loads(_run(*common, "list", "--json").stdout)
    row = next(r for r in listed["models"] if r["name"] == MODEL_NAME)
    assert row["installed"] and row["installed_bytes"] > 30_000_000
    assert listed["models_dir"] == models


def test_models_cli_unknown_name_lists_the_known_ones() -> None:
    result = _run("models", "download", "no-such-model")
    assert result.returncode == 2
    assert "known models:" in result.stderr
    assert "vosk-model-small-en-us-0.15" in result.stderr


def test_models_cli_missing_package_model_says_which_pip_extra(tmp_path: Path) -> None:
    entry = {
        "name": "vosk-model-xx",
        "locale": "ko-KR",
        "engine": "vosk",
        "size_bytes": 1,
        "source": {
            "kind": "package",
            "package": "vosk-model-xx",
            "module": "no_such_module_for_toe_tests",
            "path": "model",
            "extra": "ko",
        },
    }
    registry = tmp_path / "registry.yaml"
    registry.write_text(json.dumps({"models": [entry]}), "utf-8")
    result = _run("models", "--registry", str(registry), "download", "vosk-model-xx")
    assert result.returncode == 2
    assert 'pip install "toe-assistant[ko]"' in result.stderr


def test_models_dir_comes_from_the_environment_variable(tmp_path: Path) -> None:
    env = {**os.environ, "TOE_ASSISTANT_MODELS_DIR": str(tmp_path / "elsewhere")}
    result = _run("models", "list", "--json", env=env)
    assert json.loads(result.stdout)["models_dir"] == str(tmp_path / "elsewhere")
