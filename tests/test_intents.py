"""Understanding answers the way people say them (the English intents, read clause by clause)."""

from __future__ import annotations

import pytest

from tests.chat_driver import shipped_dialog
from voice.dialog.said import interpret
from voice.intents import BOUND_INTENTS
from voice.understand import Understanding, understanding_for


@pytest.fixture(scope="module")
def understand() -> Understanding:
    return understanding_for(shipped_dialog("en").intents)


YES = [
    "yes",
    "yeah",
    "yep",
    "yup",
    "I think so",
    "a bit",
    "a little",
    "sometimes",
    "definitely",
    "yes it does",
    "yeah I do",
    "kind of",
    "sort of",
    "probably",
    "I guess so",
    "uh huh",
    "Yes!",
    "Um, yeah.",
    "yes, a little bit",
    "of course",
    "I'd say so",
    "slightly",
]
NO = [
    "no",
    "nope",
    "nah",
    "not really",
    "not at all",
    "no it doesn't",
    "I don't think so",
    "no, not at all",
    "definitely not",
    "not that I've noticed",
    "nothing",
    "I haven't",
    "Nope.",
    "well, no",
    "I don't",
    "no it hasn't",
]
UNSURE = [
    "I don't know",
    "not sure",
    "I'm not sure",
    "no idea",
    "maybe",
    "hard to say",
    "dunno",
    "I can't tell",
    "I have no idea",
    "possibly",
    "I'm not certain",
    "perhaps",
    "who knows",
    "hmm, I don't know",
    "no, I'm not sure",
]


@pytest.mark.parametrize("text", YES)
def test_yes_paraphrases(understand: Understanding, text: str) -> None:
    meaning = understand.parse(text)
    assert meaning is not None and meaning.answer == "yes", meaning


@pytest.mark.parametrize("text", NO)
def test_no_paraphrases(understand: Understanding, text: str) -> None:
    meaning = understand.parse(text)
    assert meaning is not None and meaning.answer == "no", meaning


@pytest.mark.parametrize("text", UNSURE)
def test_unsure_paraphrases(understand: Understanding, text: str) -> None:
    meaning = understand.parse(text)
    assert meaning is not None and meaning.answer == "unsure", meaning


DURATIONS = [
    ("since yesterday", 1),
    ("about two weeks", 14),
    ("a couple of days", 2),
    ("for a month", 30),
    ("since this morning", 0.25),
    ("3 days", 3),
    ("three days", 3),
    ("twenty one days", 21),
    ("21 days", 21),
    ("a week", 7),
    ("for about a week now", 7),
    ("a few days", 3),
    ("several weeks", 21),
    ("two or three days", 3),
    ("a day or two", 2),
    ("it's been going on for about 10 days", 10),
    ("roughly two and a half weeks", 17.5),
    ("a few hours", 0.12),
    ("since last night", 0.5),
    ("it started two days ago", 2),
    ("5 weeks", 35),
    ("four months", 120),
    ("just today", 0.25),
    ("a fortnight", 14),
    ("over a year", 365),
]


@pytest.mark.parametrize(("text", "days"), DURATIONS)
def test_durations_become_days(understand: Understanding, text: str, days: float) -> None:
    meaning = understand.parse(text)
    assert meaning is not None and meaning.intent == "answer_duration", meaning
    assert meaning.answer == pytest.approx(days, abs=0.01)


