"""`check-audio`: try the microphone and speaker the way the service will use them.

It lists the devices, plays a sentence and a beep, records a few seconds while showing the
level, measures the room's noise floor, the speech level and clipping, plays the recording
back, says in one line what to fix, and prints the stable names to put in the options file.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from voice.cli.spoken import add_device_options, device, tts_settings

if TYPE_CHECKING:
    from voice.audio import AudioChunk
    from voice.devices import DeviceInfo, Kind

RECORD_S = 4.0
RATE_HZ = 16_000
NON_TTY_EVERY_S = 0.5  # without a terminal, one meter line this often instead of a live bar
SENTENCE = (
    "This is the speaker of toe-assistant. After the beep, say a few words, "
    "as you would answer a question."
)
SERVICE_HINT = "the running service holds the microphone: sudo systemctl stop toe-assistant first"


def register(subparsers: Any) -> None:
    """Add `check-audio`."""
    check = subparsers.add_parser(
        "check-audio",
        help="try the microphone and speaker: levels, playback, what to fix",
        description="List the devices, play a sentence, record a few seconds with a level "
        "meter, report the noise floor, speech level and clipping, play the recording back, "
        "and say what to fix. Stop the service first: it holds the microphone while it runs.",
    )
    add_device_options(check)
    check.add_argument(
        "--seconds", type=float, default=RECORD_S, help=f"how long to record (default {RECORD_S})"
    )
    check.add_argument("--voice", default=None, help="the TTS voice of the test sentence")
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Play, record, measure, play back, advise."""
    from voice.devices import find_device, list_devices
    from voice.errors import UsageError

    if not 0.5 <= args.seconds <= 60:
        raise UsageError(f"--seconds {args.seconds:g}: record 0.5 to 60 seconds")
    from voice.cli.devices import print_devices

    print_devices(list_devices())
    microphone = find_device(device(args.input_device), "input")
    speaker = find_device(device(args.output_device), "output")
    print(f"Microphone: {_described(microphone, 'input')}")
    print(f"Speaker:    {_described(speaker, 'output')}")
    return _check(args, microphone, speaker)


def _check(args: argparse.Namespace, microphone: DeviceInfo, speaker: DeviceInfo) -> int:
    from voice.levels import advice, measure
    from voice.serve import chime
    from voice.speaker import DeviceSink
    from voice.tts import EspeakSynthesizer

    sink = DeviceSink(speaker.index)
    print("1. Playing a sentence and a beep on the speaker: you should hear both.", flush=True)
    sink.play(EspeakSynthesizer(tts_settings(args.voice, None)).synthesize(SENTENCE))
    sink.play(chime())
    print(f"2. Recording {args.seconds:g} s: speak now, as you would answer.", flush=True)
    recording = _record(microphone, args.seconds, sys.stdout)
    levels = measure(recording)
    print(
        f"3. Noise floor {levels.noise_floor_dbfs:.0f} dBFS, speech {levels.speech_dbfs:.0f} "
        f"dBFS ({levels.snr_db:.0f} dB above the noise), peak {levels.peak_dbfs:.0f} dBFS, "
        f"clipping {levels.clipped_fraction:.2%} of samples"
    )
    print("4. Playing the recording back.", flush=True)
    sink.play(recording)
    print(f"Advice: {advice(levels)}")
    print(f"For the options file: {_options(microphone, 'input')} {_options(speaker, 'output')}")
    return 0


def _record(microphone: DeviceInfo, seconds: float, out: TextIO) -> AudioChunk:
    """Record ``seconds`` from the microphone, showing the level as it comes."""
    from voice.audio import concat
    from voice.devices import DeviceSource
    from voice.errors import AudioError
    from voice.levels import block_dbfs, meter

    live = out.isatty()
    chunks: list[AudioChunk] = []
    loudest, shown_s = -200.0, 0.0
    try:
        with DeviceSource(microphone.index, rate_hz=RATE_HZ) as source:
            for chunk in source.chunks():
                chunks.append(chunk)
                level = block_dbfs(chunk.samples)
                heard_s = sum(c.duration_s for c in chunks)
                loudest = max(loudest, level)
                if live:
                    out.write(f"\r   {meter(level)} {heard_s:4.1f} s")
                    out.flush()
                elif heard_s - shown_s >= NON_TTY_EVERY_S or heard_s >= seconds:
                    out.write(f"   {meter(loudest)} {heard_s:4.1f} s\n")
                    loudest, shown_s = -200.0, heard_s
                if heard_s >= seconds:
                    break
    except AudioError as err:
        raise AudioError(f"{err} ({SERVICE_HINT})") from err
    if live:
        out.write("\n")
    return concat(chunks)


def _described(found: DeviceInfo, kind: Kind) -> str:
    return f"{found.index} {found.name} ({found.channels(kind)} ch, {found.default_rate_hz} Hz)"


def _options(found: DeviceInfo, kind: Kind) -> str:
    """The option to name this device by in the options file."""
    from voice.alsa_names import card_ids, suggested_device

    return f"--{kind}-device {suggested_device(found.name, kind == 'output', card_ids())}"
