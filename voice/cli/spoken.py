"""What the spoken commands (listen, simulate, demo) share: options, settings, the set-up."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from voice.asr import ENGINES, RecognitionSettings, Recognizer
from voice.asr.engines import make_recognizer
from voice.audio import AudioChunk, AudioSink, resample
from voice.cli.output import EventPrinter
from voice.content import load_dialog
from voice.demo import load_demo_file
from voice.listeners import SimulatedPerson
from voice.locale import resolve_locale
from voice.schema import AnswerValue, Dialog
from voice.session import Listener, SpokenConsultation
from voice.tts import EspeakSynthesizer, Synthesizer, TtsSettings
from voice.understand import understanding_for

DENOISE_CHOICES = ("auto", "on", "off", "webrtc", "deepfilter")  # on: webrtc, as before
DEVICE_HELP = (
    "{kind}: a card's stable name (plughw:CARD=Device,DEV=0, see check-audio), a word of its "
    "name, or its index (indices move when USB devices come and go)"
)


def add_device_options(parser: argparse.ArgumentParser) -> None:
    """--input-device and --output-device, for the commands that use a sound card."""
    for option, kind in (("--input-device", "microphone"), ("--output-device", "speaker")):
        parser.add_argument(option, default=None, help=DEVICE_HELP.format(kind=kind))


def add_voice_options(parser: argparse.ArgumentParser) -> None:
    """The options every spoken consultation takes."""
    parser.add_argument("--engine", default="auto", choices=ENGINES, help="speech recognizer")
    parser.add_argument("--locale", default=None, help="dialog locale (default: LANG, else en)")
    parser.add_argument("--model", type=Path, default=None, help="an unpacked speech model")
    parser.add_argument("--models-dir", type=Path, default=None, help="where models are kept")
    parser.add_argument("--voice", default=None, help="the assistant's TTS voice")
    parser.add_argument("--rate", type=int, default=None, help="the assistant's words per minute")
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--denoise",
        nargs="?",
        const="on",
        default="auto",
        choices=DENOISE_CHOICES,
        help="noise suppression before recognition: auto (the default: webrtc, used in a turn "
        "when the room is noisy), webrtc (every turn; also --denoise alone, or on), "
        "deepfilter (DeepFilterNet3, every turn; the whisper extra), or off",
    )


def recognition_settings(args: argparse.Namespace) -> RecognitionSettings:
    """The recognition settings, built once from the command line."""
    return RecognitionSettings(
        engine=args.engine,
        model_path=args.model,
        models_dir=args.models_dir,
        denoise=args.denoise,
        debug=args.debug,
    )


def tts_settings(voice: str | None, rate_wpm: int | None) -> TtsSettings:
    """A voice and speed, the defaults where not given."""
    return TtsSettings(
        rate_wpm=TtsSettings().rate_wpm if rate_wpm is None else rate_wpm, voice=voice
    )


def person_voice(voice: str | None, rate_wpm: int | None) -> Synthesizer:
    """The synthesizer that speaks the person's prepared answers."""
    return EspeakSynthesizer(tts_settings(voice, rate_wpm))


@dataclass(frozen=True)
class SpokenSetup:
    """What every spoken consultation needs, built from the common options."""

    dialog: Dialog
    settings: RecognitionSettings
    recognizer: Recognizer
    synthesizer: Synthesizer
    printer: EventPrinter

    def consultation(
        self,
        sink: AudioSink,
        listener: Listener,
        hear_tap: Callable[[AudioChunk], None] | None = None,
    ) -> SpokenConsultation:
        """One consultation through ``sink`` and ``listener``."""
        return SpokenConsultation(
            self.dialog,
            self.recognizer,
            self.synthesizer,
            sink,
            listener,
            emit=self.printer.emit,
            hear_tap=hear_tap,
        )


def spoken_setup(args: argparse.Namespace) -> SpokenSetup:
    """Load the dialog, the voice and the recognizer the options ask for."""
    dialog = load_dialog(resolve_locale(args.locale))
    synthesizer = EspeakSynthesizer(
        tts_settings(args.voice or dialog.consultation.voice, args.rate)
    )
    settings = recognition_settings(args)
    recognizer = make_recognizer(settings, dialog.locale, dialog)
    return SpokenSetup(dialog, settings, recognizer, synthesizer, EventPrinter(jsonl=args.jsonl))


def simulated_person(
    setup: SpokenSetup,
    answers: Mapping[str, AudioChunk],
    means: Mapping[str, AnswerValue],
    voice: Synthesizer,
    replies: Mapping[str, AudioChunk] | None = None,
) -> SimulatedPerson:
    """A person who gives ``answers`` and, asked to confirm, says whether it was what they
    meant; their yes, no, more, less and unsure come from ``replies`` or the dialog's
    demo.yaml, spoken in their ``voice``."""
    rate_hz = setup.recognizer.sample_rate_hz
    words = {
        word: resample((replies or {}).get(word) or voice.synthesize(text), rate_hz)
        for word, text in load_demo_file(setup.dialog).words.as_dict().items()
    }
    prepared = {question: resample(audio, rate_hz) for question, audio in answers.items()}
    return SimulatedPerson(prepared, means, words, rate_hz)


def meaning_of(dialog: Dialog, text: str) -> AnswerValue | None:
    """What an answer means as the dialog would record it; None when it carries no answer."""
    meaning = understanding_for(dialog.intents).parse(text)
    return None if meaning is None else meaning.answer


def device(spec: str | None) -> int | str | None:
    """A device index when the option is a number, else the name (None: the default)."""
    return int(spec) if spec is not None and spec.isdigit() else spec