@pytest.mark.parametrize(
    ("text", "sign", "answer"),
    [
        ("my foot feels weak", "weakness", "yes"),
        ("my leg has been a bit weak", "weakness", "yes"),
        ("I can't move my toes properly", "weakness", "yes"),
        ("my foot is numb", "numbness", "yes"),
        ("I have pins and needles in my foot", "numbness", "yes"),
        ("it burns", "numbness", "yes"),
        ("it's spreading to my other toes", "spreading", "yes"),
        ("my whole foot is twitching too", "spreading", "yes"),
        ("my toe is swollen", "skin_changes", "yes"),
        ("my toe looks purple", "skin_changes", "yes"),
        ("it hurts a lot", "skin_changes", "yes"),
        ("there's no swelling", "skin_changes", "no"),
        ("it hasn't spread", "spreading", "no"),
        ("it's only the pinky toe", "spreading", "no"),
        ("no numbness", "numbness", "no"),
        ("my foot isn't weak", "weakness", "no"),
    ],
)
def test_volunteered_signs(understand: Understanding, text: str, sign: str, answer: str) -> None:
    meaning = understand.parse(text)
    assert meaning is not None and (meaning.about, meaning.answer) == (sign, answer), meaning


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("repeat that", "repeat"),
        ("say that again", "repeat"),
        ("pardon", "repeat"),
        ("help", "help"),
        ("what do you mean", "help"),
        ("why do you ask", "why"),
        ("why", "why"),
        ("stop", "stop"),
        ("cancel", "stop"),
        ("never mind", "stop"),
    ],
)
def test_conversation_commands(understand: Understanding, text: str, command: str) -> None:
    meaning = understand.parse(text)
    assert meaning is not None and meaning.command == command, meaning


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("no wait, I meant yes", "yes"),
        ("sorry, I meant no", "no"),
        ("wait, actually it's more like two weeks", 14),
        ("I meant not sure", "unsure"),
    ],
)
def test_corrections(understand: Understanding, text: str, answer: object) -> None:
    meaning = understand.parse(text)
    assert meaning is not None and meaning.correction and meaning.answer == answer, meaning


@pytest.mark.parametrize("text", ["", "the weather is lovely", "purple monkey dishwasher", "42"])
def test_unrelated_text_means_nothing(understand: Understanding, text: str) -> None:
    assert understand.parse(text) is None


