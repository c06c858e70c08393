"""`simulate`: a spoken consultation with the answers taken from WAV files or text."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from voice.audio import AudioChunk, read_wav, resample
from voice.cli.spoken import add_voice_options, person_voice, spoken_setup
from voice.errors import UsageError
from voice.files import shown
from voice.intents import MAX_ANSWER_CHARS
from voice.listeners import ANY_QUESTION
from voice.tts import Synthesizer


def register(subparsers: Any) -> None:
    """Add `simulate`."""
    simulate = subparsers.add_parser(
        "simulate", help="a spoken consultation with the answers taken from WAV files or text"
    )
    add_voice_options(simulate)
    simulate.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QID=@FILE.wav|QID=TEXT",
        help="the answer to question QID ('*' for any other question; none: silence): a WAV file, "
        "or text spoken by the TTS engine; repeat for each question",
    )
    simulate.add_argument("--answer-voice", default=None, help="TTS voice for text answers")
    simulate.add_argument("--answer-rate", type=int, default=None, help="words per minute")
    simulate.add_argument("--record", type=Path, default=None, help="write both sides to a WAV")
    simulate.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Play each prepared answer to the recognizer as a microphone would."""
    from voice.listeners import PreparedAnswers
    from voice.recording import Recording

    if not args.answer:
        raise UsageError("give the answers: --answer QID=@file.wav or --answer QID=text")
    setup = spoken_setup(args)
    person = person_voice(args.answer_voice or setup.dialog.consultation.voice, args.answer_rate)
    rate_hz = setup.recognizer.sample_rate_hz
    answers = {
        question: resample(audio, rate_hz)
        for question, audio in _answers(args.answer, setup.dialog.consultation.questions, person)
    }
    recording = Recording()
    run = setup.consultation(recording, PreparedAnswers(answers, rate_hz), hear_tap=recording.play)
    try:
        run.run()
    finally:
        if args.record is not None:
            recording.save(args.record)
    return 0


def _answers(
    specs: list[str], questions: Mapping[str, object], person: Synthesizer
) -> Iterator[tuple[str, AudioChunk]]:
    """Parse --answer QID=@file.wav / QID=text; unknown ids and unreadable files are errors."""
    for spec in specs:
        question, sep, value = spec.partition("=")
        question = question.strip()
        if not sep or not question or not value:
            raise UsageError(f"--answer '{shown(spec)}': write QID=@file.wav or QID=text")
        if question != ANY_QUESTION and question not in questions:
            known = ", ".join(questions)
            raise UsageError(
                f"--answer '{shown(spec)}': unknown question '{shown(question)}'; known: {known}"
            )
        if value.startswith("@"):
            yield question, read_wav(Path(value[1:]))
        elif len(value) > MAX_ANSWER_CHARS:
            raise UsageError(
                f"--answer {question}=...: {len(value)} characters is not an answer; "
                f"give at most {MAX_ANSWER_CHARS} (a few words, as a person would say them)"
            )
        else:
            yield question, person.synthesize(value)
