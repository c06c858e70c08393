"""`simulate`: a spoken consultation with the answers taken from WAV files or text."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from voice.audio import AudioChunk, read_wav
from voice.cli.spoken import (
    add_voice_options,
    meaning_of,
    person_voice,
    simulated_person,
    spoken_setup,
)
from voice.errors import UsageError
from voice.files import check_writable
from voice.intents import MAX_ANSWER_CHARS
from voice.listeners import ANY_QUESTION
from voice.schema import AnswerValue, Dialog
from voice.tts import Synthesizer

REPLY_WORDS = ("yes", "no", "more", "less", "unsure")


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
    simulate.add_argument(
        "--means",
        action="append",
        default=[],
        metavar="QID=TEXT",
        help="what the answer to QID means, written as typed text would give it (e.g. "
        "weakness=no, duration='about a week'); the person then says yes to a confirmation or "
        "readback that matches it and no otherwise. A text answer carries its own meaning",
    )
    simulate.add_argument(
        "--reply",
        action="append",
        default=[],
        metavar="WORD=@FILE.wav|WORD=TEXT",
        help="how the person says yes, no, more, less or unsure (default: the dialog's "
        "demo words in the answers' voice)",
    )
    simulate.add_argument("--answer-voice", default=None, help="TTS voice for text answers")
    simulate.add_argument("--answer-rate", type=int, default=None, help="words per minute")
    simulate.add_argument("--record", type=Path, default=None, help="write both sides to a WAV")
    simulate.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Play each prepared answer to the recognizer as a microphone would."""
    from voice.recording import Recording

    if not args.answer:
        raise UsageError("give the answers: --answer QID=@file.wav or --answer QID=text")
    if args.record is not None:
        check_writable(args.record, "the recording")
    setup = spoken_setup(args)
    dialog = setup.dialog
    voice = person_voice(args.answer_voice or dialog.consultation.voice, args.answer_rate)
    answers: dict[str, AudioChunk] = {}
    means: dict[str, AnswerValue] = {}
    for question, audio, text in _answers(args.answer, dialog.consultation.questions, voice):
        answers[question] = audio
        meaning = meaning_of(dialog, text) if text is not None else None
        if meaning is not None:
            means[question] = meaning
    means.update(_means(args.means, dialog))
    means = _spread(means, dialog)
    replies = dict(_replies(args.reply, voice))
    person = simulated_person(setup, answers, means, voice, replies)
    recording = Recording()
    run = setup.consultation(recording, person, hear_tap=recording.play)
    try:
        run.run()
    finally:
        if args.record is not None:
            recording.save(args.record)
    return 0


def _answers(
    specs: list[str], questions: Mapping[str, object], voice: Synthesizer
) -> Iterator[tuple[str, AudioChunk, str | None]]:
    """Parse --answer QID=@file.wav / QID=text: the audio, and the text when there is one."""
    for spec in specs:
        question, value = _split(spec, "--answer", "QID=@file.wav or QID=text")
        _known(question, questions, f"--answer {_quoted(spec)}")
        if value.startswith("@"):
            yield question, read_wav(Path(value[1:])), None
        else:
            yield question, voice.synthesize(_spoken(value, "--answer", question)), value


def _means(specs: list[str], dialog: Dialog) -> Iterator[tuple[str, AnswerValue]]:
    for spec in specs:
        question, text = _split(spec, "--means", "QID=TEXT, e.g. --means weakness=no")
        _known(question, dialog.consultation.questions, f"--means {_quoted(spec)}")
        meaning = meaning_of(dialog, text)
        if meaning is None:
            raise UsageError(
                f"--means {_quoted(spec)}: {_quoted(text)} is not an answer the dialog "
                "understands; write it as typed text, e.g. no, not sure, about a week"
            )
        yield question, meaning


def _spread(means: dict[str, AnswerValue], dialog: Dialog) -> dict[str, AnswerValue]:
    """A meaning given for '*' holds for every question not named."""
    if ANY_QUESTION not in means:
        return means
    default = means.pop(ANY_QUESTION)
    return {q: means.get(q, default) for q in dialog.consultation.questions}


def _replies(specs: list[str], voice: Synthesizer) -> Iterator[tuple[str, AudioChunk]]:
    for spec in specs:
        word, value = _split(spec, "--reply", "WORD=@file.wav or WORD=text")
        if word not in REPLY_WORDS:
            raise UsageError(f"--reply {_quoted(spec)}: WORD is one of {', '.join(REPLY_WORDS)}")
        if value.startswith("@"):
            yield word, read_wav(Path(value[1:]))
        else:
            yield word, voice.synthesize(_spoken(value, "--reply", word))


def _spoken(text: str, option: str, key: str) -> str:
    """Text a person would say as an answer; a 20,000-word "answer" would take hours to speak."""
    if len(text) > MAX_ANSWER_CHARS:
        raise UsageError(
            f"{option} {key}=...: {len(text)} characters is not an answer; "
            f"give at most {MAX_ANSWER_CHARS} (a few words, as a person would say them)"
        )
    return text


def _split(spec: str, option: str, form: str) -> tuple[str, str]:
    key, sep, value = spec.partition("=")
    if not sep or not key.strip() or not value:
        raise UsageError(f"{option} {_quoted(spec)}: write {form}")
    return key.strip(), value


def _known(question: str, questions: Mapping[str, object], where: str) -> None:
    if question != ANY_QUESTION and question not in questions:
        known = ", ".join(questions)
        raise UsageError(f"{where}: unknown question {_quoted(question)}; known: {known}")


def _quoted(text: str) -> str:
    """Text from the command line, escaped and cut short enough for a one-line message."""
    return repr(text if len(text) <= 60 else text[:57] + "...")