# Answers written the way people talk, and the kinds they stand for: hedges, "it looks
# normal", "it didn't help" (relief that did not come is a no), "a while", a sign after a "no".
# What matters is what the dialog takes from them for the question asked.
PLAIN_TALK = [
    ("no I don't think so", "weakness", {"weakness": "no"}),
    ("I haven't noticed anything", "numbness", {"numbness": "no"}),
    ("nope, haven't seen anything like that", "skin_changes", {"skin_changes": "no"}),
    ("no it looks normal", "skin_changes", {"skin_changes": "no"}),
    ("everything looks fine", "skin_changes", {"skin_changes": "no"}),
    ("it didn't help", "remedies_helped", {"remedies_helped": "no"}),
    ("nothing I tried made a difference", "remedies_helped", {"remedies_helped": "no"}),
    ("no it's the same", "remedies_helped", {"remedies_helped": "no"}),
    ("pretty much the same", "remedies_helped", {"remedies_helped": "no"}),
    ("it helped a bit", "remedies_helped", {"remedies_helped": "unsure"}),
    ("sort of", "remedies_helped", {"remedies_helped": "unsure"}),
    ("yeah it's getting better", "remedies_helped", {"remedies_helped": "yes"}),
    ("a while", "duration", {"duration": "unsure"}),
    ("for some time now", "duration", {"duration": "unsure"}),
    ("I can't remember exactly", "duration", {"duration": "unsure"}),
    ("it's a bit swollen", "weakness", {"skin_changes": "yes"}),
    ("no, my toe is swollen", "skin_changes", {"skin_changes": "yes"}),
    ("well my foot's a bit weak", "numbness", {"weakness": "yes"}),
    ("yes, but my ankle tingles", "weakness", {"weakness": "yes", "numbness": "yes"}),
    ("not numb, but it burns", "numbness", {"numbness": "yes"}),
    ("yeah no, it's only the little toe", "spreading", {"spreading": "no"}),
    ("actually wait, I do feel weak", "spreading", {"weakness": "yes"}),  # "I do" is no yes
    ("weak? no. sore? a bit", "weakness", {"weakness": "no", "skin_changes": "yes"}),  # echoes
    ("no. swelling? yes", "weakness", {"weakness": "no", "skin_changes": "yes"}),
    ("whats that mean, spread", "spreading", {}),  # a question back names the term it asks
    ("now it's the other foot too", "numbness", {"spreading": "yes"}),
    ("about the weakness one, I'd say yes", "skin_changes", {"weakness": "yes"}),  # named back
    ("what do you mean? I'm numb", "weakness", {"numbness": "yes"}),  # news is still news
    ("a bit of tingling now and then", "numbness", {"numbness": "yes"}),
    ("I did the stretches, didn't change anything", "remedies_helped", {"remedies_helped": "no"}),
    ("it helped at first but it's back", "remedies_helped", {"remedies_helped": "unsure"}),
    ("help", "remedies_helped", {}),
    # A "no" covers the sign its next clause opens with, not one told in a clause of its own
    ("no, swelling or anything", "skin_changes", {"skin_changes": "no"}),
    # "so" in "don't think so" is a word, not a filler: what follows is news, not what is doubted
    ("dont think so, my leg is a bit weak", "numbness", {"numbness": "no", "weakness": "yes"}),
    ("i dont think so my leg is weak", "numbness", {"numbness": "no", "weakness": "yes"}),
    ("i don't think my leg is weak", "weakness", {"weakness": "no"}),
    # Said without marks, as speech is transcribed: a long answer nothing reads whole is cut
    # where clauses start, when every piece is then read or an aside; its first "no" stays
    # with the sign it opens ("no tingling at all"), and a piece is never a bare yes
    (
        "no tingling at all my foot feels completely normal its just the twitch",
        "numbness",
        {"numbness": "no"},
    ),
    ("no weakness at all i walked the dog this morning no bother", "weakness", {"weakness": "no"}),
    ("i wouldnt say its not numb", "numbness", {"numbness": "yes"}),  # read whole: a sign
    ("not really its only when i walk far it gets weak", "weakness", {"weakness": "yes"}),
    # Learner English: "no have", a sign then "no have", "from" a time, "plus" as "or more"
    ("no have weakness", "weakness", {"weakness": "no"}),
    ("swelling no have colour also normal", "skin_changes", {"skin_changes": "no"}),
    ("from last 10 days", "duration", {"duration": 10.0}),
    # Ramblers: the twitch told as the toe doing its thing beside the answer; relief "once I
    # started"; the past tense of fine
    (
        "nope legs are fine its just this silly toe going off like a little drum",
        "weakness",
        {"weakness": "no"},
    ),
    (
        "No spreading, no swelling. Just the one toe doing its thing.",
        "spreading",
        {"spreading": "no", "skin_changes": "no"},
    ),
    ("my legs felt completely normal", "weakness", {"weakness": "no"}),
    (
        "Once I started the stretches it settled right down",
        "remedies_helped",
        {"remedies_helped": "yes"},
    ),
    # World Englishes: "is paining too much", "it stay in one place", "cannot say really"
    ("is paining too much at night", "skin_changes", {"skin_changes": "yes"}),
    ("no it stay in one place", "spreading", {"spreading": "no"}),
    ("cannot say really", "numbness", {"numbness": "unsure"}),
    # "her foot is fine" is fine in general, not a word on its skin
    ("mum says her foot is fine, no weakness", "weakness", {"weakness": "no"}),
    (
        "no that's not right, my brother says the toe's gone red",
        "weakness",
        {"weakness": "no", "skin_changes": "yes"},
    ),
    ("nope, you missed where my foot gives way", "numbness", {"numbness": "no", "weakness": "yes"}),
    # When something happened is no length: the wildcard may take it, nothing is recorded
    ("I walked to the shops this morning without any trouble", "weakness", {"weakness": "no"}),
    # A first answer that is a negation belongs to the sign after it
    ("nope no numbness", "numbness", {"numbness": "no"}),
    (
        "no no swelling but my foot feels weak",
        "skin_changes",
        {"skin_changes": "no", "weakness": "yes"},
    ),
    # Two negations cancel: "I can't say it doesn't tingle" says it does
    ("I wouldn't say it's not numb", "numbness", {"numbness": "yes"}),
    ("I can't say it doesn't tingle", "numbness", {"numbness": "yes"}),
    ("the toe beside it is twitching too", "spreading", {"spreading": "yes"}),
    ("I think it's in the sole of my foot as well", "spreading", {"spreading": "yes"}),
    # As a speech recogniser writes it: "to" for two, "week" for weak
    ("it's been about to weeks", "duration", {"duration": 14.0}),
    ("a day or to", "duration", {"duration": 2.0}),
    ("to or three weeks", "duration", {"duration": 21.0}),
    ("my leg feels a wee bit week", "weakness", {"weakness": "yes"}),
    ("I don't know", "numbness", {"numbness": "unsure"}),  # never "know" for no
    # The toe by other names, and the particles of world Englishes ("lah", "o")
    ("nah it's just the little guy", "spreading", {"spreading": "no"}),
    ("it's just the wee toe", "spreading", {"spreading": "no"}),
    ("no it has not spread o", "spreading", {"spreading": "no"}),
    # Relief that lasted only a while is not sure, said at any turn
    ("the stretches only help for a bit", "numbness", {"remedies_helped": "unsure"}),
    (
        "the massage stopped working after a few days",
        "remedies_helped",
        {"remedies_helped": "unsure"},
    ),
    # A length set against the one read back, or said again
    ("it's more like five days than two", "duration", {"duration": 5.0}),
    ("I said it's been going on for three weeks", "duration", {"duration": 21.0}),
    # Weakness told as what the foot does, and strength as the answer to weakness only
    ("the foot just doesn't lift like it used to", "weakness", {"weakness": "yes"}),
    ("I can't really push off properly with that foot", "spreading", {"weakness": "yes"}),
    ("strong as an ox", "weakness", {"weakness": "no"}),
    ("it's strong", "spreading", {}),  # the twitch, maybe: asked again
    (
        "no not really, I walked back from the shops yesterday no problem",
        "weakness",
        {"weakness": "no"},
    ),
    # Spreading told as not only the pinky; a time alone after a sign is when it happened
    ("it's not just the pinky", "spreading", {"spreading": "yes"}),
    ("no... well the calf once, yesterday", "spreading", {"spreading": "yes"}),
    ("can't really tell", "spreading", {"spreading": "unsure"}),
    # Severe pain in people's words
    ("the pain wakes me up at night, it's horrendous", "skin_changes", {"skin_changes": "yes"}),
    # Relief that did not come, in passing: the toe is still going
    ("helped me sleep, the toe's still going though", "remedies_helped", {"remedies_helped": "no"}),
    # The length told about the twitch as the subject
    ("the twitch itself has been going about three weeks", "duration", {"duration": 21.0}),
    ("it's been there a month", "duration", {"duration": 30.0}),
]


