"""Moving a `transitions` machine one step for a state that is stored, not kept in memory."""

from __future__ import annotations

from typing import Any

from transitions import Machine, MachineError


class _Conversation:
    """The model a machine moves; it lives only for one step."""

    state: Any


def destination(machine: Machine, source: Any, trigger: str, **arguments: object) -> Any | None:
    """Where `trigger` leads from `source` in `machine`; None when it is not allowed there.

    One machine serves every chat: a throw-away model is added in the stored state, moved,
    read and removed, so no conversation lives in memory between updates.
    """
    conversation = _Conversation()
    machine.add_model(conversation, initial=source)
    try:
        if not conversation.trigger(trigger, **arguments):  # type: ignore[attr-defined]
            return None
        return conversation.state
    except (MachineError, AttributeError):
        return None
    finally:
        machine.remove_model(conversation)
