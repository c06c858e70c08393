"""Voice-activity detection per 30 ms frame: the webrtc VAD that the pocketsphinx wheel ships.

Both engines use it to find the start and the pauses of a turn (voice/asr/endpoint.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voice.errors import AudioError

RATE_HZ = 16_000
FRAME_S = 0.03
MODE = 2  # aggressiveness 0..3; 3 also rejects much of white noise, and some quiet speech


@dataclass
class Vad:
    """Says whether one frame of 16 kHz 16-bit audio holds speech."""

    _vad: Any
    frame_bytes: int
    frame_s: float

    @classmethod
    def create(cls, rate_hz: int = RATE_HZ, mode: int = MODE) -> Vad:
        """A detector for ``rate_hz`` audio (16 kHz: the rate every recognizer here takes)."""
        if rate_hz != RATE_HZ:
            raise AudioError(f"the recognizer needs {RATE_HZ} Hz audio, got {rate_hz} Hz")
        from pocketsphinx import Vad as WebrtcVad

        vad = WebrtcVad(mode, rate_hz, FRAME_S)
        return cls(vad, vad.frame_bytes, vad.frame_length)

    def is_speech(self, frame: bytes) -> bool:
        """True when the frame (exactly ``frame_bytes`` long) holds speech."""
        return bool(self._vad.is_speech(frame))
