"""Sound levels of a recording: the noise floor, the speech level, clipping, and what to fix.

Levels are in dBFS: the RMS of a block against a full-scale 16-bit sample, so 0 dBFS is the
loudest there is. A recording is cut into 50 ms blocks; the quiet blocks give the room's noise
floor and the loud ones the speech level, so nobody has to keep quiet at a given moment for the
measurement to work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice.audio import AudioChunk

BLOCK_S = 0.05
FULL_SCALE = 32768.0
DIGITAL_SILENCE_DBFS = -120.0  # what a block of exact zeros reads as
CLIP_SAMPLE = 32767 - 64  # a sample this close to full scale was (almost surely) clipped
# What the recognizers need, with margins from the bench's conditions (espeak and flite
# voices are mixed at -26 dBFS; 10 dB SNR is where recognition starts to suffer):
SPEECH_HEARD_DB = 6.0  # speech this far above the floor at least, or nothing was said
TOO_QUIET_DBFS = -40.0  # speech quieter than this: gain is too low (or too far away)
TOO_LOUD_DBFS = -6.0  # speech louder than this: close to clipping
CLIPPED_FRACTION = 0.001  # one sample in a thousand at full scale is audible distortion
NOISY_SNR_DB = 15.0  # speech less than this above the floor: a noisy room


@dataclass(frozen=True)
class Levels:
    """What a recording says about the microphone and the room."""

    noise_floor_dbfs: float  # the quiet blocks (10th percentile of those not exact zeros)
    speech_dbfs: float  # the loud blocks (95th percentile)
    peak_dbfs: float  # the loudest sample
    clipped_fraction: float  # samples at full scale
    all_zero: bool  # nothing but digital zeros: no signal reached us at all

    @property
    def snr_db(self) -> float:
        """How far the speech stands above the noise floor."""
        return self.speech_dbfs - self.noise_floor_dbfs


def block_dbfs(samples: np.ndarray) -> float:
    """The RMS level of some samples in dBFS (DIGITAL_SILENCE_DBFS for zeros)."""
    if len(samples) == 0:
        return DIGITAL_SILENCE_DBFS
    power = float(np.mean(np.square(samples.astype(np.float64))))
    if power <= 0.0:
        return DIGITAL_SILENCE_DBFS
    return max(DIGITAL_SILENCE_DBFS, 10.0 * float(np.log10(power / FULL_SCALE**2)))


def measure(chunk: AudioChunk, block_s: float = BLOCK_S) -> Levels:
    """The levels of a recording (at least one block long to say anything useful)."""
    samples = chunk.samples
    step = max(1, round(block_s * chunk.rate_hz))
    blocks = [block_dbfs(samples[i : i + step]) for i in range(0, len(samples), step)]
    levels = np.array(blocks or [DIGITAL_SILENCE_DBFS])
    # Exact zeros are no room (a real microphone always hears some noise): a muted stretch or
    # a virtual card's silence. The floor is that of the blocks that hold sound, if any do.
    sounding = levels[levels > DIGITAL_SILENCE_DBFS]
    floor_from = sounding if len(sounding) else levels
    peak = int(np.max(np.abs(samples.astype(np.int32)))) if len(samples) else 0
    return Levels(
        noise_floor_dbfs=float(np.percentile(floor_from, 10)),
        speech_dbfs=float(np.percentile(levels, 95)),
        peak_dbfs=20.0 * float(np.log10(peak / FULL_SCALE)) if peak else DIGITAL_SILENCE_DBFS,
        clipped_fraction=float(np.mean(np.abs(samples.astype(np.int32)) >= CLIP_SAMPLE))
        if len(samples)
        else 0.0,
        all_zero=peak == 0,
    )


def advice(levels: Levels) -> str:
    """One line: the most important thing to fix, or that the microphone is fine."""
    if levels.all_zero:
        return (
            "Nothing but digital silence came in: this is probably not the microphone, or it "
            "is muted; choose another --input-device, or unmute it in alsamixer (F4: capture)."
        )
    if levels.snr_db < SPEECH_HEARD_DB:
        return (
            "Nothing was heard above the room's noise: check the microphone is plugged in and "
            "is the --input-device, speak while the meter runs, and raise its capture level "
            "in alsamixer (F4)."
        )
    if levels.clipped_fraction >= CLIPPED_FRACTION:
        return (
            f"Clipping ({levels.clipped_fraction:.1%} of the samples at full scale): turn the "
            "microphone's capture level down in alsamixer (F4), or speak from further away."
        )
    if levels.speech_dbfs < TOO_QUIET_DBFS:
        return (
            f"Too quiet (speech at {levels.speech_dbfs:.0f} dBFS): raise the microphone's "
            "capture level in alsamixer (F4), or put the microphone closer."
        )
    if levels.speech_dbfs > TOO_LOUD_DBFS:
        return (
            f"Very loud (speech at {levels.speech_dbfs:.0f} dBFS), close to clipping: turn the "
            "capture level down a little in alsamixer (F4)."
        )
    if levels.snr_db < NOISY_SNR_DB:
        return (
            f"Speech is only {levels.snr_db:.0f} dB above the room's noise: move the "
            "microphone away from fans and appliances, or closer to where people speak."
        )
    return (
        f"Good: speech at {levels.speech_dbfs:.0f} dBFS, {levels.snr_db:.0f} dB above the "
        "room's noise, no clipping."
    )


def meter(level_dbfs: float, width: int = 30, floor_dbfs: float = -70.0) -> str:
    """A level as a bar, e.g. ``-32 dBFS [##########          ]``."""
    filled = round(width * min(1.0, max(0.0, (level_dbfs - floor_dbfs) / -floor_dbfs)))
    shown = "  -inf" if level_dbfs <= DIGITAL_SILENCE_DBFS else f"{level_dbfs:6.1f}"
    return f"{shown} dBFS [{'#' * filled}{' ' * (width - filled)}]"
