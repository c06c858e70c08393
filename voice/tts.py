"""Speech out: the Synthesizer seam and its pyttsx3 (espeak-ng on Linux) adapter."""

from __future__ import annotations

import contextlib
import difflib
import io
import logging
import sys
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from voice.audio import AudioChunk, read_wav
from voice.errors import ModelError, UsageError

_LOGGER = logging.getLogger(__name__)

DEFAULT_RATE_WPM = 160  # a little slower than espeak's 175: clearer through a small speaker
MIN_RATE_WPM = 80
MAX_RATE_WPM = 450
LINUX_DRIVER = "espeak"
ESPEAK_RATE_HZ = 22050  # what espeak-ng renders at
RENDER_ATTEMPTS = 3
_VOICES_HINT = "list the voices with `espeak-ng --voices` (use the File column, e.g. gmw/en-us)"

# pyttsx3 keeps one engine per driver per process and espeak-ng can be initialised only once
# per process, with a single synthesis callback: every synthesizer shares that engine, so calls
# into it are serialised by this one lock.
_ENGINE_LOCK = threading.Lock()


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice: ``id`` is what ``TtsSettings.voice`` accepts first."""

    id: str
    name: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class TtsSettings:
    """How the assistant speaks: speed in words per minute and a voice id, name or language."""

    rate_wpm: int = DEFAULT_RATE_WPM
    voice: str | None = None  # None: the engine's default voice


class Synthesizer(Protocol):
    """Turns one sentence into audio."""

    def synthesize(self, text: str) -> AudioChunk:
        """Render ``text`` as speech, returning all of it."""
        ...


def list_voices(driver_name: str | None = None) -> list[VoiceInfo]:
    """The voices the text-to-speech engine has installed."""
    with _ENGINE_LOCK:
        return _voices(_engine(driver_name))


class Pyttsx3Synthesizer:
    """A Synthesizer rendering through pyttsx3 to a temporary WAV; works headless."""

    def __init__(self, settings: TtsSettings | None = None, driver_name: str | None = None) -> None:
        """Load the engine and check the settings now, so a bad voice fails before the dialog."""
        self._settings = settings or TtsSettings()
        if not MIN_RATE_WPM <= self._settings.rate_wpm <= MAX_RATE_WPM:
            raise UsageError(
                f"speech rate {self._settings.rate_wpm} words per minute is out of range; "
                f"choose {MIN_RATE_WPM} to {MAX_RATE_WPM}"
            )
        self._driver_name = driver_name
        with _ENGINE_LOCK:
            # Holding the engine keeps pyttsx3's weak cache from dropping it between calls.
            self._engine = _engine(driver_name)
            self._voice_id = _resolve_voice(self._settings.voice, _voices(self._engine))

    @property
    def voice_id(self) -> str | None:
        """The id of the voice in use (None: the engine default)."""
        return self._voice_id

    def synthesize(self, text: str) -> AudioChunk:
        """Render ``text``; blank text gives an empty chunk."""
        if not text.strip():
            return AudioChunk(rate_hz=ESPEAK_RATE_HZ, samples=np.zeros(0, dtype=np.int16))
        for attempt in range(1, RENDER_ATTEMPTS + 1):
            chunk = self._render(text)
            if len(chunk.samples):
                _LOGGER.debug("synthesized %.2f s for %r", chunk.duration_s, text[:40])
                return chunk
            # pyttsx3's espeak driver writes the WAV when espeak reports the end of the
            # message; seen rarely in the test suite, that report came with no audio at all.
            _LOGGER.warning("text-to-speech gave no audio (attempt %d); trying again", attempt)
        raise ModelError(
            f"text-to-speech produced no audio for {text[:40]!r}; "
            "check espeak-ng works: espeak-ng 'hello'"
        )

    def _render(self, text: str) -> AudioChunk:
        """One pass through the engine, the WAV written to memory (no temporary files)."""
        wav = io.BytesIO()
        # pyttsx3's espeak driver prints "Audio saved to ..." from its callback, which may run
        # in any of the calls below: keep the CLI's stdout (JSON lines) clean around all of them.
        with _ENGINE_LOCK, contextlib.redirect_stdout(io.StringIO()):
            errors: list[BaseException] = []
            token = self._engine.connect("error", lambda **kw: errors.append(kw.get("exception")))
            try:
                _settle(self._engine)
                # Settings go in before every utterance: the engine is shared in the process.
                if self._voice_id is not None:
                    self._engine.setProperty("voice", self._voice_id)
                self._engine.setProperty("rate", self._settings.rate_wpm)
                _settle(self._engine)
                self._engine.save_to_file(text, wav)  # the driver hands it to wave.open
                self._engine.runAndWait()
                _settle(self._engine)
            except RuntimeError as err:
                raise ModelError(
                    f"text-to-speech engine failed: {err}; restart toe-assistant"
                ) from err
            finally:
                self._engine.disconnect(token)
        if errors:
            raise ModelError(f"text-to-speech engine failed: {errors[0]}")
        if not wav.getbuffer().nbytes:
            return AudioChunk(rate_hz=ESPEAK_RATE_HZ, samples=np.zeros(0, dtype=np.int16))
        wav.seek(0)
        return read_wav(wav)


def _engine(driver_name: str | None) -> Any:
    """pyttsx3's engine for the driver (espeak on Linux), or a ModelError saying what to install."""
    try:
        import pyttsx3
    except ImportError as err:
        raise ModelError("pyttsx3 is not installed; run: pip install pyttsx3") from err
    driver = driver_name or (LINUX_DRIVER if sys.platform.startswith("linux") else None)
    try:
        return pyttsx3.init(driver)
    except (OSError, RuntimeError, ImportError) as err:
        raise ModelError(
            f"cannot start the text-to-speech engine ({driver or 'default'}): {err}; "
            "install espeak-ng (sudo apt install espeak-ng)"
        ) from err


def _settle(engine: Any) -> None:
    """Wait until espeak-ng has finished its queue.

    espeak-ng runs its commands (a new rate or voice, a sentence) on its own thread, and every
    pyttsx3 runAndWait begins by cancelling whatever is still queued there: a rate or voice set
    just before was silently dropped and the sentence came out with the previous settings.
    espeak_Synchronize waits until the queue has been applied.
    """
    if getattr(engine, "driver_name", None) == LINUX_DRIVER:
        from pyttsx3.drivers import _espeak

        _espeak.Synchronize()


def _voices(engine: Any) -> list[VoiceInfo]:
    return [
        VoiceInfo(id=str(v.id), name=str(v.name), languages=tuple(str(x) for x in v.languages))
        for v in engine.getProperty("voices")
    ]


def _resolve_voice(wanted: str | None, voices: list[VoiceInfo]) -> str | None:
    """The voice id for an id, a name or a language code (case-insensitive), else a UsageError."""
    if wanted is None:
        return None
    key = wanted.strip().lower()
    for matches in (
        lambda v: v.id.lower() == key,
        lambda v: v.name.lower() == key,
        lambda v: key in (lang.lower() for lang in v.languages),
        lambda v: v.id.lower().rsplit("/", 1)[-1] == key,
    ):
        for voice in voices:
            if matches(voice):
                return voice.id
    close = difflib.get_close_matches(key, [v.id for v in voices] + [v.name for v in voices], n=3)
    suggestion = f" (did you mean {', '.join(close)}?)" if close else ""
    raise UsageError(f"unknown voice {wanted!r}{suggestion}; {_VOICES_HINT}")
