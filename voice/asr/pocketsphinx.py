"""The pocketsphinx recognizer: a JSGF search per grammar, VAD endpointing, a phone-loop check."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from voice.asr import RecognitionSettings, Transcript
from voice.audio import AudioChunk
from voice.confidence import CONFIRM_BELOW, calibrate
from voice.errors import AudioError, ModelError
from voice.grammar import (
    Grammar,
    WordAutomaton,
    accepts,
    grammar_words,
    without_words,
    word_automaton,
)

_LOGGER = logging.getLogger(__name__)

RATE_HZ = 16_000
VAD_MODE = 2  # webrtc VAD aggressiveness 0..3; 3 also rejects much of white noise
# Dither (seeded, so runs repeat): digital silence otherwise upsets the front end, and clean
# audio decoded worse than the same audio at 10 dB SNR (bench/accuracy.py).
DECODER_OPTIONS: tuple[tuple[str, Any], ...] = (("dither", True), ("seed", 1))
_ALLPHONE = "_allphone"
# Phone-loop agreement that counts as confident. bench/accuracy.py found no cut-off that
# separates right from wrong answers on espeak-ng voices (at 0.2 it rejected 37% of right answers
# and still accepted 20% of misrecognitions), so a complete phrase of the grammar counts as
# confident and the agreement only ranks above that.
RAW_CONFIDENT = 0.0
INCOMPLETE_CONFIDENCE = 0.1  # raw ceiling when the words are only the start of a phrase
DOUBTFUL = CONFIRM_BELOW / 2  # calibrated ceiling for a phrase cut back to its complete prefix
SILENCE_PROB = 0.1  # of a pause (self-loop) at any point of a grammar
FRAME_S = 0.03  # VAD frame
PRE_ROLL_S = 0.3  # audio kept from before the onset, so a word's start is not clipped
START_WINDOW_FRAMES = 5
START_SPEECH_FRAMES = 3  # this many speech frames of the last START_WINDOW_FRAMES start a turn


class PocketsphinxRecognizer:
    """Recognizer for pocketsphinx 5 with per-grammar JSGF searches cached by grammar name."""

    sample_rate_hz = RATE_HZ

    def __init__(
        self, settings: RecognitionSettings | None = None, model_path: Path | None = None
    ) -> None:
        """Load the model in ``model_path`` (an acoustic model folder and a *.dict beside it),
        by default the English model inside the pocketsphinx wheel."""
        import pocketsphinx  # only this module needs the engine

        self._settings = settings or RecognitionSettings()
        self._ps = pocketsphinx
        folder = model_path or Path(pocketsphinx.get_model_path("en-us"))
        model_dir = _acoustic_model(folder)
        dictionary = next(iter(sorted(folder.glob("*.dict"))), folder / "(no *.dict)")
        for path, what in ((model_dir / "mdef", "acoustic model"), (dictionary, "dictionary")):
            if not path.is_file():
                raise ModelError(
                    f"pocketsphinx {what} not found at {path}: reinstall pocketsphinx "
                    "or point --model at a complete model"
                )
        config = pocketsphinx.Config(hmm=str(model_dir), dict=str(dictionary), lm=None)
        config["loglevel"] = "FATAL"
        config["fsgusefiller"] = False  # silence loops are written into each FSG instead
        for key, value in DECODER_OPTIONS:
            config[key] = value
        try:
            self._decoder = pocketsphinx.Decoder(config)
        except (RuntimeError, ValueError) as err:
            raise ModelError(
                f"pocketsphinx could not load the model in {model_dir} ({err}): "
                "reinstall pocketsphinx or replace the model files"
            ) from err
        self._searches: dict[str, Grammar] = {}
        self._missing: dict[str, set[str]] = {}
        self._has_allphone = False
        self._automata: dict[str, WordAutomaton] = {}

    def missing_words(self, grammar: Grammar) -> set[str]:
        """Words of ``grammar`` that the pronunciation dictionary lacks."""
        cached = self._missing.get(grammar.name)
        if cached is None or self._searches.get(grammar.name) != grammar:
            cached = {w for w in grammar_words(grammar) if self._decoder.lookup_word(w) is None}
        return set(cached)

    def prepare(self, grammar: Grammar) -> None:
        """Build the search for ``grammar`` now rather than on its first turn."""
        if self._searches.get(grammar.name) == grammar:
            return
        missing = self.missing_words(grammar)
        usable = grammar
        if missing:
            _LOGGER.warning(
                "Grammar %s: words not in the pocketsphinx dictionary, phrases using them "
                "are dropped: %s",
                grammar.name,
                " ".join(sorted(missing)),
            )
            usable = without_words(grammar, missing)
        if not usable.phrases:
            raise ModelError(
                f"Grammar {grammar.name} has no phrase pocketsphinx can say: "
                "add the missing words to the dictionary"
            )
        # An epsilon-free FSG: pocketsphinx 5 loses hypotheses on JSGF whose optional parts
        # follow alternatives (chains of null transitions plus filler loops).
        automaton = word_automaton(usable)
        final = automaton.n_states
        transitions = [(a, b, 1.0, w) for a, b, w in automaton.arcs]
        # The turn ends in silence: a closing <sil> is the only way into the final state, so
        # the search cannot stop on a partial phrase that swallowed the pause as a word.
        transitions += [(s, final, 1.0, "<sil>") for s in sorted(automaton.final_states)]
        transitions += [(s, s, SILENCE_PROB, "<sil>") for s in range(final + 1)]
        try:
            fsg = self._decoder.create_fsg(grammar.name, 0, final, transitions)
            self._decoder.add_fsg(grammar.name, fsg)
        except (RuntimeError, ValueError) as err:
            raise ModelError(f"pocketsphinx rejected grammar {grammar.name}: {err}") from err
        self._searches[grammar.name] = grammar
        self._missing[grammar.name] = missing
        self._automata[grammar.name] = automaton

    def transcribe(self, audio: Iterator[AudioChunk], grammar: Grammar) -> Transcript | None:
        """Listen for one turn and decode it with ``grammar``; None if nobody spoke in time."""
        self.prepare(grammar)
        speech = self._endpoint(audio)
        if speech is None:
            return None
        decoder = self._decoder
        decoder.activate_search(grammar.name)
        decoder.start_utt()
        decoder.process_raw(speech, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        if hyp is None or not hyp.hypstr:
            _LOGGER.debug("grammar %s: speech but no hypothesis", grammar.name)
            return Transcript(text="", confidence=0.0, in_grammar=False)
        # Pocketsphinx falls back to the best partial path when no complete phrase survived;
        # a breath after "yes" becomes "yes a" (a start of "yes a little"). The longest complete
        # prefix is what was most likely said, but only ever as a doubtful hearing: the dialog
        # confirms it, and never takes a doubtful reassuring answer without a clear yes.
        words = hyp.hypstr.split()
        automaton = self._automata[grammar.name]
        complete = accepts(automaton, words)
        prefix = next((n for n in range(len(words), 0, -1) if accepts(automaton, words[:n])), 0)
        text = " ".join(words[:prefix]) if prefix else hyp.hypstr
        confidence = self._confidence(speech, text)
        if not complete:
            confidence = min(confidence, INCOMPLETE_CONFIDENCE)
        in_grammar = prefix > 0
        _LOGGER.debug("heard %r as %r raw conf=%.2f", hyp.hypstr, text, confidence)
        calibrated = calibrate(confidence, RAW_CONFIDENT)
        if not complete:
            calibrated = min(calibrated, DOUBTFUL)
        return Transcript(text=text, confidence=calibrated, in_grammar=in_grammar)

    def _confidence(self, speech: bytes, text: str) -> float:
        """How well a free phone loop on the same audio agrees with the grammar's words."""
        decoder = self._decoder
        if not self._has_allphone:
            decoder.add_allphone_file(_ALLPHONE, None)
            self._has_allphone = True
        decoder.activate_search(_ALLPHONE)
        decoder.start_utt()
        decoder.process_raw(speech, full_utt=True)
        decoder.end_utt()
        phone_hyp = decoder.hyp()
        heard = [p for p in (phone_hyp.hypstr.split() if phone_hyp else []) if p != "SIL"]
        expected: list[str] = []
        for word in text.split():
            expected += (decoder.lookup_word(word) or "").split()
        return phone_agreement(heard, expected)

    def _endpoint(self, audio: Iterator[AudioChunk]) -> bytes | None:
        """Bytes of the first speech region, ended by trailing silence, a cap, or end of audio."""
        settings = self._settings
        vad = self._ps.Vad(VAD_MODE, RATE_HZ, FRAME_S)
        frame_bytes, frame_s = vad.frame_bytes, vad.frame_length
        recent: deque[tuple[bytes, bool]] = deque(maxlen=round(PRE_ROLL_S / frame_s))
        speech: list[bytes] = []
        buffer = b""
        waited_s = silent_s = 0.0
        for chunk in audio:
            if chunk.rate_hz != RATE_HZ:
                raise AudioError(f"pocketsphinx needs {RATE_HZ} Hz audio, got {chunk.rate_hz} Hz")
            buffer += chunk.to_bytes()
            while len(buffer) >= frame_bytes:
                frame, buffer = buffer[:frame_bytes], buffer[frame_bytes:]
                is_speech = vad.is_speech(frame)
                if speech:
                    speech.append(frame)
                    silent_s = 0.0 if is_speech else silent_s + frame_s
                    if silent_s >= settings.end_silence_s:
                        return b"".join(speech)
                    if len(speech) * frame_s >= settings.max_utterance_s:
                        _LOGGER.debug("utterance cut at %.1f s", settings.max_utterance_s)
                        return b"".join(speech)
                    continue
                recent.append((frame, is_speech))
                onset = list(recent)[-START_WINDOW_FRAMES:]
                if sum(flag for _, flag in onset) >= START_SPEECH_FRAMES:
                    speech = [f for f, _ in recent]
                    continue
                waited_s += frame_s
                if waited_s >= settings.no_speech_timeout_s:
                    return None
        return b"".join(speech) if speech else None


def phone_agreement(heard: list[str], expected: list[str]) -> float:
    """1 - phone edit distance / length of the longer string: 1.0 when the phone loop agrees."""
    if not heard or not expected:
        return 0.0
    previous = list(range(len(expected) + 1))
    for i, h in enumerate(heard, 1):
        current = [i]
        for j, e in enumerate(expected, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (h != e)))
        previous = current
    return 1.0 - previous[-1] / max(len(heard), len(expected))


def _acoustic_model(folder: Path) -> Path:
    """The acoustic model (the folder holding mdef): ``folder`` itself or one inside it."""
    if (folder / "mdef").is_file():
        return folder
    inside = sorted(sub for sub in folder.glob("*") if (sub / "mdef").is_file())
    return inside[0] if inside else folder
