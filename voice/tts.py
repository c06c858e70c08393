"""Speech out: the Synthesizer seam and its espeak-ng adapter (through pyttsx3's binding).

pyttsx3's espeak driver runs espeak-ng asynchronously and polls for the end of each message;
under load it sometimes wrote a sentence's WAV with part or none of its audio. This adapter
drives the same library through pyttsx3's ctypes binding in espeak-ng's synchronous mode:
``espeak_Synth`` returns once every sample has been handed to the callback, so a sentence is
always complete, and nothing is written to disk.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from voice.audio import AudioChunk
from voice.errors import ModelError, UsageError

_LOGGER = logging.getLogger(__name__)

DEFAULT_RATE_WPM = 160  # a little slower than espeak's 175: clearer through a small speaker
MIN_RATE_WPM = 80
MAX_RATE_WPM = 450
BUFFER_MS = 200  # how much audio espeak-ng hands over per callback
CACHE_SENTENCES = 256  # sentences kept rendered: prompts come back, and a reply is ready at once
_VOICES_HINT = "list the voices with `espeak-ng --voices` (use the File column, e.g. gmw/en-us)"
_INSTALL_HINT = "install espeak-ng (sudo apt install espeak-ng libespeak-ng1)"
_PULSE_SERVER_ENV = "PULSE_SERVER"


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


class _Espeak:
    """espeak-ng, initialised once per process (it cannot be initialised twice).

    Its settings and its one synthesis callback are process-wide, so every call goes through
    one lock and sets the voice and rate it needs before speaking.
    """

    _instance: _Espeak | None = None
    _create_lock = threading.Lock()

    def __init__(self) -> None:
        try:
            from pyttsx3.drivers import _espeak
        except (ImportError, OSError) as err:
            raise ModelError(f"cannot load espeak-ng ({err}); {_INSTALL_HINT}") from err
        self._lib: Any = _espeak
        self.lock = threading.Lock()
        with _no_sound_server():
            self.rate_hz = int(_espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS))
        if self.rate_hz <= 0:
            raise ModelError(f"espeak-ng would not start; {_INSTALL_HINT}")
        self._pieces: list[bytes] = []
        _espeak.SetSynthCallback(self._on_audio)
        self.default_voice = self._current_voice()

    @classmethod
    def shared(cls) -> _Espeak:
        with cls._create_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def voices(self) -> list[VoiceInfo]:
        with self.lock:
            found = []
            for voice in self._lib.ListVoices(None):
                language = voice.languages[1:].decode("utf-8", "ignore") if voice.languages else ""
                found.append(
                    VoiceInfo(
                        id=voice.identifier.decode("utf-8").lower(),
                        name=voice.name.decode("utf-8"),
                        languages=(language,) if language else (),
                    )
                )
            return found

    def render(self, text: str, voice_id: str | None, rate_wpm: int) -> np.ndarray:
        """All the samples of ``text``, spoken with this voice and rate."""
        lib = self._lib
        with self.lock:
            if lib.SetVoiceByName((voice_id or self.default_voice).encode("utf-8")) != 0:
                raise ModelError(f"espeak-ng has no voice {voice_id!r}; {_VOICES_HINT}")
            lib.SetParameter(lib.RATE, rate_wpm, 0)
            self._pieces = []
            status = lib.Synth(text, flags=lib.ENDPAUSE | lib.CHARS_UTF8)
            if status != lib.EE_OK:
                raise ModelError(f"espeak-ng failed to speak (error {status}); {_INSTALL_HINT}")
            data = b"".join(self._pieces)
            self._pieces = []
        return np.frombuffer(data, dtype="<i2").astype(np.int16)

    def _on_audio(self, wav: Any, samples: int, events: Any) -> int:
        # espeak-ng's callback, called inside Synth on this thread: keep the samples.
        if samples > 0 and wav:
            self._pieces.append(ctypes.string_at(wav, samples * 2))
        return 0  # go on

    def _current_voice(self) -> str:
        current = self._lib.GetCurrentVoice()
        if current and current.contents.identifier:
            return str(current.contents.identifier.decode("utf-8"))
        return "en"


@contextlib.contextmanager
def _no_sound_server() -> Iterator[None]:
    """Keep espeak-ng's initialisation away from the sound server.

    libespeak-ng 1.51 (Debian 12, Raspberry Pi OS) creates a pcaudiolib output object in
    espeak_ng_InitializeOutput whatever the mode, and pcaudiolib probes PulseAudio by
    connecting to it (to $PULSE_SERVER, even over TCP). We only ever render into memory, so
    for that one call an empty PULSE_SERVER (libpulse: no server to try) makes the probe fail
    at once with no socket opened; the variable is put back so sounddevice is unaffected.
    """
    saved = os.environ.get(_PULSE_SERVER_ENV)
    os.environ[_PULSE_SERVER_ENV] = ""
    try:
        yield
    finally:
        if saved is None:
            del os.environ[_PULSE_SERVER_ENV]
        else:
            os.environ[_PULSE_SERVER_ENV] = saved


def list_voices() -> list[VoiceInfo]:
    """The voices espeak-ng has installed."""
    return _Espeak.shared().voices()


class EspeakSynthesizer:
    """A Synthesizer rendering with espeak-ng in memory; works headless, no sound card."""

    def __init__(self, settings: TtsSettings | None = None) -> None:
        """Load the engine and check the settings now, so a bad voice fails before the dialog."""
        self._settings = settings or TtsSettings()
        if not MIN_RATE_WPM <= self._settings.rate_wpm <= MAX_RATE_WPM:
            raise UsageError(
                f"speech rate {self._settings.rate_wpm} words per minute is out of range; "
                f"choose {MIN_RATE_WPM} to {MAX_RATE_WPM}"
            )
        self._espeak = _Espeak.shared()
        self._voice_id = _resolve_voice(self._settings.voice, self._espeak.voices())
        self._cache: OrderedDict[str, AudioChunk] = OrderedDict()

    @property
    def voice_id(self) -> str | None:
        """The id of the voice in use (None: the engine default)."""
        return self._voice_id

    def synthesize(self, text: str) -> AudioChunk:
        """Render ``text`` (or take it from the cache); blank text gives an empty chunk."""
        if not text.strip():
            return AudioChunk(self._espeak.rate_hz, np.zeros(0, dtype=np.int16))
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        samples = self._espeak.render(text, self._voice_id, self._settings.rate_wpm)
        chunk = AudioChunk(self._espeak.rate_hz, samples)
        _LOGGER.debug("synthesized %.2f s for %r", chunk.duration_s, text[:40])
        self._cache[text] = chunk
        while len(self._cache) > CACHE_SENTENCES:
            self._cache.popitem(last=False)
        return chunk

    def prepare(self, texts: Iterable[str]) -> None:
        """Render sentences ahead of time (e.g. every prompt), so replying never waits on them."""
        for text in texts:
            self.synthesize(text)


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
