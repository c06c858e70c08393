"""End of turn: when the person has started, paused, and said something that can end there.

A turn ends after a pause whose length depends on what was heard so far (voice.grammar.endings):
a settled phrase ("no", "about a week") after SETTLED_SILENCE_S, a phrase another answer could
grow from ("no" ... "idea") after the settings' end_silence_s, the start of a phrase ("about
two") after PARTIAL_SILENCE_S.

A frame is speech when the voice-activity detector says so *and* it stands out from the room:
above the turn's noise floor by ABOVE_FLOOR_DB and within QUIETER_DB of the answer's loud
frames. In white noise at 5 dB a webrtc VAD calls 30-40% of noise-only frames speech, and in
babble nearly all of them (bench/); the answer is louder at the microphone than either.

Once the answer has begun, a frame also has to reach PAUSE_SHARE of the way from the floor up
to the answer's loud level, judged on the level of the last SMOOTH_FRAMES (so one loud syllable
of the room does not break a pause). In a quiet room the QUIETER_DB rule is the stricter one
and this changes nothing (nor the moment a pause starts); in babble 10 dB below the answer
the room itself stays within QUIETER_DB of it, and without this a sixth of the turns never
ended (bench/results/).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from voice.asr import RecognitionSettings
from voice.grammar.endings import OFF, OPEN, PARTIAL, SETTLED

CHECK_S = 0.2  # a pause this long is worth decoding what was said so far
SETTLED_SILENCE_S = 0.2  # after a settled phrase
PARTIAL_SILENCE_S = 0.9  # after the start of a phrase: people pause mid-answer ("about ... two")
QUIETER_DB = 12.0  # a frame this far below the answer's loud frames is a pause
PAUSE_SHARE = 0.4  # or short of this share of the way from the floor up to the loud frames
SMOOTH_FRAMES = 3  # the level a pause is judged on: the mean power of this many frames
ABOVE_FLOOR_DB = 4.0  # speech stands this far above the room's noise floor
FLOOR_PERCENTILE = 20  # the noise floor: this percentile of the turn's frame levels
FLOOR_MIN_FRAMES = 10  # frames heard before the floor is trusted
LOUD_PERCENTILE = 80  # the answer's level: this percentile of its frame levels
PRE_ROLL_S = 0.3  # audio kept from before the onset, so a word's start is not clipped
LOOKBACK_S = 3.0  # how far back an onset is looked for, while the floor is still being learnt
START_WINDOW_FRAMES = 5
START_SPEECH_FRAMES = 3  # this many speech frames of the last START_WINDOW_FRAMES start a turn
TAIL_KEPT_S = 0.4  # pause decoded after the last speech frame: more is only noise to explain
DENOISE_BELOW_SNR_DB = 25.0  # auto denoise: when the answer is less than this above the floor


def silence_needed(ending: str, settings: RecognitionSettings) -> float:
    """Seconds of pause that end a turn whose words so far have this ending."""
    if ending == SETTLED:
        return min(SETTLED_SILENCE_S, settings.end_silence_s)
    if ending in (OPEN, OFF):  # off: no phrase starts so; more words will not make one
        return settings.end_silence_s
    if ending == PARTIAL:
        return max(PARTIAL_SILENCE_S, settings.end_silence_s)
    raise ValueError(f"unknown ending {ending!r}")


def frame_db(frame: np.ndarray) -> float:
    """A frame's level in dB (relative to one LSB)."""
    power = float(np.mean(frame.astype(np.float64) ** 2))
    return 10.0 * np.log10(max(power, 1.0))


