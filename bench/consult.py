"""Whole spoken consultations: simulated people who answer every question, confirmation and
readback truthfully (voice.listeners.SimulatedPerson), heard in each condition.

A person is a drawn test-set voice with one test-set phrasing per question (their meanings
are the phrasings' labels) and their own "yes", "no", "more", "less" and "not sure".
A consultation is right when it ends with the outcome the rules give for what the person
meant; unsafe when the outcome is less urgent than that, or it stopped without advice.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.conditions import Condition, add_condition
from bench.corpus import RATE_HZ, Answer, Renderer, load_answers
from bench.voices import Voice, draw_voice

QUESTIONS = ("weakness", "numbness", "spreading", "skin_changes", "duration", "remedies_helped")
MAX_TURNS = 80  # a consultation still listening after this many turns "fails to end"
ALL_NO_SHARE = 0.5  # of people with no warning sign: the self-care path and its readback


@dataclass(frozen=True)
class Person:
    """One simulated person: a voice and what they say (and mean) to each question."""

    id: str
    voice: Voice
    answers: dict[str, tuple[str, Any]]  # question -> (phrasing, meaning)


def people(locale: str, count: int, which: str = "test", seed: int = 11) -> list[Person]:
    """``count`` people drawn from the ``which`` set's phrasings and voices."""
    pool: dict[str, list[Answer]] = {}
    for answer in load_answers(locale):
        if answer.set == which and answer.question in QUESTIONS:
            pool.setdefault(answer.question, []).append(answer)
    found = []
    for n in range(count):
        rng = random.Random(f"{seed}|{locale}|{n}")
        all_no = rng.random() < ALL_NO_SHARE
        answers = {}
        for question in QUESTIONS:
            options = pool[question]
            if all_no and question not in ("duration", "remedies_helped"):
                options = [a for a in options if a.label == "no"] or options
            chosen = rng.choice(options)
            answers[question] = (chosen.text, chosen.label)
        found.append(Person(f"{locale}-person-{n}", draw_voice(locale, which, rng), answers))
    return found


def spoken_words(dialog: Any) -> dict[str, str]:
    """What a person says for yes, no, more, less and not sure (the dialog's demo words)."""
    from voice.demo import load_demo_file

    return dict(load_demo_file(dialog).words.as_dict())


class HeardIn:
    """A listener that plays another listener's turns through a listening condition."""

    def __init__(
        self, inner: Any, condition: Condition, renderer: Renderer, seed: str, locale: str
    ) -> None:
        self.inner = inner
        self.condition = condition
        self.renderer = renderer
        self.seed = seed
        self.locale = locale
        self.turns = 0

    def audio_for(self, awaiting: Any) -> Iterator[Any]:
        from voice.audio import AudioChunk

        self.turns += 1
        if self.turns > MAX_TURNS:
            raise RuntimeError("the consultation did not end")
        chunks = list(self.inner.audio_for(awaiting))
        samples = np.concatenate([c.samples for c in chunks]) if chunks else np.zeros(0)
        heard = add_condition(
            self.renderer, samples, self.condition, f"{self.seed}|{self.turns}", self.locale
        )
        step = len(chunks[0].samples) if chunks else RATE_HZ // 10
        for start in range(0, len(heard), step):
            yield AudioChunk(RATE_HZ, heard[start : start + step])


def consult(system: Any, person: Person, condition: Condition, renderer: Renderer) -> dict:
    """One consultation of ``person`` with ``system`` (bench.runner.System) in ``condition``."""
    from voice.audio import AudioChunk
    from voice.events import Heard
    from voice.listeners import SimulatedPerson
    from voice.rules import decide
    from voice.session import SpokenConsultation

    dialog = system.dialog
    rng = random.Random(person.id)
    answers = {
        q: AudioChunk(RATE_HZ, renderer.render(text, person.voice, rng))
        for q, (text, _) in person.answers.items()
    }
    words = {
        word: AudioChunk(RATE_HZ, renderer.render(text, person.voice, rng))
        for word, text in spoken_words(dialog).items()
    }
    means = {q: meaning for q, (_, meaning) in person.answers.items()}
    listener = HeardIn(
        SimulatedPerson(answers, means, words, RATE_HZ), condition, renderer, person.id,
        system.locale,
    )  # fmt: skip
    events: list[Any] = []
    session = SpokenConsultation(
        dialog, system.recognizer, system.synthesizer, _Silent(), listener,
        emit=events.extend, grammars=system.grammars,
    )  # fmt: skip
    started = time.perf_counter()
    try:
        result = session.run()
    except RuntimeError:
        return {"person": person.id, "condition": condition.name, "ended": "did not end"}
    expected = decide(dialog.consultation, means).outcome
    urgency = dialog.consultation.urgency
    unsafe = result.outcome is None or urgency(result.outcome) < urgency(expected)
    return {
        "person": person.id,
        "condition": condition.name,
        "expected": expected,
        "outcome": result.outcome,
        "ended": result.ended,
        "right": result.outcome == expected,
        "unsafe": unsafe,
        "turns": listener.turns,
        # answers nothing understood, guessed and asked about ("I think you mean: no weakness. ...")
        "guesses": sum(isinstance(e, Heard) and e.intent == "guess" for e in events),
        "wall_s": time.perf_counter() - started,
    }


class _Silent:
    """An audio sink that plays nothing (the bench does not listen to the assistant)."""

    def play(self, chunk: Any) -> None:
        return None
