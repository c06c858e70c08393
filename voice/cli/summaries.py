"""`summaries`: the saved visit summaries, in plain sentences a person can show a doctor."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from voice.errors import UsageError


def register(subparsers: Any) -> None:
    """Add `summaries`."""
    summaries = subparsers.add_parser(
        "summaries",
        help="print the consultations saved by `serve --save-summaries DIR`",
    )
    summaries.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=None,
        metavar="DIR",
        help="the --save-summaries folder (default: $STATE_DIRECTORY, as under the service)",
    )
    summaries.add_argument("--last", type=int, default=None, metavar="N", help="only the last N")
    summaries.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print each saved consultation, oldest first, in its own dialog's language."""
    from voice.content import load_dialog, load_summary_wording
    from voice.locale import resolve_locale
    from voice.summaries import describe, read_summaries

    if args.last is not None and args.last < 1:
        raise UsageError(f"--last {args.last}: give a number of consultations, 1 or more")
    folder = args.folder or _state_directory()
    found = read_summaries(folder)
    if args.last is not None:
        found = found[-args.last :]
    wordings = {}
    if not found:
        dialog = load_dialog(resolve_locale(None))
        print(load_summary_wording(dialog).none_saved.format(folder=folder))
        return 0
    for index, summary in enumerate(found):
        if summary.locale not in wordings:
            dialog = load_dialog(summary.locale)
            wordings[summary.locale] = (dialog, load_summary_wording(dialog))
        dialog, wording = wordings[summary.locale]
        if index:
            print()
        print("\n".join(describe(summary, dialog, wording)))
    return 0


def _state_directory() -> Path:
    folder = os.environ.get("STATE_DIRECTORY")
    if not folder:
        raise UsageError("give the folder the summaries were saved in: summaries DIR")
    return Path(folder.split(":")[0])
