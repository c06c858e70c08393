"""`sentences`: the consultation's phrases for a speech-to-text service (Speech-to-Phrase)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

FORMATS = ("speech-to-phrase",)


def register(subparsers: Any) -> None:
    """Add `sentences`."""
    sentences = subparsers.add_parser(
        "sentences",
        help="write the consultation's phrases as custom sentences for Speech-to-Phrase",
        description="Write every phrase the consultation listens for, and the phrases that "
        "start one, as DIR/<locale>/toe_assistant.yaml: give DIR to Speech-to-Phrase's "
        "--custom-sentences-dir so Home Assistant's offline recognizer can hear the answers.",
    )
    sentences.add_argument("folder", type=Path, metavar="DIR", help="the custom sentences folder")
    sentences.add_argument(
        "--format", choices=FORMATS, default=FORMATS[0], help="whose format (default: %(default)s)"
    )
    sentences.add_argument(
        "--locale",
        action="append",
        default=None,
        help="a dialog locale; repeat for more (default: from LANG, else en)",
    )
    sentences.set_defaults(func=run, log_names=("voice.speech_to_phrase",))


def run(args: argparse.Namespace) -> int:
    """Write one file per locale and print its path."""
    from voice.content import load_dialog
    from voice.locale import resolve_locale
    from voice.speech_to_phrase import export

    locales = list(dict.fromkeys(resolve_locale(tag) for tag in args.locale or [None]))
    for locale in locales:
        print(export(load_dialog(locale), args.folder))
    return 0