@pytest.mark.parametrize(("text", "asked", "facts"), PLAIN_TALK)
def test_answers_as_people_say_them(
    understand: Understanding, text: str, asked: str, facts: dict[str, object]
) -> None:
    consultation = shipped_dialog("en").consultation
    context = {"turn": "answer", "question": asked}  # as the conversation reads it
    said = interpret(understand.read(text, context=context), consultation, asked)
    assert dict(said.facts) == facts, said


BOUNDED = [
    ("two weeks plus", 14.0, "above"),  # "plus", "or more", "and counting": at least that long
    ("three days and counting", 3.0, "above"),
    ("on and off for a month", 30.0, None),
    ("more than three days", 3.0, "above"),
    ("for more than two weeks", 14.0, "above"),
    ("over a week", 7.0, "above"),
    ("less than a week", 6.0, "below"),
    ("almost a week", 6.0, "below"),
    ("less than three days", 2.0, "below"),
    ("not even a day", 0.5, "below"),
]


@pytest.mark.parametrize(("text", "days", "bound"), BOUNDED)
def test_more_and_less_than_a_duration_keep_their_direction(
    understand: Understanding, text: str, days: float, bound: str | None
) -> None:
    meaning = understand.parse(text)
    assert meaning is not None, text
    assert (meaning.intent, meaning.answer, meaning.bound) == ("answer_duration", days, bound)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("more", "answer_more"), ("longer than that", "answer_more"),
     ("less", "answer_less"), ("not that long", "answer_less")],
)  # fmt: skip
def test_more_or_less_to_the_follow_up(understand: Understanding, text: str, intent: str) -> None:
    reading = understand.read(text, prefer=BOUND_INTENTS)
    assert [m.intent for m in reading.meanings] == [intent]


