"""`check-dialogs`: validate consultation files, their intents and their sources."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from voice.check import check_files


def register(subparsers: Any) -> None:
    """Add `check-dialogs`."""
    check = subparsers.add_parser("check-dialogs", help="validate dialog files")
    check.add_argument(
        "files", nargs="*", type=Path, help="consultation.yaml files (default: installed)"
    )
    check.add_argument(
        "--models-dir", type=Path, default=None, help="where to look for installed models"
    )
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate every consultation given, or the installed ones; print one line each."""
    for line in check_files(args.files, args.models_dir):
        print(line)
    return 0