@dataclass
class Listening:
    """One turn frame by frame: the onset, the speech since, and the pause at its end.

    The onset is found looking back: until the turn has started, every frame of the last
    LOOKBACK_S is kept with its voice activity and level, and judged again against the noise
    floor as it is known now. An answer that starts with the very first block (the person
    answered at once) is not above a floor measured on itself; once its own pauses and the
    quiet after it bring the floor down, its start is found where it was, not lost.
    """

    frame_s: float
    settings: RecognitionSettings
    started: bool = False
    waited_s: float = 0.0  # before the onset
    silent_s: float = 0.0  # of pause at the end of what was heard
    frames: list[bytes] = field(default_factory=list)  # since the pre-roll before the onset
    clean_frames: list[bytes] = field(default_factory=list)  # the same, noise-suppressed
    last_voiced: int = 0  # index in frames just after the last speech frame
    voiced_frames: int = 0  # frames heard as speech since the onset
    _levels: list[float] = field(default_factory=list)  # of speech frames since the onset
    _all_levels: list[float] = field(default_factory=list)  # of every frame
    # before the onset: (frame, cleaned frame, voiced, level, smoothed level)
    _waiting: deque[tuple[bytes, bytes, bool, float, float]] = field(default_factory=deque)

    def push(self, frame: bytes, voiced: bool, clean: bytes = b"") -> None:
        """Take the next frame, whether the voice-activity detector hears speech in it, and the
        frame after noise suppression (if any)."""
        level = frame_db(np.frombuffer(frame, dtype="<i2"))
        self._all_levels.append(level)
        smooth = self._smoothed_db(len(self._all_levels))
        if self.started:
            self._take(frame, clean, voiced, level, smooth)
            return
        self._waiting.append((frame, clean, voiced, level, smooth))
        while len(self._waiting) > round(LOOKBACK_S / self.frame_s):
            self._waiting.popleft()
        onset = self._onset()
        if onset is None:
            self.waited_s += self.frame_s
            return
        waiting = list(self._waiting)
        self._waiting.clear()
        self.waited_s = max(0.0, self.waited_s - (len(waiting) - onset - 1) * self.frame_s)
        self.started = True
        # The turn as it would have started had the floor been known: the pre-roll up to the
        # frame that made the onset, then the frames since, judged as if they had been followed.
        start = max(0, onset + 1 - max(START_WINDOW_FRAMES, round(PRE_ROLL_S / self.frame_s)))
        floor = self.floor_db()
        self.frames = [f for f, _, _, _, _ in waiting[start : onset + 1]]
        self.clean_frames = [c for _, c, _, _, _ in waiting[start : onset + 1]]
        self._levels = [
            lv for _, _, v, lv, _ in waiting[start : onset + 1] if self._speech(v, lv, floor)
        ]
        self.voiced_frames = len(self._levels)
        self.last_voiced = len(self.frames)
        for item in waiting[onset + 1 :]:
            self._take(*item)

    def _speech(self, voiced: bool, level: float, floor_db: float | None = None) -> bool:
        """Speech by the VAD and standing out from the room's floor as it is known now."""
        floor = self.floor_db() if floor_db is None else floor_db
        return voiced and level >= floor + ABOVE_FLOOR_DB

    def _onset(self) -> int | None:
        """The waiting frame at which START_SPEECH_FRAMES of the last START_WINDOW_FRAMES are
        speech, judged against the floor as known now (None: not yet)."""
        if len(self._all_levels) < FLOOR_MIN_FRAMES:
            return None  # the room's level is not known yet; the frames wait
        floor = self.floor_db()
        flags = [self._speech(v, lv, floor) for _, _, v, lv, _ in self._waiting]
        for end in range(len(flags)):
            if sum(flags[max(0, end + 1 - START_WINDOW_FRAMES) : end + 1]) >= START_SPEECH_FRAMES:
                return end
        return None

    def _take(self, frame: bytes, clean: bytes, voiced: bool, level: float, smooth: float) -> None:
        """One frame of a started turn: speech (near the answer's level) or pause."""
        self.frames.append(frame)
        self.clean_frames.append(clean)
        loud, floor = self.level_db(), self.floor_db()
        near = level >= loud - QUIETER_DB and smooth >= floor + PAUSE_SHARE * (loud - floor)
        if self._speech(voiced, level) and near:
            self._levels.append(level)
            self.voiced_frames += 1
            self.last_voiced = len(self.frames)
            self.silent_s = 0.0
        else:
            self.silent_s += self.frame_s

    def restart(self) -> None:
        """That was no answer (nothing was heard in it): wait for the onset again."""
        keep = round(PRE_ROLL_S / self.frame_s)
        frames, clean = self.frames[-keep:], self.clean_frames[-keep:]
        ends = range(len(self._all_levels) - len(frames) + 1, len(self._all_levels) + 1)
        levels, smooth = [self._all_levels[end - 1] for end in ends], map(self._smoothed_db, ends)
        self._waiting = deque(
            zip(frames, clean, [False] * len(frames), levels, smooth, strict=True)
        )
        self.started = False
        self.waited_s += self.speech_s
        self.frames, self.clean_frames, self._levels = [], [], []
        self.silent_s = 0.0
        self.voiced_frames = self.last_voiced = 0

    def _smoothed_db(self, end: int) -> float:
        """The level of the SMOOTH_FRAMES frames up to frame ``end`` (their mean power)."""
        levels = np.asarray(self._all_levels[max(0, end - SMOOTH_FRAMES) : end])
        return float(10.0 * np.log10(np.mean(10.0 ** (levels / 10.0))))

    def floor_db(self) -> float:
        """The room's noise floor in this turn so far."""
        return float(np.percentile(self._all_levels, FLOOR_PERCENTILE)) if self._all_levels else 0.0

    def level_db(self) -> float:
        """The answer's loud level so far."""
        return float(np.percentile(self._levels, LOUD_PERCENTILE)) if self._levels else 0.0

    @property
    def speech_s(self) -> float:
        """Length of the turn since the onset (pre-roll included)."""
        return len(self.frames) * self.frame_s

    @property
    def timed_out(self) -> bool:
        """Nobody started speaking in time."""
        return not self.started and self.waited_s >= self.settings.no_speech_timeout_s

    @property
    def too_long(self) -> bool:
        """The turn reached its cap (a radio that never pauses)."""
        return self.speech_s >= self.settings.max_utterance_s

    def snr_db(self) -> float:
        """How far the answer's loud frames stand above the room's noise floor."""
        return self.level_db() - self.floor_db() if self._all_levels else 0.0

    def noisy(self, settings: RecognitionSettings) -> bool:
        """Whether to decode the noise-suppressed audio (`--denoise auto`: by the SNR)."""
        if settings.denoise != "auto":
            return settings.denoise != "off"
        return self.snr_db() < DENOISE_BELOW_SNR_DB

    def audio(self, clean: bool = False) -> bytes:
        """The answer from the pre-roll to TAIL_KEPT_S after its last speech frame."""
        end = min(len(self.frames), self.last_voiced + round(TAIL_KEPT_S / self.frame_s))
        return b"".join((self.clean_frames if clean else self.frames)[:end])
