"""A guess at an answer no template understood: the labelled answers most like it.

The templates read what they were written for. An answer they cannot read at all ("Strong as
an ox, I can stand on tiptoe on that foot") is compared with answers people gave to the same
question (dialogs/<locale>/examples.yaml, labelled by hand). When one of them is close
enough, the most similar ones vote with their similarity; when most of the vote agrees on one
plain answer to the question, that is the guess. A guess is never taken as said: the dialog
asks "I think you mean: no weakness. Is that right?" first (voice/dialog/answers.py). A number is
never guessed: "since the Thursday before last" is not the length its neighbours gave.

Similarity is the cosine between mean token embeddings from WordLlama, whose package carries
its table (32,000 tokens by 256, 16 MB) and tokenizer inside the wheel. Its own loader looks
for the tokenizer on the network, so the two files are read here; the package itself is not
imported (it would load 30 MB of modules the guess does not use), and the table is mapped.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import mmap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from voice.errors import DialogError
from voice.files import parse_yaml, read_text, shown

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from voice.schema import AnswerValue

_LOGGER = logging.getLogger(__name__)

EXAMPLES_FILE = "examples.yaml"
NEIGHBOURS = 5
# The winning label's part of the neighbours' summed similarity. Chosen with the corpus's tune
# half as examples and its dev half as answers: 5 and a half were right on 69% of the answers
# nothing understood (3 neighbours: 62%, 9: 74% of far fewer).
MIN_SHARE = 0.5
# And the most similar answer must be this alike (cosine): "banana" is nearest "yea" at 0.18,
# and "purple monkey dishwasher" nearest a story at 0.2. On the dev answers above, 0.4 kept 95
# of the 99 right guesses and dropped 9 of the 32 wrong ones.
MIN_SIMILARITY = 0.4
# A guess that would make the advice less urgent ("no" to a sign, "yes" to relief) needs more:
# on the same dev answers, 9 of 156 guesses at a half were that and wrong, none at 0.8 (of 131).
MIN_SHARE_REASSURING = 0.8
EMBEDDINGS = "wordllama"  # the package that carries the table
TABLE_FILE = Path("weights", "l2_supercat_256.safetensors")
TOKENIZER_FILE = Path("tokenizers", "l2_supercat_tokenizer_config.json")
DTYPES = {"F16": np.float16, "F32": np.float32}

Example = tuple[str, Mapping[str, Any]]  # an answer, and everything it means


class Embed(Protocol):
    """Texts to unit vectors whose dot product says how alike they are."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class TokenMeans:
    """A text's vector: the mean of its tokens' embeddings, to unit length (word order is lost,
    which is why only answers nothing else read are guessed, and never without asking)."""

    tokenizer: Tokenizer
    table: np.ndarray  # one row per token id

    @classmethod
    def installed(cls) -> TokenMeans | None:
        """WordLlama's table and tokenizer, from its installed package (None: not installed)."""
        spec = importlib.util.find_spec(EMBEDDINGS)
        if spec is None or not spec.submodule_search_locations:
            return None
        root = Path(next(iter(spec.submodule_search_locations)))
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_file(str(root / TOKENIZER_FILE)), mapped(root / TABLE_FILE))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for row, text in enumerate(texts):  # one by one: a batch costs 10 MB of threads' memory
            encoding = self.tokenizer.encode(text, add_special_tokens=False)
            ids = [i for i in encoding.ids if i < len(self.table)]
            if ids:
                mean = self.table[ids].astype(np.float32).mean(axis=0)
                vectors[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return vectors


def mapped(path: Path) -> np.ndarray:
    """The one tensor of a safetensors file, mapped rather than read: the pages of the tokens
    in use are the file's own, which the kernel can drop again (reading it all costs 27 MB of
    the process's own memory at its peak, of a Pi Zero 2 W's 512). The format is 8 bytes of
    header length, a JSON header, then the data."""
    with open(path, "rb") as handle:
        memory = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    size = int.from_bytes(memory[:8], "little")
    header = json.loads(memory[8 : 8 + size])
    tensors = [info for name, info in header.items() if name != "__metadata__"]
    if len(tensors) != 1 or tensors[0].get("dtype") not in DTYPES:
        raise DialogError(f"{shown(path)}: expected one float tensor; reinstall {EMBEDDINGS}")
    info = tensors[0]
    shape = tuple(info["shape"])
    offset = 8 + size + info["data_offsets"][0]
    table = np.frombuffer(memory, DTYPES[info["dtype"]], int(np.prod(shape)), offset)
    return table.reshape(shape)


@dataclass(frozen=True)
class Guess:
    """What an answer probably means, and why."""

    question: str
    answer: AnswerValue
    share: float  # of the neighbours' similarity, for this answer
    like: str  # the labelled answer most like it


class Guesser:
    """Guesses answers to each question from labelled answers to it."""

    def __init__(self, examples: Mapping[str, Sequence[Example]], embed: Embed) -> None:
        self.embed = embed
        self.examples = {q: list(found) for q, found in examples.items() if found}
        self.vectors = {q: embed([text for text, _ in found]) for q, found in self.examples.items()}

    def guess(self, question: str, text: str, left_out: bool = False) -> Guess | None:
        """The plain answer to ``question`` most of the similar answers gave (None: no clear
        one, an answer with more in it, a number, a question back or something off-topic).
        ``left_out``: the answer's own labelled copy does not vote (to measure on the answers
        the examples came from)."""
        found = self.examples.get(question)
        if not found or not text.strip():
            return None
        similarity = self.vectors[question] @ self.embed([text])[0]
        if left_out:
            similarity[[i for i, (said, _) in enumerate(found) if said == text]] = -1.0
        nearest = np.argsort(-similarity)[:NEIGHBOURS]
        if similarity[nearest[0]] < MIN_SIMILARITY:
            return None  # nothing anyone answered is like it
        votes: dict[str, float] = {}
        labels: dict[str, Mapping[str, Any]] = {}
        for index in nearest:
            _, label = found[index]
            key = repr(sorted(label.items()))
            votes[key] = votes.get(key, 0.0) + max(float(similarity[index]), 0.0)
            labels[key] = label
        total = sum(votes.values())
        if total <= 0.0:
            return None
        best = max(votes, key=lambda key: votes[key])
        label, share = labels[best], votes[best] / total
        answer = label.get(question)
        if share < MIN_SHARE or set(label) != {question} or not isinstance(answer, str):
            return None
        return Guess(question, answer, share, found[nearest[0]][0])


def parse_examples(path: Path, questions: Sequence[str]) -> dict[str, list[Example]]:
    """A dialog's labelled answers, by question, checked against its questions."""
    data = parse_yaml(read_text(path, DialogError), shown(path), DialogError)
    if not isinstance(data, dict):
        raise DialogError(f"{shown(path)}: expected labelled answers by question id")
    examples: dict[str, list[Example]] = {}
    for question, items in data.items():
        if question not in questions or not isinstance(items, list):
            raise DialogError(f"{shown(path)}: {question!r} is not a question of this dialog")
        for item in items:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], dict)):
                raise DialogError(f"{shown(path)}: {question}: each answer is [text, {{meaning}}]")
        examples[question] = [(str(text), dict(meaning)) for text, meaning in items]
    return examples


@cache
def guesser_at(folder: Path, questions: tuple[str, ...]) -> Guesser | None:
    """The guesser for a dialog folder, built on first use (None: no labelled answers there,
    or WordLlama is not installed)."""
    path = folder / EXAMPLES_FILE
    if not path.is_file():
        return None
    embed = TokenMeans.installed()
    if embed is None:
        _LOGGER.info("wordllama is not installed: answers nothing understood are asked again")
        return None
    return Guesser(parse_examples(path, questions), embed)
