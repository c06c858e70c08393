"""Consultations by voice: `listen` (the default command), `simulate` and `demo`."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice.asr import ENGINES, Recognizer, make_recognizer
from voice.audio import AudioChunk, AudioSink, read_wav, resample
from voice.cli.output import EventPrinter
from voice.content import Dialog, load_dialog
from voice.demo import load_demo
from voice.errors import UsageError
from voice.listeners import ANY_QUESTION
from voice.locale import resolve_locale
from voice.session import Listener, SpokenConsultation
from voice.tts import Pyttsx3Synthesizer, Synthesizer, TtsSettings


def register(subparsers: Any) -> None:
    """Add listen (the default command), simulate and demo."""
    listen = subparsers.add_parser(
        "listen", help="one live consultation: microphone in, speaker out (the default)"
    )
    _voice_options(listen)
    listen.add_argument("--input-device", default=None, help="microphone index or name")
    listen.add_argument("--output-device", default=None, help="speaker index or name")
    listen.set_defaults(func=_listen_command)

    simulate = subparsers.add_parser(
        "simulate", help="a spoken consultation with the answers taken from WAV files or text"
    )
    _voice_options(simulate)
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
    simulate.set_defaults(func=_simulate_command)

    demo = subparsers.add_parser(
        "demo", help="a complete spoken demo consultation; no download or sound card needed"
    )
    _voice_options(demo)
    demo.add_argument("--scenario", default=None, help="which demo person (see dialogs' demo.yaml)")
    demo.add_argument(
        "--output", type=Path, default=Path("toe-assistant-demo.wav"), help="the WAV to write"
    )
    demo.set_defaults(func=_demo_command)


def _voice_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", default="auto", choices=ENGINES, help="speech recognizer")
    parser.add_argument("--locale", default=None, help="dialog locale (default: LANG, else en)")
    parser.add_argument("--model", type=Path, default=None, help="an unpacked vosk model")
    parser.add_argument("--models-dir", type=Path, default=None, help="where models are kept")
    parser.add_argument("--voice", default=None, help="the assistant's TTS voice")
    parser.add_argument("--rate", type=int, default=None, help="the assistant's words per minute")
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--denoise", action="store_true", help="webrtc noise suppression before recognition"
    )


def _listen_command(args: argparse.Namespace) -> int:
    from voice.devices import DeviceSink, DeviceSource
    from voice.listeners import MicrophoneListener

    setup = _setup(args)
    sink = DeviceSink(_device(args.output_device))
    with DeviceSource(_device(args.input_device), rate_hz=setup.recognizer.sample_rate_hz) as mic:
        result = setup.consultation(sink, MicrophoneListener(mic)).run()
    return 0 if result.outcome is not None or result.ended == "stopped" else 1


def _simulate_command(args: argparse.Namespace) -> int:
    from voice.listeners import PreparedAnswers
    from voice.recording import Recording

    if not args.answer:
        raise UsageError("give the answers: --answer QID=@file.wav or --answer QID=text")
    setup = _setup(args)
    person = _person_voice(args.answer_voice or setup.dialog.consultation.voice, args.answer_rate)
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


def _demo_command(args: argparse.Namespace) -> int:
    from voice.listeners import PreparedAnswers
    from voice.recording import Recording

    setup = _setup(args)
    scenario = load_demo(setup.dialog, args.scenario)
    person = _person_voice(scenario.voice, scenario.rate_wpm)
    rate_hz = setup.recognizer.sample_rate_hz
    answers = {
        q: resample(person.synthesize(text), rate_hz) for q, text in scenario.answers.items()
    }
    recording = Recording()
    result = setup.consultation(
        recording, PreparedAnswers(answers, rate_hz), hear_tap=recording.play
    ).run()
    recording.save(args.output)
    if not args.jsonl:
        print(f"saved the conversation ({recording.duration_s:.0f} s) to {args.output.resolve()}")
    return 0 if result.outcome is not None else 1


@dataclass(frozen=True)
class _Setup:
    """What every spoken consultation needs, built from the common options."""

    dialog: Dialog
    recognizer: Recognizer
    synthesizer: Synthesizer
    printer: EventPrinter

    def consultation(
        self, sink: AudioSink, listener: Listener, hear_tap: Any = None
    ) -> SpokenConsultation:
        return SpokenConsultation(
            self.dialog,
            self.recognizer,
            self.synthesizer,
            sink,
            listener,
            emit=self.printer.emit,
            hear_tap=hear_tap,
        )


def _setup(args: argparse.Namespace) -> _Setup:
    dialog = load_dialog(resolve_locale(args.locale))
    synthesizer = Pyttsx3Synthesizer(
        _tts_settings(args.voice or dialog.consultation.voice, args.rate)
    )
    recognizer = make_recognizer(
        args.engine, dialog.locale, args.model, args.models_dir, args.debug, args.denoise
    )
    return _Setup(dialog, recognizer, synthesizer, EventPrinter(jsonl=args.jsonl))


def _tts_settings(voice: str | None, rate_wpm: int | None) -> TtsSettings:
    defaults = TtsSettings()
    return TtsSettings(rate_wpm=rate_wpm or defaults.rate_wpm, voice=voice)


def _person_voice(voice: str | None, rate_wpm: int | None) -> Synthesizer:
    return Pyttsx3Synthesizer(_tts_settings(voice, rate_wpm))


def _device(spec: str | None) -> int | str | None:
    return int(spec) if spec is not None and spec.isdigit() else spec


def _answers(
    specs: list[str], questions: Mapping[str, object], person: Synthesizer
) -> Iterator[tuple[str, AudioChunk]]:
    """Parse --answer QID=@file.wav / QID=text; unknown ids and unreadable files are errors."""
    for spec in specs:
        question, sep, value = spec.partition("=")
        question = question.strip()
        if not sep or not question or not value:
            raise UsageError(f"--answer {spec!r}: write QID=@file.wav or QID=text")
        if question != ANY_QUESTION and question not in questions:
            known = ", ".join(questions)
            raise UsageError(f"--answer {spec!r}: unknown question {question!r}; known: {known}")
        if value.startswith("@"):
            yield question, read_wav(Path(value[1:]))
        else:
            yield question, person.synthesize(value)
