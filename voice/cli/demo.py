"""`demo`: a whole spoken consultation with a scripted person; nothing to download."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from voice.cli.spoken import (
    add_voice_options,
    meaning_of,
    person_voice,
    simulated_person,
    spoken_setup,
)
from voice.demo import load_demo
from voice.files import check_writable, shown


def register(subparsers: Any) -> None:
    """Add `demo`."""
    demo = subparsers.add_parser(
        "demo", help="a complete spoken demo consultation; no download or sound card needed"
    )
    add_voice_options(demo)
    demo.add_argument("--scenario", default=None, help="which demo person (see dialogs' demo.yaml)")
    demo.add_argument(
        "--output", type=Path, default=Path("toe-assistant-demo.wav"), help="the WAV to write"
    )
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo person's consultation and save both sides as a WAV."""
    from voice.recording import Recording

    check_writable(args.output, "the recording")
    setup = spoken_setup(args)
    scenario = load_demo(setup.dialog, args.scenario)
    voice = person_voice(scenario.voice, scenario.rate_wpm)
    answers = {q: voice.synthesize(text) for q, text in scenario.answers.items()}
    means = {q: meaning_of(setup.dialog, text) for q, text in scenario.answers.items()}
    known = {q: meant for q, meant in means.items() if meant is not None}
    person = simulated_person(setup, answers, known, voice)
    recording = Recording()
    result = setup.consultation(recording, person, hear_tap=recording.play).run()
    recording.save(args.output)
    if not args.jsonl:
        where = shown(args.output.resolve())
        print(f"saved the conversation ({recording.duration_s:.0f} s) to {where}")
    return 0 if result.outcome is not None else 1
