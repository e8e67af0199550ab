"""A visit's status and the machine it moves along (`transitions`; `docs/visits.md` draws
it): every status change of a visit is a trigger of this machine."""

from __future__ import annotations

from enum import Enum
from functools import lru_cache

from transitions import Machine

from bot.machines import destination


class Status(Enum):
    SCHEDULED = "scheduled"
    REMINDED = "reminded"
    CONFIRMED = "confirmed"
    RESCHEDULE = "reschedule_requested"
    CANCELLED = "cancelled"
    DONE = "done"
    NO_SHOW = "no_show"


#: A visit in one of these still takes place.
ACTIVE = [Status.SCHEDULED, Status.REMINDED, Status.CONFIRMED, Status.RESCHEDULE]
ACTIVE_VALUES = [status.value for status in ACTIVE]

TRANSITIONS: list[dict[str, object]] = [
    # The scheduler sent the first reminder.
    {"trigger": "remind", "source": Status.SCHEDULED, "dest": Status.REMINDED},
    # The family's answers.
    {
        "trigger": "confirm",
        "source": [Status.SCHEDULED, Status.REMINDED, Status.RESCHEDULE],
        "dest": Status.CONFIRMED,
    },
    {
        "trigger": "ask_another_time",
        "source": [Status.SCHEDULED, Status.REMINDED, Status.CONFIRMED],
        "dest": Status.RESCHEDULE,
    },
    {"trigger": "cancel", "source": ACTIVE, "dest": Status.CANCELLED},
    # Staff: a new time, a cancelled visit booked again, and afterwards how it went.
    {"trigger": "move", "source": ACTIVE, "dest": Status.SCHEDULED},
    {"trigger": "book_again", "source": Status.CANCELLED, "dest": Status.SCHEDULED},
    {"trigger": "mark_done", "source": ACTIVE, "dest": Status.DONE},
    {"trigger": "mark_no_show", "source": ACTIVE, "dest": Status.NO_SHOW},
]

MACHINE = Machine(
    model=None,
    states=Status,
    transitions=TRANSITIONS,
    initial=Status.SCHEDULED,
    auto_transitions=False,
)


@lru_cache(maxsize=128)
def next_status(status: str, trigger: str) -> Status | None:
    """Where `trigger` takes a visit in `status`; None when it cannot happen now (a pure
    function of the machine, so its answers are kept)."""
    try:
        current = Status(status)
    except ValueError:
        return None
    moved: Status | None = destination(MACHINE, current, trigger)
    return moved


def is_active(status: str) -> bool:
    return status in ACTIVE_VALUES