@pytest.mark.parametrize(
    ("text", "context", "days"),
    [
        ("like two", {"turn": "follow_up", "question": "duration"}, 2.0),
        ("no, fifteen", {"turn": "confirm", "question": "duration"}, 15.0),
        ("twelve", {"turn": "answer", "question": "duration"}, 12.0),
        ("two", {"turn": "answer", "question": "duration"}, None),  # two weeks? ask again
        ("twelve", {"turn": "answer", "question": "weakness"}, None),
        ("twelve", {"turn": "confirm", "question": "weakness"}, None),
    ],
)
def test_a_number_alone_is_days_only_where_the_question_names_the_unit(
    understand: Understanding, text: str, context: dict[str, str], days: float | None
) -> None:
    reading = understand.read(text, context=context)
    found = [m.answer for m in reading.meanings if m.intent == "answer_duration"]
    assert found == ([days] if days is not None else []), reading


def test_a_clause_of_fillers_alone_says_nothing_and_is_dropped(understand: Understanding) -> None:
    # "oh gosh" is only skip words: the duration after it is the whole answer, not a lost clause
    reading = understand.read("oh gosh, it must be going on two months now")
    assert [m.intent for m in reading.meanings] == ["answer_duration"]
    assert reading.unclear == ()
    assert understand.read("well").parts == ()


def test_asked_what_set_it_off_every_trigger_a_clause_names_counts(
    understand: Understanding,
) -> None:
    said = "been sweating buckets at the gym"
    asked = understand.read(said, context={"turn": "triggers"})
    assert {m.trigger for m in asked.meanings} == {"hydration", "exertion"}
    # elsewhere a clause is read once: triggers in passing never pile up on a sign question
    elsewhere = understand.read(said, context={"turn": "answer"})
    assert len(elsewhere.meanings) <= 1
    # a trigger denied is not one
    denied = understand.read("not stressed, just on my feet all day", context={"turn": "triggers"})
    assert {m.trigger for m in denied.meanings if m.trigger} == {"exertion"}


@pytest.mark.parametrize(
    ("text", "causes"),
    [
        ("no coffee, no cigarettes, but I've been on my feet all day", {"exertion"}),
        ("stress? nah. I've been on my feet twelve hours a day though", {"exertion"}),
        ("no coffee", set()),
        ("coffee? yes, loads", {"stimulants"}),
    ],
)
def test_a_cause_named_to_deny_it_is_not_one(
    understand: Understanding, text: str, causes: set[str]
) -> None:
    consultation = shipped_dialog("en").consultation
    reading = understand.read(text, context={"turn": "triggers"})
    said = interpret(reading, consultation, None)
    assert said.triggers == causes and not said.empty, said


# --- a hedge is never a plain yes to relief ------------------------------------------------

HEDGES = ["a little", "a bit", "slightly", "somewhat", "kinda", "sort of", "a tad", "barely"]
RELIEF = [
    "it helped {hedge}",
    "the stretching helped {hedge}",
    "massage helps {hedge}",
    "it's {hedge} better",
    "it got {hedge} better",
    "yes it's {hedge} better now",
    "drinking water helped {hedge} i think",
]


