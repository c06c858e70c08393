"""One system hearing every clip in every condition, in its own process (its own peak memory).

    python -m bench.runner SPEC.json MANIFEST.json OUT.jsonl

Runs with whichever `voice` package is first on sys.path: this checkout, or an older commit's
tree (the baseline), so it only uses the interfaces every version has: make_recognizer,
Grammars, build_grammar, Understanding, Conversation and EspeakSynthesizer.
"""

from __future__ import annotations

import inspect
import json
import random
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.conditions import CONDITIONS, build_turn
from bench.corpus import RATE_HZ, Renderer
from bench.voices import Voice

CHUNK_S = 0.1  # a microphone block (voice.devices.DEFAULT_BLOCK_S, voice.listeners.CHUNK_S)
# Typed answers that bring a consultation to each question, to time the reply as it happens.
LEAD_IN = {
    "en": {"no": "no", "long": "about a week"},
    "ko": {"no": "아니요", "long": "일주일"},
}


@dataclass
class Stream:
    """A turn fed in microphone blocks, noting how many were taken and when the last was."""

    samples: np.ndarray
    taken: int = 0
    last_pull_s: float = field(default_factory=time.perf_counter)

    def __iter__(self) -> Iterator[Any]:
        from voice.audio import AudioChunk

        step = round(CHUNK_S * RATE_HZ)
        for start in range(0, len(self.samples), step):
            self.taken += 1
            self.last_pull_s = time.perf_counter()
            yield AudioChunk(RATE_HZ, self.samples[start : start + step])


class System:
    """The recognizer, grammars and dialog of one system under test."""

    def __init__(self, spec: dict[str, Any]) -> None:
        from voice.asr import RecognitionSettings

        try:
            from voice.asr.engines import make_recognizer
        except ImportError:  # older trees (BASELINE_REF): the factory was in voice.asr
            from voice.asr import make_recognizer  # type: ignore[attr-defined,no-redef]
        from voice.content import load_dialog
        from voice.grammar import build_grammar
        from voice.grammar.questions import Grammars

        try:
            from voice.understand import Understanding
        except ImportError:  # older trees (BASELINE_REF): one meaning per answer
            from voice.intents import Understanding  # type: ignore[attr-defined,no-redef]
        from voice.tts import EspeakSynthesizer, TtsSettings

        self.spec = spec
        self.locale = spec["locale"]
        self.dialog = load_dialog(self.locale)
        self.understanding = Understanding(self.dialog.intents)
        self.mode = spec.get("grammar", "question")
        if self.mode == "open":
            from bench.peers import OpenTranscriber

            self.recognizer: Any = OpenTranscriber(spec["engine"], self.locale)
        else:
            settings = RecognitionSettings(engine=spec["engine"], **spec.get("settings", {}))
            shares = "dialog" in inspect.signature(make_recognizer).parameters  # older: no
            self.recognizer = make_recognizer(
                settings, self.locale, *([self.dialog] if shares else [])
            )
        self._transcribe_takes = inspect.signature(self.recognizer.transcribe).parameters
        self.grammars = Grammars(self.dialog)
        self.single = build_grammar(
            self.dialog.intents, list(self.dialog.intents.intents), "single", self.locale
        )
        self.synthesizer = EspeakSynthesizer(TtsSettings(voice=self.dialog.consultation.voice))
        prepare = getattr(self.synthesizer, "prepare", None)
        if prepare is not None:  # a synthesizer with a prompt cache fills it before listening
            consultation = self.dialog.consultation
            prompts = [q.prompt for q in consultation.questions.values()]
            prompts += [q.reprompt for q in consultation.questions.values()]
            prepare(prompts)

    def grammar(self, question: str) -> Any:
        if self.mode == "single":
            return self.single
        return grammar_for(self.grammars, self.dialog, question)

    def conversation_at(self, question: str) -> Any:
        """A consultation waiting for ``question``, reached with typed answers."""
        from voice.dialog import Conversation

        conversation = Conversation(self.dialog)
        conversation.start()
        typed = LEAD_IN[self.locale]
        while conversation.expecting not in (question, None):
            expecting = conversation.expecting
            kind = self.dialog.consultation.questions[expecting].kind
            conversation.hear(typed["long"] if kind == "duration" else typed["no"])
        if hasattr(conversation, "flow"):  # as a spoken consultation
            conversation.flow.check_stop = True
        elif hasattr(conversation, "check_stop"):  # older trees
            conversation.check_stop = True
        return conversation

    def hear(self, samples: np.ndarray, question: str) -> dict[str, Any]:
        """Recognize one turn, understand it, and time the reply's first sample."""
        conversation = self.conversation_at(question)
        stream = Stream(samples)
        use = getattr(self.recognizer, "use", None)  # the whisper engine's record
        asked, whisper_s = (use.asked, use.seconds) if use is not None else (0, 0.0)
        cpu_s = time.process_time()
        awaiting = getattr(conversation, "awaiting", None)  # older trees: grammar only
        weighs = awaiting is not None and "awaiting" in self._transcribe_takes
        transcript = self.recognizer.transcribe(
            iter(stream), self.grammar(question), *([awaiting] if weighs else [])
        )
        done_s = time.perf_counter()
        cpu_s = time.process_time() - cpu_s
        out: dict[str, Any] = {
            "taken_s": stream.taken * CHUNK_S,
            "audio_s": len(samples) / RATE_HZ,
            "compute_s": done_s - stream.last_pull_s,
            "cpu_s": cpu_s,  # every thread of the process, the whole turn
            "text": None,
            "confidence": None,
            "in_grammar": None,
        }
        text = None
        if transcript is not None:
            out.update(
                text=transcript.text,
                confidence=transcript.confidence,
                in_grammar=transcript.in_grammar,
            )
            if transcript.in_grammar or self.mode == "open":
                text = transcript.text
        if use is not None:
            out.update(whisper=use.asked > asked, whisper_s=use.seconds - whisper_s)
        if transcript is not None and getattr(transcript, "evidence", None):
            out["evidence"] = dict(transcript.evidence)
        else:  # older trees kept the last turn's evidence on the recognizer
            evidence = getattr(self.recognizer, "last_evidence", None)
            if evidence is not None and transcript is not None:
                out["evidence"] = evidence.features()
        meaning = self.understanding.parse(text) if text else None
        if meaning is not None:
            sign = getattr(meaning, "about", getattr(meaning, "sign", None))
            out.update(intent=meaning.intent, answer=meaning.answer, sign=sign)
            out["correction"] = meaning.correction
        confidence = transcript.confidence if transcript is not None else 0.0
        if self.spec.get("accept_all"):
            confidence = 1.0
        out["dialog_confidence"] = confidence
        before = dict(conversation.answers)
        started = time.perf_counter()
        events = conversation.hear(text, confidence) if conversation.expecting else []
        spoken = [e for e in events if hasattr(e, "text") and type(e).__name__ in ("Say", "Prompt")]
        if spoken:
            self.synthesizer.synthesize(spoken[0].text)
        out["reply_s"] = time.perf_counter() - started  # the dialog, then the reply's audio
        out["recorded"] = {q: v for q, v in conversation.answers.items() if before.get(q) != v}
        result = conversation.result
        out["stopped"] = result is not None and result.ended == "stopped"
        return out


