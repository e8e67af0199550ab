"""A family linked to a case with its topic, and the bot's next message to someone, for the
tests of visits and of what the bot measures."""

from __future__ import annotations

from conftest import RunningBot

from bot.standin import BotApiStandIn, ChatMessage, SimUser
from support.family import new_case, staff_group, topic_of


async def family(
    standin: BotApiStandIn, bot: RunningBot, *, user_id: int = 9001, language: str = "fi"
) -> tuple[SimUser, int]:
    """A parent who opened their case's link; returns them and the case's topic."""
    issued = new_case(bot)
    parent = standin.user(user_id, first_name="Anna", language_code=language)
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_idle()
    await standin.wait_for(lambda: any(n.startswith(issued.reference) for n in topics(standin)))
    topic = topic_of(standin, issued.reference)
    await standin.wait_for(lambda: bool(staff_group(standin).bot_messages(topic)))  # "linked"
    return parent, topic


def topics(standin: BotApiStandIn) -> list[str]:
    return list(staff_group(standin).topics.values())


async def next_message(standin: BotApiStandIn, person: SimUser, count: int) -> ChatMessage:
    """The bot's next message to a person, who has `count` from it so far."""
    await standin.wait_for(lambda: len(person.bot_messages()) > count)
    return person.bot_messages()[count]