@pytest.mark.parametrize("hedge", HEDGES)
@pytest.mark.parametrize("form", RELIEF)
def test_relief_with_a_hedge_is_not_sure(understand: Understanding, form: str, hedge: str) -> None:
    consultation = shipped_dialog("en").consultation
    text = form.format(hedge=hedge)
    said = interpret(understand.read(text), consultation, "remedies_helped")
    assert said.facts.get("remedies_helped") in (None, "unsure"), (text, said.facts)
    strong = interpret(
        understand.read(form.format(hedge="really")), consultation, "remedies_helped"
    )
    assert strong.facts.get("remedies_helped") in ("yes", None)  # the form itself is relief


# Dates said against a fixed today, Saturday 5 December 2026
SAID_ON_A_SATURDAY = [
    ("since Friday", 1),  # yesterday
    ("since last Friday", 8),  # a day back is as likely the week before's: the longer, cautious
    ("since last Tuesday", 4),  # far enough back to be this week's
    ("since the 1st", 4),
    ("since mid November", 25),
    ("since early November", 34),
    ("since the end of last month", 5),
    ("since October 20th", 46),
    ("since thanksgiving", 9),  # the fourth Thursday of November: 26 November 2026
    ("since tuesday last week", 11),  # the week before this one's Tuesday: 24 November
    ("since the friday before last", 8),  # a week before the last Friday (4 December)
    ("the twitching commenced on Monday the 30th of November", 5),
]


@pytest.fixture(scope="module")
def on_a_saturday() -> Understanding:
    from datetime import date

    return Understanding(shipped_dialog("en").intents, date(2026, 12, 5))


@pytest.mark.parametrize(("text", "days"), SAID_ON_A_SATURDAY)
def test_dates_count_back_from_today(on_a_saturday: Understanding, text: str, days: float) -> None:
    meanings = on_a_saturday.read(text).meanings
    assert [m.answer for m in meanings] == [days], meanings


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("only when I get out of bed, it tingles for a minute and then it's gone", "numbness"),
        ("it gets weak after a long walk, then it's better", "weakness"),
        ("yes, and it's much better now", None),
    ],
)
def test_better_with_no_remedy_named_is_relief_only_when_relief_is_asked(
    understand: Understanding, text: str, asked: str | None
) -> None:
    consultation = shipped_dialog("en").consultation
    context = {"turn": "answer", "question": asked} if asked else {"turn": "readback"}
    said = interpret(understand.read(text, context=context), consultation, asked)
    assert "remedies_helped" not in said.facts, said.facts
    asked_relief = {"turn": "answer", "question": "remedies_helped"}
    relief = interpret(
        understand.read("it's much better now", context=asked_relief),
        consultation,
        "remedies_helped",
    )
    assert relief.facts == {"remedies_helped": "yes"}


BESIDE_A_REPLY = [
    # thanks, an apology or a feeling that names nothing recorded is an aside ...
    ("yes, all correct. thank you for listening, you have been very kind", True),
    ("yes thats right, my wife was listening", True),
    # ... and beside a reply, so is what names nothing a reply could change
    ("yep that's it, I'll be off to the shops in a bit", True),
    # but not a sign, a length of time or a word of a mistake
    ("yes, thank you, I was worried because my ankle tingles", False),
    ("yes, I think it started about three weeks back", False),
    ("yes, my wife says you got one wrong", False),
]


@pytest.mark.parametrize(("text", "aside"), BESIDE_A_REPLY)
def test_what_is_said_beside_a_reply_is_an_aside_unless_it_may_change_it(
    understand: Understanding, text: str, aside: bool
) -> None:
    reading = understand.read(text, context={"turn": "readback"})
    only_yes = [m.answer for m in reading.meanings if m.intent != "aside"] == ["yes"]
    assert (only_yes and not reading.unclear) == aside, reading.parts


def test_a_length_said_as_when_it_started_is_read_in_passing(understand: Understanding) -> None:
    text = "yeah the foots gone a bit floppy, they both started last weekend"
    reading = understand.read(text, context={"turn": "answer", "question": "weakness"})
    assert {(m.about or m.intent, m.answer) for m in reading.meanings} >= {("weakness", "yes")}
    assert any(m.intent == "answer_duration" for m in reading.meanings), reading.parts
