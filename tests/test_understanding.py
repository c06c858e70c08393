"""Answers as people give them: the labelled corpus, and the promise behind it.

The corpus (bench/data/understanding/) is read in process, every set, in seconds. `test` was
written by authors who never saw the software and is never tuned on; its figures are what the
understanding is worth on phrasings nobody saw (bench/results/understanding.md has them). `dev`
was the held-out half until its figures were reported, and is tuned on since. The floors below
are the figures this checkout reaches, so a change that loses ground fails here.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.understanding import Reader, evaluate, summary
from tests.chat_driver import shipped_dialog
from voice.content import Dialog, load_dialog
from voice.dialog import Conversation
from voice.understand import understanding_for

# (locale, set): the least share understood right, the most unsafe readings. The goal for the
# held-out set is 97% and none unsafe (issue 15); these are where this checkout stands.
FLOORS = {
    ("en", "tune"): (0.99, 0),
    # 0.945 before the sixth to ninth rounds' answers joined it. Unsafe: "nope, bye" to "more
    # tips?" (read as stop: the tips were given)
    ("en", "dev"): (0.92, 1),
    ("en", "test"): (0.835, 0),
    ("ko", "tune"): (0.99, 0),
    ("ko", "dev"): (0.88, 0),  # 0.90 before the sixth to ninth rounds joined it
    ("ko", "test"): (0.84, 1),
}


# The sets tuned on run with the slow tests (and in CI); the quick loop keeps the held-out
# sets, the ones that say whether a change generalizes.
CORPUS_SETS = [
    pytest.param(locale, half, marks=[pytest.mark.slow] if half != "test" else [])
    for locale, half in FLOORS
]


@pytest.mark.parametrize(("locale", "half"), CORPUS_SETS)
def test_the_corpus_is_understood(locale: str, half: str) -> None:
    result = evaluate(locale, half, "toe")
    figures = summary(result)
    least, most_unsafe = FLOORS[(locale, half)]
    share = figures["right"] / figures["answers"]
    unsafe = [(r["asked"], r["text"], r["read"]) for r in result["rows"] if r["unsafe"]]
    print(f"{locale} {half}: {figures['right']}/{figures['answers']} right, unsafe {unsafe}")
    assert share >= least, f"{locale} {half}: {share:.1%} right"
    assert len(unsafe) <= most_unsafe, unsafe


# --- at any turn, an answer that adds a warning sign never ends in self-care -----------------

PLAIN = {"answer": "no", "follow_up": "less", "readback": "yes", "which": "nothing"}
ADDED = [
    "{plain}, but my ankle tingles",
    "{plain}, although my foot feels a bit weak",
    "{plain} and the twitching has spread to my other toes",
    "{plain}, though the toe is slightly swollen now",
    "{plain}. oh and it burns sometimes",
]


@pytest.fixture(scope="module")
def dialog() -> Dialog:
    return load_dialog("en")


def plain_reply(conversation: Conversation) -> str:
    """A reassuring answer to whatever is asked (the self-care path)."""
    awaiting = conversation.awaiting
    assert awaiting is not None
    if awaiting.kind == "answer" and awaiting.question_kind == "duration":
        return "since yesterday"
    return PLAIN.get(awaiting.kind, "no")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(0, 9), template=st.sampled_from(ADDED))
def test_a_sign_added_at_any_turn_never_ends_in_self_care(
    dialog: Dialog, at: int, template: str
) -> None:
    conversation = Conversation(dialog)
    conversation.start()
    turn = 0
    while conversation.result is None and turn < 40:
        plain = plain_reply(conversation)
        conversation.hear(template.format(plain=plain) if turn == at else plain)
        turn += 1
    result = conversation.result
    assert result is not None
    if turn > at:  # the sign was said (the consultation had that many turns)
        assert result.outcome != "self_care", (at, template, result)


# --- answers as people give them: asides, shorthand, restarts, everyday phrasings -----------

READBACK = {
    "weakness": "no",
    "numbness": "no",
    "spreading": "no",
    "skin_changes": "no",
    "duration": 2,
}


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader("en")


# Answers as people say them, by what this stop's readers had to learn, read as meant
PHRASINGS: dict[str, list[tuple[str, str, dict[str, object]]]] = {
    # an aside beside a clear answer: said in passing, it does not make the answer unclear
    "aside": [
        ("follow_up", "more, I'm almost certain", {"duration": 3.0, "bound": "above"}),
        ("spreading", "no, but don't quote me on that", {"spreading": "no"}),
        ("weakness", "Oh, I don't think so. Touch wood, dear.", {"weakness": "no"}),
        ("readback", "That's about the size of it, yes.", {"reply": "yes"}),
        ("readback", "Perfect, yes, you've got it all down.", {"reply": "yes"}),
        ("numbness", "yes, I'm diabetic", {"numbness": "yes"}),
        ("readback", "yes — hang on a sec — yes that's all right", {"reply": "yes"}),
        ("readback", "that's it, gotta dash", {"reply": "yes"}),
        ("readback", "sounds right to me", {"reply": "yes"}),
        ("readback", "yes nothing to add", {"reply": "yes"}),
        ("readback", "the second one is wrong", {"reply": "no"}),
        ("readback", "that's not what I said", {"reply": "no"}),
        # cold feet is not a sign the source names: beside an answer it is no news
        ("numbness", "no, his toes always feel a bit cold though", {"numbness": "no"}),
        ("weakness", "nope, just cold feet", {"weakness": "no"}),
        ("numbness", "yes, it's cold and numb", {"numbness": "yes"}),
        ("skin_changes", "no, it's cold and a bit blue", {"skin_changes": "yes"}),
    ],
    # chat shorthand is spelled out before an answer is read
    "shorthand": [
        ("remedies_helped", "yh stretching rly helps", {"remedies_helped": "yes"}),
        ("readback", "yep n the stretching rly helped", {"reply": "yes", "remedies_helped": "yes"}),
        ("duration", "since yday", {"duration": 1.0}),
        ("weakness", "idk tbh", {"weakness": "unsure"}),
        ("more_tips", "ok lah", {"reply": "yes"}),
    ],
    # "that's it" after something said closes the answer; alone it still answers
    "closing": [
        ("skin_changes", "achy but that's it", {"skin_changes": "unsure"}),
        ("readback", "yes, that's all fine", {"reply": "yes"}),
        ("readback", "all good", {"reply": "yes"}),
        ("readback", "that's it", {"reply": "yes"}),
    ],
    "everyday relief and time": [
        ("remedies_helped", "massage is helping a lot", {"remedies_helped": "yes"}),
        ("remedies_helped", "the toe curls have really settled it", {"remedies_helped": "yes"}),
        ("remedies_helped", "the massage is helping a bit", {"remedies_helped": "unsure"}),
        ("remedies_helped", "stretching isn't helping", {"remedies_helped": "no"}),
        (
            "duration",
            "4 days, and stretching is not helping",
            {"duration": 4.0, "remedies_helped": "no"},
        ),
        ("duration", "since thursday teatime", {"duration": 2.0}),
        ("duration", "two weeks basically", {"duration": 14.0}),
    ],
    # a length of time said in passing, from where it opens ("it's been", "since", "for"):
    # taken only when it is the cautious reading, and never when it is about something else
    "time in passing": [
        (
            "weakness",
            "no, it's been going on for about ten days though",
            {"weakness": "no", "duration": 10.0},
        ),
        (
            "remedies_helped",
            "yes the stretches help, it's been four days by the way",
            {"remedies_helped": "yes", "duration": 4.0},
        ),
        ("numbness", "nope, only the twitch, since saturday", {"numbness": "no", "duration": 7.0}),
        ("spreading", "no, my foot was sore for a day or so", {}),  # short: asked again
        ("numbness", "no, though I've been a cook for twenty years", {}),
    ],
    # what a recognizer writes for a word it heard: "know" where an answer opens, "to weeks"
    "homophones": [
        ("spreading", "know, only the little toe", {"spreading": "no"}),
        ("weakness", "i know it's weak", {"weakness": "yes"}),
        ("duration", "about to weeks", {"duration": 14.0}),
        ("duration", "since last weak", {"duration": 7.0}),
        ("duration", "i still dont no", {"duration": "unsure"}),
    ],
    # a place is where the twitching has spread, or where another sign is
    "places": [
        (
            "spreading",
            "no, but the whole foot is kinda tingly",
            {"spreading": "no", "numbness": "yes"},
        ),
        ("skin_changes", "it looks darker than the other toes", {"skin_changes": "yes"}),
        (
            "weakness",
            "no, but my other toes are jumping now",
            {"weakness": "no", "spreading": "yes"},
        ),
        ("numbness", "no, but my whole foot does it now", {"numbness": "no", "spreading": "yes"}),
        ("spreading", "my calf flickers while I'm asleep", {"spreading": "yes"}),
        # a place felt, with no twitching named, is not the twitching gone there
        ("numbness", "I can't tell, the whole foot just feels weird", {"numbness": "unsure"}),
        ("numbness", "the whole foot feels twitchy", {"spreading": "yes"}),
    ],
    # "you know what" opening a sentence is not "what?"; "more tips is good" is not "I'm good";
    # a little pain when the shoes are on is mild pain
    # English as a second language: "is not swelling", "pain yes, very strong", "the small
    # finger of the foot", "is more", "I think not"
    "second language": [
        ("skin_changes", "Is not swelling, the color is normal, no pain.", {"skin_changes": "no"}),
        (
            "skin_changes",
            "No swelling. Pain yes, very strong when I touch it.",
            {"skin_changes": "yes"},
        ),
        ("spreading", "No, only the small finger of the foot.", {"spreading": "no"}),
        ("follow_up", "Is more.", {"duration": 3.0, "bound": "above"}),
        ("weakness", "I think not", {"weakness": "no"}),
        (
            "remedies_helped",
            "Yes, after massage with warm oil it is much better.",
            {"remedies_helped": "yes"},
        ),
    ],
    # a story told before "anyway" is said in passing; a sign told in it still counts
    "story, then anyway": [
        (
            "weakness",
            "I was walking the dog and my neighbour stopped me for twenty minutes, anyway no",
            {"weakness": "no"},
        ),
        ("weakness", "my leg keeps dragging, anyway no", {"weakness": "yes"}),
        (
            "weakness",
            "at dinner my calf was jumping under the table, anyway weakness no",
            {"weakness": "no", "spreading": "yes"},
        ),
    ],
    "openers, offers, mild pain": [
        ("weakness", "you know what, never mind, I'll ask my doctor", {"command": "stop"}),
        ("more_tips", "Yes please, more tips is good.", {"reply": "yes"}),
        (
            "skin_changes",
            "no but a little bit painful when I wear my shoes",
            {"skin_changes": "unsure"},
        ),
    ],
    # asked about relief, a remedy named is what was tried, not what set it off
    "remedies tried": [
        ("remedies_helped", "I drink loads of water now, no change", {"remedies_helped": "no"}),
        ("triggers", "not drinking enough water", {"triggers": ["hydration"]}),
    ],
    # the sign said back, then a question about it: what it means is asked, nothing told
    "asked back": [
        ("spreading", "spread? what do you mean?", {"command": "help"}),
        ("weakness", "weak? no", {"weakness": "no"}),
        # a run of signs said back, then answered together
        ("skin_changes", "swelling? redness? nope, neither", {"skin_changes": "no"}),
        ("numbness", "numb? tingly? no", {"numbness": "no"}),
        # asking what the question means is a question back, whatever sign it names; a sign told
        # beside it still counts
        ("numbness", "how can I tell whether it's tingling", {"command": "help"}),
        ("weakness", "I'm not sure what you mean by that", {"command": "help"}),
        ("numbness", "I don't get what you mean, my foot tingles a lot", {"numbness": "yes"}),
        # the rest of a question back, after "and" or "or", is what it asks about
        ("numbness", "what's the difference between numb and tingling then", {"command": "help"}),
        ("numbness", "do you mean I can't feel it, or the fizzy sort?", {"command": "help"}),
        ("spreading", "spread how", {"command": "help"}),
        ("spreading", "what, like up my leg?", {"command": "help"}),
        ("weakness", "why you are asking about leg?", {"command": "why"}),
        ("triggers", "Oh, never mind all that, let's leave it there.", {"command": "stop"}),
        # a bare term, then a plain no: the term denied (but not "achy, but nothing major")
        ("skin_changes", "redness, nope", {"skin_changes": "no"}),
        ("skin_changes", "achy, but nothing major", {"skin_changes": "unsure"}),
    ],
    # a first answer after a filler, and a "no" said twice that goes with what follows it
    "lead": [
        ("numbness", "uh no no tingling it's only the jumping", {"numbness": "no"}),
        ("skin_changes", "erm yeah it's gone a bit purple", {"skin_changes": "yes"}),
        ("skin_changes", "no no redness just the flicker", {"skin_changes": "no"}),
        ("weakness", "noooo it's just jumpy, not weak", {"weakness": "no"}),
    ],
    # where the twitching is named as only the pinky, however it is said to move
    "only the pinky": [
        (
            "skin_changes",
            "no, and it's just the pinky jumping",
            {"skin_changes": "no", "spreading": "no"},
        ),
        ("spreading", "the twitching is only in the little toe", {"spreading": "no"}),
    ],
    # a place compared with is not where the twitching is; a sign's colour or place denied
    "compared": [
        ("skin_changes", "nah, it looks the same as my other foot", {"skin_changes": "no"}),
        ("skin_changes", "redness no, colour no", {"skin_changes": "no"}),
        ("spreading", "nothing in my calf or my thigh", {"spreading": "no"}),
        ("spreading", "only the pinky, rest of my toes are calm", {"spreading": "no"}),
    ],
    # anyone's calf or thigh is a place the twitching can reach; a calf stretch is a remedy
    "whose place": [
        (
            "readback",
            "yes, though her thigh's been twitching too",
            {"reply": "yes", "spreading": "yes"},
        ),
        (
            "remedies_helped",
            "I did the calf stretches every night, made no difference",
            {"remedies_helped": "no"},
        ),
        (
            "readback",
            "yes, but it does hurt really badly at night",
            {"reply": "yes", "skin_changes": "yes"},
        ),
    ],
    # mild pain, however it is put, is not sure about the pain sign
    "mild pain": [
        ("skin_changes", "bit tender at times", {"skin_changes": "unsure"}),
        ("skin_changes", "sore yeah, but no swelling", {"skin_changes": "unsure"}),
        ("skin_changes", "it gets a little achy in the mornings", {"skin_changes": "unsure"}),
    ],
    # what someone still does without trouble says there is no weakness
    "still does it": [
        ("weakness", "I managed the stairs fine this morning", {"weakness": "no"}),
        ("weakness", "he still drives to work every day like normal", {"weakness": "no"}),
        ("weakness", "she can still go up on tiptoe on that foot no bother", {"weakness": "no"}),
        ("weakness", "I can't stand on tiptoe on that foot", {"weakness": "yes"}),
    ],
    # relief told as everyday phrases; a time it lasted still makes it unsure
    "relief": [
        ("remedies_helped", "the foot spa works a treat", {"remedies_helped": "yes"}),
        ("remedies_helped", "yeah the soaks calmed it right down", {"remedies_helped": "yes"}),
        (
            "remedies_helped",
            "the massage calmed it right down for an hour",
            {"remedies_helped": "unsure"},
        ),
    ],
    # a sign said of another part of the body is not read as the sign (the question is asked
    # again); said of the foot too, it is
    "elsewhere": [
        ("numbness", "my lips went numb at the dentist", {}),
        ("numbness", "my hands and feet both tingle", {"numbness": "yes"}),
    ],
    # sleeping badly is not a foot gone to sleep; a leg "sleeping" is
    "sleep": [
        ("triggers", "I've been sleeping badly, stressed about work", {"triggers": ["stress"]}),
        ("numbness", "yes my leg is sleeping often", {"numbness": "yes"}),
    ],
    # causes in everyday words: a class taken up, worry, a local coffee, walking for work
    "causes": [
        (
            "triggers",
            "I've taken up aqua aerobics and I've been fretting about money",
            {"triggers": ["exertion", "stress"]},
        ),
        ("triggers", "too much kopi lah", {"triggers": ["stimulants"]}),
        ("triggers", "I walk a lot for my delivery job", {"triggers": ["exertion"]}),
        ("triggers", "she barely drinks anything", {"triggers": ["hydration"]}),
        ("weakness", "no mate", {"weakness": "no"}),  # a friend, not the drink
    ],
    # not sure, in whole sentences
    "not sure": [
        ("weakness", "that's a tough one", {"weakness": "unsure"}),
        ("weakness", "I haven't really paid attention", {"weakness": "unsure"}),
        ("skin_changes", "I'd need to take my sock off to check", {"skin_changes": "unsure"}),
        ("numbness", "your guess is as good as mine", {"numbness": "unsure"}),
    ],
    # a no said politely, in whole sentences
    "polite no": [
        ("weakness", "no, I wouldn't say so", {"weakness": "no"}),
        ("numbness", "no, not that I've felt", {"numbness": "no"}),
        ("spreading", "no, I'm glad to say it hasn't", {"spreading": "no"}),
        ("skin_changes", "no, everything looks as it should", {"skin_changes": "no"}),
        ("weakness", "no, all fine on that score", {"weakness": "no"}),
        ("readback", "all good on that front", {"reply": "yes"}),
    ],
    # someone answering for the person: what they were told, what they saw
    "for someone": [
        ("weakness", "asked him, he says no", {"weakness": "no"}),
        ("numbness", "he's shaking his head", {"numbness": "no"}),
        ("weakness", "he's not sure", {"weakness": "unsure"}),
        ("skin_changes", "I've checked his foot, no swelling", {"skin_changes": "no"}),
        (
            "skin_changes",
            "she says it doesn't hurt and I can't see anything",
            {"skin_changes": "no"},
        ),
    ],
    # feelings and marks the source does not name as signs are no news beside an answer
    "not a sign": [
        ("numbness", "no, it's just a bit itchy", {"numbness": "no"}),
        ("skin_changes", "no, just some dry skin", {"skin_changes": "no"}),
        ("skin_changes", "the skin's fine, it's just sweaty", {"skin_changes": "no"}),
        ("skin_changes", "itchy and swollen", {"skin_changes": "yes"}),
        ("numbness", "no, it's more of a flicker than a tingle", {}),  # compared: asked again
    ],
    # a new sentence after a "no" is news, even when it opens with a filler
    "new sentence": [
        (
            "spreading",
            "nope. oh, the big toe on my other foot started this morning",
            {"spreading": "yes"},
        ),
    ],
    # a place alone answers where the twitching went only when that is asked
    "place alone": [
        ("spreading", "my calf", {"spreading": "yes"}),
        ("numbness", "No tingling. It just falls asleep a lot, my foot.", {"numbness": "yes"}),
        ("numbness", "yes, my calf", {"numbness": "yes", "spreading": "yes"}),
    ],
    # a dropped g is a slip like any other ("swellin" is "swelling")
    "slips": [
        ("skin_changes", "no swellin or bruisin", {"skin_changes": "no"}),
    ],
    # a place, then the twitching said of it, is told even after a no
    "a place that twitches": [
        ("spreading", "nope, but my thigh keeps twitching as well", {"spreading": "yes"}),
        ("spreading", "the one next door's at it as well", {"spreading": "yes"}),
        ("spreading", "the top of my foot jumps now and then", {"spreading": "yes"}),
        # where another sign is often felt, a place is the twitching's only when it moves
        ("numbness", "yes, a tingling down the side of my foot", {"numbness": "yes"}),
    ],
    # how long, however it is put
    "how long": [
        ("duration", "a good month or so", {"duration": 30.0}),
        ("duration", "it's been three no four weeks", {"duration": 28.0}),
        ("duration", "month ish", {"duration": 30.0}),
        ("duration", "it began this morning while I was making tea", {"duration": 0.25}),
        (
            "weakness",
            "no, and it is already ten days like this",
            {"weakness": "no", "duration": 10.0},
        ),
    ],
    # a sign of long ago that is over is history; a recent one, or one still there, is a sign
    "history": [
        ("weakness", "my ankle was weak after surgery years ago, but not now", {"weakness": "no"}),
        ("readback", "yes. I had numbness last winter but that's long gone", {"reply": "yes"}),
        ("numbness", "my foot was numb last week but it's fine now", {"numbness": "yes"}),
    ],
    # "I mean" and "sorry" take back a plain answer said before them
    "taken back": [
        ("spreading", "yes, I mean no, it's only the pinky", {"spreading": "no"}),
        ("skin_changes", "yeah, sorry, no", {"skin_changes": "no"}),
        ("numbness", "no, sorry, it does tingle", {"numbness": "yes"}),
    ],
    # not sure about one sign, however the sentence runs
    "not sure about one": [
        (
            "readback",
            "yes, but the tingling I'm not too sure about",
            {"reply": "yes", "numbness": "unsure"},
        ),
        (
            "readback",
            "yes, except I'm not sure about the redness now I look at it",
            {"reply": "yes", "skin_changes": "unsure"},
        ),
    ],
    # "ages" is a time not known but long, at any turn
    "ages": [
        (
            "readback",
            "no, it's been going on for ages really",
            {"reply": "no", "duration": "unsure"},
        ),
        ("weakness", "no, but it has been ages", {"weakness": "no", "duration": "unsure"}),
    ],
    # saying it is not so is not saying it ("I wouldn't say weak"), unless a second negation
    # turns it round ("I can't say it doesn't feel weak")
    "not saying": [
        ("weakness", "i wouldn't say weak", {}),
        ("weakness", "I can't say it doesn't feel weak", {"weakness": "yes"}),
    ],
    # a time of day beside the reply to the readback is when something else happened; beside a
    # no it is the change
    "a time at the readback": [
        (
            "readback",
            "yes that's right. I had loads of coffee this morning",
            {"reply": "yes", "triggers": ["stimulants"]},
        ),
        ("readback", "no it only began this morning", {"reply": "no", "duration": 0.25}),
        (
            "readback",
            "right except for the timing, it's nearer two weeks",
            {"reply": "yes", "duration": 14.0},
        ),
    ],
    # everyday forms a fresh round of authors used
    "everyday": [
        ("weakness", "Not that I am aware of.", {"weakness": "no"}),
        ("spreading", "no idea man", {"spreading": "unsure"}),
        ("weakness", "idk what u mean by weakness", {"command": "help"}),
        ("remedies_helped", "I did not try yet", {"remedies_helped": "no"}),
        ("remedies_helped", "what remedies", {"command": "help"}),
        ("remedies_helped", "the massage has relieved it", {"remedies_helped": "yes"}),
        ("duration", "already 3 days", {"duration": 3.0}),
        ("duration", "like 5 days?", {"duration": 5.0}),  # a tentative answer, not a question
        ("numbness", "pardon the radio was on", {"command": "repeat"}),
        ("weakness", "could you say that a little slower", {"command": "repeat"}),
        ("weakness", "no sir can't say i have", {"weakness": "no"}),
        ("spreading", "no it just jumps now and then", {"spreading": "no"}),
        ("skin_changes", "it's still a bit sore", {"skin_changes": "unsure"}),
        ("follow_up", "a bit shorter i reckon", {"duration": 3.0, "bound": "below"}),
        ("readback", "no, something isn't right there", {"reply": "no"}),
        ("weakness", "why r u asking", {"command": "why"}),
        ("weakness", "stop stop i gotta go", {"command": "stop"}),
        ("readback", "ok stop, that's enough", {"command": "stop"}),
        ("numbness", "nope, not in the slightest", {"numbness": "no"}),
        ("remedies_helped", "the stretches did no good", {"remedies_helped": "no"}),
        ("duration", "already 2 weeks it is going", {"duration": 14.0}),
        ("skin_changes", "no swelling observed, no pain", {"skin_changes": "no"}),
        ("duration", "it has been persisting for roughly three weeks", {"duration": 21.0}),
        (
            "weakness",
            "weakness no, but tingling yes, a little bit",
            {"weakness": "no", "numbness": "yes"},
        ),
    ],
    # asked about relief, a short time is how long the relief lasted, unless none came
    "relief that lasted": [
        ("remedies_helped", "for like a day", {}),
        ("remedies_helped", "yes, for a few hours", {"remedies_helped": "unsure"}),
        (
            "remedies_helped",
            "haven't tried, it's only been since yesterday",
            {"remedies_helped": "no", "duration": 1.0},
        ),
    ],
    "for someone else": [
        ("spreading", "dad says no, just the one toe", {"spreading": "no"}),
        ("duration", "mum reckons since sunday", {"duration": 6.0}),
        ("numbness", "my wife says yes, her foot tingles", {"numbness": "yes"}),
    ],
    "a sign's verb denied": [
        ("numbness", "it doesn't tingle", {"numbness": "no"}),
        (
            "skin_changes",
            "no and it doesn't tingle either",
            {"skin_changes": "no", "numbness": "no"},
        ),
        ("weakness", "my foot doesn't give way", {"weakness": "no"}),
        ("spreading", "the twitching hasn't moved", {"spreading": "no"}),
    ],
    # at the readback a "no" is its reply: the sign after it is news, not denied
    "readback no": [
        ("readback", "hmm, one bit's not quite right", {"reply": "no"}),
        ("readback", "that's not quite it", {"reply": "no"}),
        ("readback", "yes. I do smoke though", {"reply": "yes", "triggers": ["stimulants"]}),
        ("readback", "no, the numbness, I never said", {"reply": "no", "numbness": "yes"}),
        (
            "readback",
            "not quite, the swelling on top of my foot",
            {"reply": "no", "skin_changes": "yes"},
        ),
    ],
    # "only that one" says where the twitching is only when spreading is asked
    "where": [
        ("numbness", "the little toe is a bit numb, only that one", {"numbness": "yes"}),
        ("skin_changes", "it's been a bit pink, that toe", {"skin_changes": "yes"}),
        ("spreading", "only that one", {"spreading": "no"}),
        ("numbness", "no, it's only the pinky", {"numbness": "no", "spreading": "no"}),
        # "not strong" said of the pain is no weakness
        ("skin_changes", "pain is there but not strong", {"skin_changes": "unsure"}),
    ],
    # what someone has been doing for it is said beside how it went
    "relief done": [
        ("remedies_helped", "the hot foot soaks have sorted it", {"remedies_helped": "yes"}),
        ("remedies_helped", "those new insoles took care of it", {"remedies_helped": "yes"}),
        (
            "remedies_helped",
            "he's much better since he started the magnesium",
            {"remedies_helped": "yes"},
        ),
        ("remedies_helped", "it's better some days", {"remedies_helped": "unsure"}),
        ("remedies_helped", "ya the stretches help me alot", {"remedies_helped": "yes"}),
        (
            "remedies_helped",
            "he's been drinking loads more water and it's settled right down",
            {"remedies_helped": "yes"},
        ),
        (
            "remedies_helped",
            "we rubbed her foot every night this week and it's stopped",
            {"remedies_helped": "yes"},
        ),
        (
            "remedies_helped",
            "totally, the foot rubs calm it right down",
            {"remedies_helped": "yes"},
        ),
        (
            "remedies_helped",
            "i've been doing the stretches every day and it's no better",
            {"remedies_helped": "no"},
        ),
    ],
    # "Would you like more tips?" answered in other words, with the person's day beside it
    "more tips": [
        ("more_tips", "yeah alright, what else you got", {"reply": "yes"}),
        ("more_tips", "go on then, I've got all day", {"reply": "yes"}),
        ("more_tips", "no ta, that's plenty to be getting on with", {"reply": "no"}),
        ("more_tips", "nah I'll be right mate", {"reply": "no"}),
        ("more_tips", "no thanks, I'll try these first", {"reply": "no"}),
        ("more_tips", "fire away", {"reply": "yes"}),
        ("more_tips", "might as well", {"reply": "yes"}),
        ("more_tips", "I'll pass", {"reply": "no"}),
        ("more_tips", "no, I think I've got enough to go on", {"reply": "no"}),
    ],
    # days misspelt, afternoon said "arvo", a long time said vaguely
    "when": [
        ("duration", "sinse wendsday arvo", {"duration": 3.0}),
        ("duration", "oh a good while now", {"duration": "unsure"}),
        ("duration", "since today morning", {"duration": 0.25}),
        ("duration", "cant remember", {"duration": "unsure"}),
        ("duration", "ok that's enough questions now", {"command": "stop"}),
        ("duration", "it's been off and on for yonks", {"duration": "unsure"}),
        ("duration", "just the one day", {"duration": 1.0}),
        ("duration", "this morning it started", {"duration": 0.25}),
        ("duration", "it began two days back", {"duration": 2.0}),
        ("duration", "I lost track to be honest", {"duration": "unsure"}),
        ("follow_up", "under three", {"duration": 3.0, "bound": "below"}),
        ("follow_up", "less, it's fairly new", {"duration": 3.0, "bound": "below"}),
        ("follow_up", "more, it's been a while", {"duration": 3.0, "bound": "above"}),
        ("follow_up", "easily more", {"duration": 3.0, "bound": "above"}),
        ("duration", "since wednesday, no, monday", {"duration": 5.0}),
        ("spreading", "yes, oh no sorry, I misheard, no", {"spreading": "no"}),
        ("weakness", "i'm not sure, it's hard to tell with my bad knee", {"weakness": "unsure"}),
    ],
    # relief denied in words no template has: no relief (with doubt, not sure), never relief
    # a list of what was tried is told in passing; the verdict after it answers
    # worse since a remedy, or no worse than before it: no relief
    # relief and time in other words; relief that did not last is not sure
    "relief and time words": [
        ("remedies_helped", "it's settled down", {"remedies_helped": "yes"}),
        ("remedies_helped", "yes it's stopped twitching", {"remedies_helped": "yes"}),
        ("remedies_helped", "short-lived", {"remedies_helped": "unsure"}),
        ("duration", "the better part of a week", {"duration": 7.0, "bound": "below"}),
        ("numbness", "it's settled down", {}),
    ],
    "worse since": [
        ("remedies_helped", "after massage it became worse", {"remedies_helped": "no"}),
        ("remedies_helped", "since the stretches it's got a bit worse", {"remedies_helped": "no"}),
        (
            "remedies_helped",
            "it's no worse than before I started doing them",
            {"remedies_helped": "no"},
        ),
        ("skin_changes", "it's no different than before", {}),
    ],
    "tried a list": [
        (
            "remedies_helped",
            "nope, I tried the bananas and the water thing, no difference",
            {"remedies_helped": "no"},
        ),
        (
            "remedies_helped",
            "I tried the stretches and the massage, it's much better",
            {"remedies_helped": "yes"},
        ),
        ("remedies_helped", "the massage", {}),
        ("remedies_helped", "it hadn't helped, I said", {"remedies_helped": "no"}),
        ("remedies_helped", "the stretches weren't helping", {"remedies_helped": "no"}),
    ],
    "relief denied": [
        ("remedies_helped", "doesn't seem to matter what I do", {"remedies_helped": "no"}),
        (
            "remedies_helped",
            "the soaks haven't made a blind bit of difference",
            {"remedies_helped": "no"},
        ),
        ("remedies_helped", "she hasn't got round to any of them", {"remedies_helped": "no"}),
        (
            "remedies_helped",
            "I can't honestly tell if they've helped",
            {"remedies_helped": "unsure"},
        ),
        ("remedies_helped", "it eases off but then starts again", {"remedies_helped": "unsure"}),
        ("remedies_helped", "no, nothing's changed", {"remedies_helped": "no"}),
        ("remedies_helped", "it's just as bad", {"remedies_helped": "no"}),
        (
            "remedies_helped",
            "I've tried the stretches but it keeps on twitching",
            {"remedies_helped": "no"},
        ),
        ("remedies_helped", "nothing's shifted it", {"remedies_helped": "no"}),
        ("remedies_helped", "sadly not", {"remedies_helped": "no"}),
        ("remedies_helped", "it hasn't eased off", {"remedies_helped": "no"}),
        ("remedies_helped", "only while I'm doing the massage", {"remedies_helped": "unsure"}),
        (
            "remedies_helped",
            "hard to say if it's the stretches or just time",
            {"remedies_helped": "unsure"},
        ),
        ("weakness", "only when I climb stairs, then it buckles", {"weakness": "yes"}),
        # relief told, then limited in words no template has: not sure; a sign there is asked
        ("remedies_helped", "it's eased a bit but not gone", {"remedies_helped": "unsure"}),
        (
            "remedies_helped",
            "some days it works, some days it doesn't",
            {"remedies_helped": "unsure"},
        ),
        ("remedies_helped", "partly", {"remedies_helped": "unsure"}),
        (
            "remedies_helped",
            "yes it's better, but the burning hasn't gone",
            {"remedies_helped": "yes", "numbness": "yes"},
        ),
    ],
    # an answer that opens with "not sure" and names the sign only in passing is not sure;
    # told outright and then hedged ("a bit puffy maybe") it is a yes
    "not sure first": [
        (
            "skin_changes",
            "hmm hard to say, my feet are always kinda pink",
            {"skin_changes": "unsure"},
        ),
        ("spreading", "not sure, maybe my arch?", {"spreading": "unsure"}),
        ("weakness", "I can't tell, sometimes it feels a bit off", {"weakness": "unsure"}),
        ("skin_changes", "a bit puffy maybe", {"skin_changes": "yes"}),
        ("numbness", "not sure, but it does tingle", {"numbness": "yes"}),
    ],
    # strength compared or told as function, where weakness is asked; not elsewhere
    "strength": [
        ("weakness", "no, my foot works fine", {"weakness": "no"}),
        ("weakness", "it's just as strong as the other one", {"weakness": "no"}),
        ("weakness", "no problems with strength", {"weakness": "no"}),
        ("weakness", "she can still climb the stairs without any trouble", {"weakness": "no"}),
        ("weakness", "nope, walking's no problem", {"weakness": "no"}),
        ("weakness", "no, I play football twice a week with no issues", {"weakness": "no"}),
        ("weakness", "I haven't noticed my foot being weak", {"weakness": "no"}),
        ("weakness", "my ankle keeps rolling", {"weakness": "yes"}),
        ("weakness", "my leg is not having power like before", {"weakness": "yes"}),
        (
            "readback",
            "sounds right, but my leg's been buckling",
            {"reply": "yes", "weakness": "yes"},
        ),
        ("weakness", "the leg doesn't have the strength it used to", {"weakness": "yes"}),
        ("weakness", "it hasn't lost any strength", {}),
        (
            "weakness",
            "No, no weakness at all, I walked to the shops and back this morning without any fuss",
            {"weakness": "no"},
        ),
        ("weakness", "no trouble at all with the foot", {"weakness": "no"}),
        ("numbness", "no trouble at all with the foot", {}),
    ],
    # what the person did, told plainly beside a no, is an aside where weakness is asked; told
    # with a hint of trouble ("only", "slowly", "a stick", "now") it keeps the answer unclear
    "activity": [
        ("weakness", "no, I jog every day and it's been fine", {"weakness": "no"}),
        ("weakness", "nope, I walk the dog every morning", {"weakness": "no"}),
        ("weakness", "no, I only walk short distances", {}),
        ("weakness", "no, I walk slowly these days", {}),
        ("weakness", "no, I walk with a stick", {}),
        ("weakness", "no, I walk with a limp", {"weakness": "yes"}),
        ("numbness", "no, I jog every day", {}),
    ],
    # the remedy told plainly beside relief is an aside where relief is asked; told with a limit
    # ("still"), a negation or elsewhere, it keeps the answer unclear
    # a stop beside a reassuring answer is what was asked; beside a sign, the sign is kept
    "stop beside an answer": [
        ("numbness", "no, stop", {"command": "stop"}),
        ("weakness", "nah, never mind, I'll ask my doctor", {"command": "stop"}),
        ("numbness", "yes it tingles, stop", {"numbness": "yes"}),
    ],
    # relief told of the twitching settled, the remedy named or not
    "relief settled": [
        ("remedies_helped", "yes, massage settles it right down", {"remedies_helped": "yes"}),
        (
            "remedies_helped",
            "bananas and magnesium, it's stopped completely",
            {"remedies_helped": "yes"},
        ),
        ("remedies_helped", "switching to roomier shoes helped a ton", {"remedies_helped": "yes"}),
        ("skin_changes", "it's stopped completely", {}),
        (
            "remedies_helped",
            "yes much better now with the banana and water",
            {"remedies_helped": "yes"},
        ),
        (
            "remedies_helped",
            "better with the massage but still there",
            {"remedies_helped": "unsure"},
        ),
    ],
    "the ninth round": [
        ("spreading", "yeah no, it stays put in the little toe", {"spreading": "no"}),
        ("readback", "no the pain's actually pretty bad", {"reply": "no", "skin_changes": "yes"}),
        ("readback", "no, honestly nothing helped", {"remedies_helped": "no"}),
        ("readback", "nope, no numbness", {"numbness": "no", "reply": "no"}),
        ("duration", "hmm since about the 28th", {"duration": 7.0}),
        ("duration", "two weeks, could be three", {"duration": 21.0}),
        # a saying with "and" inside is one clause; a "no" then "just" tells the sign
        ("duration", "it comes and goes so it's hard to say", {"duration": "unsure"}),
        ("numbness", "nah, just pins and needles when I sit on it", {"numbness": "yes"}),
        ("numbness", "no, any tingling", {}),
        ("skin_changes", "no swelling, just the twitch", {"skin_changes": "no"}),
        # a part of the leg named with the twitching ("calf is also jumping"), however said
        ("readback", "correct, but now calf is also jumping", {"reply": "yes", "spreading": "yes"}),
        ("readback", "aye but me leg's been jumping and all", {"reply": "yes", "spreading": "yes"}),
        ("duration", "could be two could be three weeks", {"duration": 21.0}),
        ("spreading", "only ever the pinky, never anywhere else", {"spreading": "no"}),
        ("skin_changes", "nope, colour's fine", {"skin_changes": "no"}),
        ("weakness", "nah I'm grand, foot feels as strong as ever", {"weakness": "no"}),
    ],
    "stays in the pinky": [
        ("spreading", "no, it stays right in the pinky", {"spreading": "no"}),
        ("spreading", "i've only noticed it in the pinky so far", {"spreading": "no"}),
        (
            "weakness",
            "not weak no but the sole feels like i'm walking on cotton wool",
            {"weakness": "no", "numbness": "yes"},
        ),
        ("readback", "hmm something's off there", {"reply": "no"}),
    ],
    "remedy told": [
        ("remedies_helped", "banana a day and its calmed right down", {"remedies_helped": "yes"}),
        ("remedies_helped", "a banana a day, still twitching though", {"remedies_helped": "no"}),
        ("remedies_helped", "a banana a day", {}),
        ("remedies_helped", "a banana a day but my foot tingles", {"numbness": "yes"}),
        ("weakness", "banana a day and its calmed right down", {}),
    ],
    # a sign told of another part of the body, its owner's, is an aside beside the answer;
    # told after it ("when I touch it with my hand"), or with the foot or the twitching, it is not
    "elsewhere aside": [
        ("numbness", "my fingers go numb sometimes but my foot's fine", {"numbness": "no"}),
        ("weakness", "no, my arms are weak from the gym", {"weakness": "no"}),
        ("weakness", "my arms are weak from lifting, foot and leg are fine", {"weakness": "no"}),
        ("numbness", "no, it's numb when I touch it with my hand", {}),
        ("numbness", "no, my hands and feet tingle", {"numbness": "yes"}),
        ("numbness", "no, the tingling's in my hand", {"numbness": "no"}),
        ("spreading", "no, my hand twitches too", {"spreading": "yes"}),
    ],
    # how long it feels, beside how long it has been: the time told counts
    "feels like forever": [
        (
            "duration",
            "feels like forever, but it's been about two days",
            {"duration": 2.0},
        ),
        ("duration", "feels like weeks, but it's been four days", {"duration": 4.0}),
        ("duration", "it feels like forever", {}),
    ],
    # a question back in two sentences, the second naming the sign
    "asked back twice": [
        (
            "weakness",
            "wait what do you mean by weakness? like can't-walk weakness?",
            {"command": "help"},
        ),
    ],
    # a yes told, then a question: the yes is the reply; "yes?" alone is "pardon?"
    "told then asked": [
        ("readback", "Yes that's right. Is it bad though? Should I be worried?", {"reply": "yes"}),
        ("readback", "yes?", {"command": "repeat"}),
        ("readback", "yes yes go", {"reply": "yes"}),
        (
            "readback",
            "yes. and my shoes are tight, maybe that is why",
            {"reply": "yes", "triggers": ["footwear"]},
        ),
        ("triggers", "it's from standing all day", {"triggers": ["exertion"]}),
        (
            "readback",
            "Something's not right there, but I can't for the life of me think what.",
            {"reply": "no"},
        ),
        ("readback", "yes, everything ok", {"reply": "yes"}),
        ("numbness", "everything ok", {"numbness": "no"}),
        ("readback", "yes? what do you mean?", {"command": "help"}),
    ],
    # learner English, and an idiom that is not the sign
    "have not": [
        ("weakness", "No, I have not this weakness.", {"weakness": "no"}),
        ("numbness", "she has not any numbness", {"numbness": "no"}),
        ("weakness", "I'm weak for chocolate, not in the foot haha", {}),
    ],
    # plain no's and not-sure's in other words; "all clear" is fine (a yes to the readback)
    "plain in other words": [
        ("spreading", "nuh uh", {"spreading": "no"}),
        ("numbness", "Negative on all three.", {"numbness": "no"}),
        ("skin_changes", "I'm going to say no", {"skin_changes": "no"}),
        ("skin_changes", "doesn't look any different", {"skin_changes": "no"}),
        ("skin_changes", "no changes", {"skin_changes": "no"}),
        ("readback", "all clear", {"reply": "yes"}),
        ("weakness", "all clear", {"weakness": "no"}),
        ("numbness", "I'm not a hundred percent", {"numbness": "unsure"}),
        ("numbness", "I'd be guessing", {"numbness": "unsure"}),
    ],
    # how often it twitches is not a sign (where relief is asked it is no relief); pain told
    # "very much" is severe
    "how often, how much": [
        (
            "spreading",
            "no, but it's twitching more often than yesterday",
            {"spreading": "no"},
        ),
        ("remedies_helped", "no, it's twitching more often now", {"remedies_helped": "no"}),
        (
            "spreading",
            "it is only the little toe, but it is paining very much",
            {"spreading": "no", "skin_changes": "yes"},
        ),
    ],
    # a word to someone in the room is an aside; "stop it" or "leave it" alone is said to the
    # assistant
    "to others": [
        ("weakness", "no, hang on, kids, quit it, no weakness", {"weakness": "no"}),
        ("numbness", "no, love, put that down, no it's fine", {"numbness": "no"}),
        ("numbness", "yes, the dog's barking, sorry, yes it tingles", {"numbness": "yes"}),
        ("weakness", "sorry, say that again, the kettle's going", {"command": "repeat"}),
        (
            "spreading",
            "dad says no, just the one toe, he's very clear about that",
            {"spreading": "no"},
        ),
        ("weakness", "stop it", {"command": "stop"}),
        ("skin_changes", "leave it, I don't have time for this", {"command": "stop"}),
    ],
    # commands in other words
    "commands": [
        ("skin_changes", "why does skin matter for a twitch", {"command": "why"}),
        ("numbness", "slower please", {"command": "repeat"}),
        ("numbness", "what's the question again", {"command": "repeat"}),
        ("numbness", "leave me alone", {"command": "stop"}),
    ],
    # sensation, skin and place said in other words
    "other words": [
        ("numbness", "nope, feeling's all normal", {"numbness": "no"}),
        ("numbness", "yes, it's like my foot's gone to sleep", {"numbness": "yes"}),
        ("skin_changes", "no, her skin's its usual colour", {"skin_changes": "no"}),
        ("skin_changes", "I can't really see it from here", {"skin_changes": "unsure"}),
        ("spreading", "honestly I can't tell which toe it is", {"spreading": "unsure"}),
    ],
    # said formally, and lists of denied signs
    "formal": [
        ("weakness", "I have not observed any weakness in either leg.", {"weakness": "no"}),
        ("weakness", "I am not aware of any loss of strength.", {"weakness": "no"}),
        (
            "weakness",
            "I can confirm that I have not experienced any weakness in either foot or leg.",
            {"weakness": "no"},
        ),
        ("numbness", "Sensation in the foot remains entirely normal.", {"numbness": "no"}),
        ("spreading", "The twitching has remained confined to the fifth toe.", {"spreading": "no"}),
        ("spreading", "It has now extended to the neighbouring toe.", {"spreading": "yes"}),
        (
            "skin_changes",
            "There has been no swelling or discolouration whatsoever.",
            {"skin_changes": "no"},
        ),
        (
            "remedies_helped",
            "The massage has provided considerable relief.",
            {"remedies_helped": "yes"},
        ),
        ("remedies_helped", "I tried the stretches, to no avail.", {"remedies_helped": "no"}),
        ("remedies_helped", "There has been a slight improvement.", {"remedies_helped": "unsure"}),
        ("more_tips", "That would be most helpful, thank you.", {"reply": "yes"}),
        ("skin_changes", "no swelling, redness or pain", {"skin_changes": "no"}),
        ("numbness", "no numbness, tingling yes", {"numbness": "yes"}),
        # polite and roundabout no
        ("weakness", "I shouldn't think so, love", {"weakness": "no"}),
        ("spreading", "not noticeably", {"spreading": "no"}),
        ("skin_changes", "happily not", {"skin_changes": "no"}),
        ("numbness", "no, I'd have noticed that", {"numbness": "no"}),
        ("spreading", "nope, it's just the little fella", {"spreading": "no"}),
        ("spreading", "no, it's stayed put in the pinky", {"spreading": "no"}),
        ("spreading", "it hasn't budged from the little toe", {"spreading": "no"}),
        ("spreading", "it never left the little toe", {"spreading": "no"}),
        ("skin_changes", "No, I've checked it properly. Nothing.", {"skin_changes": "no"}),
        ("skin_changes", "I've had a good look and it's gone red", {"skin_changes": "yes"}),
        ("weakness", "he says his legs feel normal", {"weakness": "no"}),
    ],
    "restart": [
        ("duration", "it's been um it's been about two weeks", {"duration": 14.0}),
    ],
    "kitchen": [
        ("skin_changes", "i don't think it's swollen", {"skin_changes": "no"}),
        ("spreading", "I don't think it has spread", {"spreading": "no"}),
        ("skin_changes", "the pain's awful at night", {"skin_changes": "yes"}),
        ("more_tips", "uh he says no he's fine", {"reply": "no"}),
        ("weakness", "no next", {"weakness": "no"}),
        ("spreading", "och i couldnae tell you hen", {"spreading": "unsure"}),
    ],
}


@pytest.mark.parametrize(
    ("asked", "text", "means"),
    [
        pytest.param(*case, id=f"{kind}: {case[1]}")
        for kind, cases in PHRASINGS.items()
        for case in cases
    ],
)
def test_phrasings_are_read_as_meant(
    reader: Reader, asked: str, text: str, means: dict[str, object]
) -> None:
    assert reader({"asked": asked, "text": text, "read_back": READBACK}) == means


@pytest.mark.parametrize(
    ("confirming", "text", "means"),
    [
        ("no", "Yes, correct, I told no", {"reply": "yes", "weakness": "no"}),  # said again
        ("unsure", "yes we're not sure", {"reply": "yes", "weakness": "unsure"}),
        ("no", "no, I told you yes", {"reply": "no", "weakness": "yes"}),
    ],
)
def test_did_you_say_is_answered_in_the_persons_words(
    reader: Reader, confirming: str, text: str, means: dict[str, object]
) -> None:
    entry = {"asked": "confirm", "question": "weakness", "confirming": confirming, "text": text}
    assert reader(entry) == means


@pytest.mark.parametrize(
    ("question", "confirming", "text", "means"),
    [
        # a hedged yes put right: a yes to a sign, not sure to relief
        ("remedies_helped", "yes", "I said sort of", {"reply": "no", "remedies_helped": "unsure"}),
        ("numbness", "no", "no, I said a little", {"reply": "no", "numbness": "yes"}),
        # a number misheard, put right: the one meant
        ("duration", 2.0, "no twelve not two", {"reply": "no", "duration": 12.0}),
        ("duration", 2.0, "not two, twelve", {"reply": "no", "duration": 12.0}),
        ("duration", 2.0, "twelve days, not two", {"reply": "no", "duration": 12.0}),
        # relief heard, denied with what was meant
        ("remedies_helped", "yes", "no, nothing helped", {"reply": "no", "remedies_helped": "no"}),
    ],
)
def test_an_answer_put_right_at_did_you_say_is_what_was_meant(
    reader: Reader, question: str, confirming: object, text: str, means: dict[str, object]
) -> None:
    entry = {"asked": "confirm", "question": question, "confirming": confirming, "text": text}
    assert reader(entry) == means


@pytest.mark.parametrize(
    ("asked", "text"),
    [
        # a body part, a look, a feeling, a time, a remedy, a doubt or a negation: not an aside
        ("weakness", "no, but my wife says I drag that foot a little"),
        ("skin_changes", "no, it looks a funny shade to me"),
        ("numbness", "I don't think so, my husband touched it and I barely noticed"),
        ("readback", "yes, apart from what happened on the stairs"),
        ("readback", "yes, I might have missed something"),
        ("weakness", "no, though I keep stumbling over the rug"),
        ("remedies_helped", "yes, the stretches did something"),
        ("weakness", "no, but my foot has gone a funny shade"),
        # a question back, a look not taken, an answer by ellipsis
        ("spreading", "no, how come you wanna hear that"),
        ("skin_changes", "no, I can't see it properly"),
        ("spreading", "no, well my sister thought it had"),
        ("readback", "yes. the whole side of my foot is, though"),
    ],
)
def test_a_clause_that_may_carry_news_is_never_an_aside(
    reader: Reader, asked: str, text: str
) -> None:
    entry = {"asked": asked, "text": text, "read_back": READBACK}
    read = reader(entry)
    # asked again, or read as the news it carries: never the plain no beside it
    assert read in ({}, {"weakness": "yes"}, {asked: "unsure"}), read


def test_an_answer_of_asides_alone_says_nothing(reader: Reader) -> None:
    assert reader({"asked": "weakness", "text": "well my granddaughter put me onto it"}) == {}


def test_where_the_language_names_no_topic_words_nothing_is_an_aside() -> None:
    korean = understanding_for(shipped_dialog("ko").intents)  # shared with the other tests
    reading = korean.read("아니요 그냥 그래요", (), {"turn": "answer"})
    assert not any(part.aside for part in reading.parts)


def test_shorthand_is_spelled_out_and_nothing_else(reader: Reader) -> None:
    spelling = reader.understanding._spelling
    assert spelling.spell_out("No, nothing. Not a bit.") == "No, nothing. Not a bit."
    assert spelling.spell_out("Yh, it's RLY fine") == "yeah, it's really fine"


def test_a_restart_is_read_once() -> None:
    from voice.understand.disfluency import said_once

    assert said_once("it's been um it's been since monday", {"um"}) == "it's been since monday"
    assert said_once("i don't i don't think so") == "i don't think so"
    assert said_once("no no, it's fine") == "no no, it's fine"  # emphasis is kept
    assert said_once("it's been. it's been") == "it's been. it's been"  # as written


KO_PHRASINGS: list[tuple[str, str, dict[str, object]]] = [
    # dialect spellings
    ("weakness", "아녀유 힘 빠지는 건 읎어유", {"weakness": "no"}),  # 충청도
    ("weakness", "없어예", {"weakness": "no"}),  # 경상도
    ("weakness", "아이다", {"weakness": "no"}),
    # a hedge that ends in 듯
    ("numbness", "저린 건 없는듯", {"numbness": "no"}),
    ("weakness", "응 조금 있는 듯", {"weakness": "yes"}),
    # the topic said again after the answer; "멀쩡" with no ending
    ("spreading", "아니 없어 그런 거", {"spreading": "no"}),
    ("weakness", "ㄴㄴ 힘은 개멀쩡", {"weakness": "no"}),
    # someone else looked: what they saw is read on its own
    ("skin_changes", "남편이 봐 줬는데 붓거나 멍든 건 없대요", {"skin_changes": "no"}),
    ("readback", "아내가 맞대요", {"reply": "yes"}),
    # "something is off" at the readback is a no there, and only there
    ("readback", "음 뭔가 좀 다른 것 같은데요", {"reply": "no"}),
    ("readback", "네 그렇게 기록해 주세요", {"reply": "yes"}),
    # a question back, and asking to hear it again
    ("duration", "그건 왜 물어보시는 거예요?", {"command": "why"}),
    ("spreading", "미안한데 방금 거 다시 한 번 말해 줄래요?", {"command": "repeat"}),
    # lengths of time in more endings
    ("duration", "나흘 안됨", {"duration": 4.0, "bound": "below"}),
    ("follow_up", "사흘은 안 됐을걸요", {"duration": 3.0, "bound": "below"}),
    ("duration", "그저께 처음 떨렸어요", {"duration": 2.0}),
    ("duration", "한 열흘 됐을 거여", {"duration": 10.0}),
    # a denial taken back, about another sign than the one asked
    (
        "skin_changes",
        "아니요, 근데 아까 저린 거 없다고 했는데 사실 좀 있어요",
        {"skin_changes": "no", "numbness": "yes"},
    ),
    # relief that lasted only a while is not relief; "no use" is no
    ("remedies_helped", "찜질해도 그때뿐이에요", {"remedies_helped": "unsure"}),
    ("remedies_helped", "스트레칭 해 봤는데 아무 소용 없어요", {"remedies_helped": "no"}),
    ("remedies_helped", "엄마가 주물러 주니까 싹 가라앉았어요", {"remedies_helped": "yes"}),
    (
        "readback",
        "맞긴 한데 스트레칭 효과는 하루뿐이었어요",
        {"reply": "yes", "remedies_helped": "unsure"},
    ),
    ("readback", "틀렸음 사흘은 넘었어", {"reply": "no", "duration": 3.0, "bound": "above"}),
    (
        "readback",
        "응 맞아 근데 담배를 좀 많이 피우긴 함",
        {"reply": "yes", "triggers": ["stimulants"]},
    ),
    ("weakness", "쫌 있는 거 같아요", {"weakness": "yes"}),
    # relief told by what was done, no noun for the remedy; no relief "even so"; day by day
    ("remedies_helped", "담배 끊었더니 많이 좋아졌어요", {"remedies_helped": "yes"}),
    ("remedies_helped", "찜질해도 마찬가지예요", {"remedies_helped": "no"}),
    ("remedies_helped", "어떤 날은 좋고 어떤 날은 그대로예요", {"remedies_helped": "unsure"}),
    ("readback", "네 말씀하신 그대로예요", {"reply": "yes"}),
    ("readback", "틀린 건 하나도 없어요", {"reply": "yes"}),
    # "그냥" before or between answers; typing slips of 없어
    ("numbness", "그냥 없어요", {"numbness": "no"}),
    ("numbness", "저린 건 업어 그냥 떨리기만 해요", {"numbness": "no"}),
    # on and off is not a length of time; "그것도" is the question asked
    ("duration", "됐다 안 됐다 해서 모르겠어요", {"duration": "unsure"}),
    ("follow_up", "그것도 모르겠어요", {"duration": "unsure"}),
    ("confirm:duration", "네 대충 그쯤", {"reply": "yes"}),
    ("more_tips", "그만하면 됐어요", {"reply": "no"}),
    ("weakness", "이제 됐어요 그만 물어보세요", {"command": "stop"}),
    ("skin_changes", "새끼발가락 옆에 멍 같은 게 생겼어요", {"skin_changes": "yes"}),
    # toes that will not lift, a tiptoe that fails: weakness
    ("weakness", "요즘 발가락을 위로 올리는 게 좀 어려워요", {"weakness": "yes"}),
    ("weakness", "근데 까치발은 잘 못 하겠어요", {"weakness": "yes"}),
    # 멍하다 is numb (멍 alone is a bruise)
    ("numbness", "발끝이 멍할 때가 있어요", {"numbness": "yes"}),
    ("numbness", "아이고 떨리기만 하지 화끈거리는 건 없어요", {"numbness": "no"}),
    ("numbness", "따끔거리거나 저린 건 없어요", {"numbness": "no"}),
    ("numbness", "아니요 새끼발가락만 바르르 떨려요", {"numbness": "no", "spreading": "no"}),
    # "하고" ends a clause: its "고" is not "go" ("고고": more tips, please)
    ("spreading", "그런 것 같기도 하고... 잘 모르겠어요", {"spreading": "unsure"}),
    ("more_tips", "고고", {"reply": "yes"}),
    # a cause named only inside another's word: 운동화 are shoes, not 운동 (exercise)
    ("triggers", "새로 산 운동화가 좀 꽉 껴요", {"triggers": ["footwear"]}),
    ("triggers", "새 등산화를 신고 산에 다녀왔어요", {"triggers": ["exertion", "footwear"]}),
    # dialect and chat endings: -임, 됨, 허고, 맞슈
    ("skin_changes", "ㄴㄴ 색깔도 그대로임", {"skin_changes": "no"}),
    ("duration", "3주 됨", {"duration": 21.0}),
    ("numbness", "그런 것 같기도 허고 아닌 것 같기도 허고", {"numbness": "unsure"}),
    ("readback", "맞슈 그렇게 적어유", {"reply": "yes"}),
    # weakness told as a feeling or with a past-tense ending; relief that only "seems better"
    ("weakness", "오래 걸으면 다리가 좀 풀리는 느낌은 있어요", {"weakness": "yes"}),
    ("weakness", "계단 올라갈 때 발에 힘이 잘 안 들어가더라고요", {"weakness": "yes"}),
    ("spreading", "요새는 허벅지까지 막 뛰어요", {"spreading": "yes"}),
    ("remedies_helped", "아 좀 나아진 거 같아요", {"remedies_helped": "unsure"}),
    # a story told before 아무튼 is said in passing
    (
        "numbness",
        "어제 목욕탕 갔다 왔는데 사람이 엄청 많더라고요 아무튼 저린 건 없어요",
        {"numbness": "no"},
    ),
    # what someone else was told, reported with -래요; half and half is not sure
    ("skin_changes", "색깔도 그대로래요", {"skin_changes": "no"}),
    ("remedies_helped", "반반이요 좋은 날도 있고 아닌 날도 있고", {"remedies_helped": "unsure"}),
    # relief that did not come, told beside the length of time
    (
        "duration",
        "일주일 넘었어요 그동안 스트레칭도 해 봤는데 그대로예요",
        {"duration": 7.0, "bound": "above", "remedies_helped": "no"},
    ),
    # typing slips and 충청도 endings spelled out; "장난 아니에요" is a lot, not a denial
    ("spreading", "안퍼졋어요", {"spreading": "no"}),
    ("duration", "2주쨰", {"duration": 14.0}),
    ("numbness", "그런 건 없는 것 같은디유", {"numbness": "no"}),
    ("remedies_helped", "그런 건 안 해 봤슈", {"remedies_helped": "no"}),
    ("skin_changes", "ㄴㄴ 암것도 없음", {"skin_changes": "no"}),
    ("triggers", "요즘 회사 일로 스트레스 장난 아니에요", {"triggers": ["stress"]}),
    ("remedies_helped", "물 마시는 건 해 봤는데 티가 하나도 안 나요", {"remedies_helped": "no"}),
    # a length told after "떨린 지는" beside another answer is kept
    ("weakness", "그건 모르겠고 떨린 지는 한 사흘 됐어요", {"weakness": "unsure", "duration": 3.0}),
    # a negation inside a sign's own words is the sign; one after them denies it
    ("weakness", "까치발 하면 힘이 잘 안 들어가긴 해", {"weakness": "yes"}),
    ("weakness", "까치발 하면 힘이 잘 안 들어가진 않아요", {}),
    ("numbness", "억수로 저리다 아이가 밤마다", {"numbness": "yes"}),
    # slang and dialect for severe pain, a colour gone pale, the other foot's pinky
    ("skin_changes", "걸을때 개아픔 진짜", {"skin_changes": "yes"}),
    ("skin_changes", "발가락이 좀 허옇게 변했어요", {"skin_changes": "yes"}),
    ("skin_changes", "너무 아프진 않아요", {"skin_changes": "unsure"}),
    ("spreading", "양쪽 새끼발가락이 다 떨려요", {"spreading": "yes"}),
    # typing slips, a nurse's words, a weak ankle told as giving way
    ("skin_changes", "붓기 업고 색도 그대로예여", {"skin_changes": "no"}),
    ("duration", "일주일쯤됫어요", {"duration": 7.0}),
    ("skin_changes", "부종은 없고 발적이 약간 있어요", {"skin_changes": "yes"}),
    (
        "weakness",
        "근력 저하는 없어요. 다만 발바닥 쪽 감각 저하가 살짝 있어요",
        {"weakness": "no", "numbness": "yes"},
    ),
    ("weakness", "오래 서 있다 보면 발목이 좀 풀리는 느낌은 있어요", {"weakness": "yes"}),
    ("numbness", "저린 건 없고요 그냥 까딱까딱 떨리기만 해요", {"numbness": "no"}),
    ("follow_up", "넘었지유", {"duration": 3.0, "bound": "above"}),
    ("follow_up", "그보다는 더 됐어요", {"duration": 3.0, "bound": "above"}),
    # a stop beside a reassuring answer is what was asked ("됐어요" is also "enough")
    ("numbness", "아 됐어요 그만할래요", {"command": "stop"}),
]


@pytest.mark.parametrize(("asked", "text", "means"), KO_PHRASINGS)
def test_korean_phrasings_are_read_as_meant(
    asked: str, text: str, means: dict[str, object]
) -> None:
    asked, _, question = asked.partition(":")  # "confirm:duration": "Did you say 14 days?"
    entry: dict[str, object] = {"asked": asked, "text": text, "read_back": READBACK}
    if question:
        entry |= {"question": question, "confirming": 14 if question == "duration" else "no"}
    assert Reader("ko")(entry) == means


@pytest.mark.parametrize(
    "text", ["no, nothing has changed", "no, it's still there", "nah it hasn't budged"]
)
def test_no_change_said_to_another_question_is_not_about_relief(reader: Reader, text: str) -> None:
    assert "remedies_helped" not in reader({"asked": "weakness", "text": text})


def test_the_same_as_the_other_foot_is_about_strength_only_when_weakness_is_asked(
    reader: Reader,
) -> None:
    assert "weakness" not in reader({"asked": "numbness", "text": "no, my foot works fine"})
    assert "weakness" not in reader({"asked": "numbness", "text": "it feels the same as before"})


@pytest.mark.parametrize(
    ("locale", "text", "reply"),
    [
        ("en", "that's right, no", "yes"),  # the yes, then the no said again
        ("ko", "맞아요 없어요", "yes"),
        ("en", "no, you misheard, yes", None),  # the no, then a yes: asked again
    ],
)
def test_a_yes_then_the_no_confirms_a_no(locale: str, text: str, reply: str | None) -> None:
    entry = {"asked": "confirm", "text": text, "question": "weakness", "confirming": "no"}
    assert Reader(locale)(entry).get("reply") == reply


def test_no_i_did_not_to_did_you_say_is_a_no(reader: Reader) -> None:
    entry = {"asked": "confirm", "text": "no I didn't", "question": "weakness", "confirming": "no"}
    assert reader(entry) == {"reply": "no"}


def test_all_healed_said_of_another_symptom_is_no_relief() -> None:
    entry = {"asked": "numbness", "text": "다 나았어요"}  # said of a numbness now gone
    assert "remedies_helped" not in Reader("ko")(entry)
