"""The custom component inside Home Assistant: config flow, agent, continue_conversation."""

from __future__ import annotations

from homeassistant import config_entries
from homeassistant.components import conversation
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import intent
from pytest_homeassistant_custom_component.common import MockConfigEntry
from wyoming.asr import Transcript

from custom_components.toe_assistant import DOMAIN

SELF_CARE = {"*": "no", "duration": "two days", "readback": "yes"}


async def add_service(hass: HomeAssistant, port: int) -> str:
    """The config entry set up; the agent's entity id."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: port, "languages": ["en", "ko"]},
        unique_id=f"127.0.0.1:{port}",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    states = hass.states.async_entity_ids("conversation")
    (entity_id,) = [s for s in states if "toe" in s]
    return entity_id


async def test_config_flow_asks_the_service_for_its_languages(
    hass: HomeAssistant, toe_port: int
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: toe_port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["languages"] == ["en", "ko"]


async def test_config_flow_without_a_service_says_cannot_connect(
    hass: HomeAssistant, toe_port: int
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: 9},  # nothing listens there
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_consultation_keeps_the_satellite_listening_until_the_advice(
    hass: HomeAssistant, toe_port: int
) -> None:
    agent = await add_service(hass, toe_port)
    text: str | None = "my little toe is twitching"
    conversation_id = None
    spoken, keep = [], []
    while text is not None:
        result = await conversation.async_converse(
            hass, text, conversation_id, Context(), language="en", agent_id=agent
        )
        conversation_id = result.conversation_id
        spoken.append(result.response.speech["plain"]["speech"])
        keep.append(result.continue_conversation)
        last = spoken[-1]
        if not result.continue_conversation:
            text = None
        elif last.endswith("How long has the twitching been going on?"):
            text = SELF_CARE["duration"]
        elif last.endswith("Is that right?"):
            text = SELF_CARE["readback"]
        else:
            text = SELF_CARE["*"]
    # five questions, the readback, and the self-care ending's two: what set it off, more tips
    assert keep == [True] * 8 + [False]
    assert spoken[0].startswith("Hi. I'm sorry your pinky toe is twitching.")
    assert "Good news" in " ".join(spoken) and "Take care." in spoken[-1]


async def test_korean_consultation_starts(hass: HomeAssistant, toe_port: int) -> None:
    agent = await add_service(hass, toe_port)
    result = await conversation.async_converse(
        hass, "새끼발가락이 떨려요", None, Context(), language="ko", agent_id=agent
    )
    assert result.continue_conversation
    assert result.response.speech["plain"]["speech"].startswith("안녕하세요")


async def test_words_that_are_not_a_consultation_fail_to_handle(
    hass: HomeAssistant, toe_port: int
) -> None:
    agent = await add_service(hass, toe_port)
    result = await conversation.async_converse(
        hass, "turn on the kitchen light", None, Context(), language="en", agent_id=agent
    )
    assert result.response.response_type is intent.IntentResponseType.ERROR
    assert result.response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    assert not result.continue_conversation


async def test_a_service_gone_away_is_an_error_response(hass: HomeAssistant) -> None:
    agent = await add_service(hass, 9)
    result = await conversation.async_converse(
        hass, "toe check", None, Context(), language="en", agent_id=agent
    )
    assert result.response.error_code is intent.IntentResponseErrorCode.UNKNOWN


async def test_home_assistants_own_wyoming_agent(hass: HomeAssistant, toe_port: int) -> None:
    """Without the component: Home Assistant's Wyoming integration and its conversation agent,
    a new connection every turn, never asking the satellite to keep listening.

    Its wyoming library drops a transcript's context before 1.7 (Home Assistant 2025.4 ships
    1.5.4), so the service never learns the conversation and handles nothing: the component
    is the way on such a release. With a library that sends it, the consultation works."""
    entry = MockConfigEntry(domain="wyoming", data={"host": "127.0.0.1", "port": toe_port})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    (agent,) = [s for s in hass.states.async_entity_ids("conversation") if "toe" in s]
    sends_context = "context" in Transcript("x", context={"conversation_id": "x"}).event().data
    answers = ["toe check", "no", "no", "no", "no", "two days", "yes"]
    conversation_id, spoken, keep = None, [], []
    for text in answers if sends_context else answers[:1]:
        result = await conversation.async_converse(
            hass, text, conversation_id, Context(), language="en", agent_id=agent
        )
        conversation_id = result.conversation_id
        spoken.append(result.response.speech["plain"]["speech"])
        keep.append(result.continue_conversation)
    if not sends_context:
        assert result.response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
        assert keep == [False]
        return
    assert spoken[0].startswith("Hi. I'm sorry your pinky toe is twitching.")
    assert spoken[5].endswith("Is that right?") and "Good news" in spoken[6]
    assert keep == [False] * 7