def main() -> int:
    spec_path, manifest_path, out_path = (Path(a) for a in sys.argv[1:4])
    spec = json.loads(spec_path.read_text())
    manifest = json.loads(manifest_path.read_text())
    renderer = Renderer(Path(manifest["cache"]))
    system = System(spec)
    started = time.perf_counter()
    with out_path.open("w", encoding="utf-8") as out:
        for clip in manifest["clips"]:
            if clip["locale"] != system.locale:
                continue
            voice = Voice(**clip["voice"])
            speech = renderer.render(clip["text"], voice, random.Random(clip["id"]))
            for name in manifest["conditions"]:
                turn = build_turn(renderer, speech, CONDITIONS[name], clip["id"], clip["locale"])
                result = system.hear(turn.samples, clip["asked"])
                result.update(clip=clip["id"], condition=name, speech_end_s=turn.speech_end_s)
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        if spec.get("consult"):
            from bench.consult import Person, consult

            for name in manifest["conditions"]:
                for person in manifest.get("people", []):
                    if person["locale"] != system.locale:
                        continue
                    who = Person(person["id"], Voice(**person["voice"]), person["answers"])
                    outcome = consult(system, who, CONDITIONS[name], renderer)
                    out.write(json.dumps({"type": "consult", **outcome}) + "\n")
    summary = {
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "wall_s": time.perf_counter() - started,
        "confirm_below": _confirm_below(),
    }
    print(json.dumps(summary))
    return 0


def _confirm_below() -> float:
    from voice.confidence import CONFIRM_BELOW

    return float(CONFIRM_BELOW)


def grammar_for(grammars: Any, dialog: Any, question: str) -> Any:
    """A question's grammar: by the awaited value (this tree), or by id (older trees)."""
    from voice.events import Awaiting

    kind = dialog.consultation.questions[question].kind
    try:
        return grammars.get(Awaiting(question, question_kind=kind))
    except TypeError:  # older trees: Awaiting had no question_kind, get() took the id
        return grammars.get(question)


if __name__ == "__main__":
    sys.exit(main())
