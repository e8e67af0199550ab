"""The scenes of the staff group: notices in a case's topic, answers to commands, refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from babel.messages.catalog import Catalog

from bot.dialogs.advice_texts import (
    STAFF_URGENT_NOTICE,
)
from bot.dialogs.base import (
    DialogContext,
)
from bot.domain import inbox, visit_status, visit_words
from bot.domain.cases import CASE_STATUS_NAMES
from bot.domain.staff_visits import TWICE
from bot.i18n import Translator
from bot.preview.scene_kit import (
    CASE_FILE,
    REASON_FILES,
    SETUP_FILE,
    STAFF_VALUES,
    VISIT_AT,
    ZONE,
    Scene,
    Shown,
    booked_at_scene,
    text_scene,
    texts_written_in,
)
from bot.telegram import staff_access

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def staff_values(message: str, _: Translator) -> dict[str, str]:
    """Sample values for a staff notice's placeholders, in the staff language."""
    values: dict[str, str] = {}
    for name in _PLACEHOLDER.findall(message):
        if name in STAFF_VALUES:
            values[name] = STAFF_VALUES[name]
        elif name == "when":
            values[name] = _.moment(VISIT_AT)
        elif name == "expires":
            values[name] = _.moment(datetime(2026, 12, 12, 15, 0, tzinfo=ZONE))
        elif name == "place":
            values[name] = _(visit_words.PLACE_NAMES["clinic"])
        elif name == "usage":
            values[name] = _(visit_words.VISIT_NOTICES["visit_usage"])
        elif name == "visits":
            values[name] = _visit_lines(_)
        elif name == "status":
            values[name] = _(CASE_STATUS_NAMES["open"])
    return values


def _visit_lines(_: Translator) -> str:
    lines = []
    for number, status in enumerate(visit_status.Status, 1):
        place = _(visit_words.PLACE_NAMES[visit_words.PLACES[number % 3]])
        name = _(visit_words.STATUS_NAMES[status])
        lines.append(f"{number}. {_.moment(VISIT_AT)} · {place} · {name}")
    return "\n".join(lines)


def _staff(message: str) -> Callable[[DialogContext], list[Shown]]:
    def show(context: DialogContext) -> list[Shown]:
        _ = context.translate
        return [Shown(_(message, **staff_values(message, _)))]

    return show


def staff_scenes(template: Catalog) -> list[Scene]:
    section = "Staff group"
    scenes = []
    for key, message in inbox.STAFF_NOTICES.items():
        if key == "case_opened":

            def caption(context: DialogContext, m: str = message) -> list[Shown]:
                return [
                    Shown(
                        context.translate(m, **staff_values(m, context.translate)), kind="caption"
                    )
                ]

            scenes.append(
                Scene(
                    f"staff.{key}",
                    section,
                    "/newcase: the QR code and its caption",
                    caption,
                    staff=True,
                )
            )
            continue
        scenes.append(
            Scene(f"staff.{key}", section, f"To staff: {key}", _staff(message), staff=True)
        )
    for key, message in staff_access.NOTICES.items():
        scenes.append(
            Scene(f"staff.{key}", section, f"To staff: {key}", _staff(message), staff=True)
        )
    scenes.append(
        Scene(
            "staff.urgent",
            section,
            "A family's message with an urgent sign",
            _staff(STAFF_URGENT_NOTICE),
            staff=True,
        )
    )
    for status, name in visit_words.STATUS_NAMES.items():

        def marked(context: DialogContext, n: str = name) -> list[Shown]:
            _ = context.translate
            values = staff_values(visit_words.VISIT_NOTICES["visit_marked"], _)
            values["status"] = _(n)
            return [Shown(_(visit_words.VISIT_NOTICES["visit_marked"], **values))]

        scenes.append(
            Scene(
                f"staff.visit_marked.{status.value}",
                section,
                f"/visit: {status.value}",
                marked,
                staff=True,
            )
        )
    for place, name in visit_words.PLACE_NAMES.items():
        scenes.append(
            Scene(
                f"staff.place.{place}",
                section,
                f"A visit booked at the {place}",
                booked_at_scene(name),
                staff=True,
            )
        )
    known = {*visit_words.VISIT_NOTICES.values(), *visit_words.STATUS_NAMES.values()}
    known |= {*visit_words.PLACE_NAMES.values(), TWICE}
    scenes += _case_scenes(template, section)
    for number, reason in enumerate(texts_written_in(template, REASON_FILES, known), 1):

        def refused(context: DialogContext, r: str = reason) -> list[Shown]:
            _ = context.translate
            notice = visit_words.VISIT_NOTICES["visit_refused"]
            return [
                Shown(_(notice, reason=_(r), usage=_(visit_words.VISIT_NOTICES["visit_usage"])))
            ]

        scenes.append(
            Scene(
                f"staff.refused.{number}",
                section,
                f"/visit refused: {reason}",
                refused,
                staff=True,
            )
        )
    for number, setup in enumerate(texts_written_in(template, (SETUP_FILE,), set()), 1):
        scenes.append(
            Scene(
                f"group.setup.{number}",
                section,
                "The bot added to a group before the staff group is set",
                text_scene(setup, chat_id="-1001234567890"),
                staff=True,
            )
        )
    return scenes


def _case_scenes(template: Catalog, section: str) -> list[Scene]:
    """/status of a closed case, why a case command was refused, and a visit booked at a
    time that comes twice."""

    def closed(context: DialogContext) -> list[Shown]:
        _ = context.translate
        notice = inbox.STAFF_NOTICES["status"]
        values = {**staff_values(notice, _), "status": _(CASE_STATUS_NAMES["closed"])}
        return [Shown(_(notice, **values))]

    def twice(context: DialogContext) -> list[Shown]:
        _ = context.translate
        notice = visit_words.VISIT_NOTICES["visit_booked"]
        when = _(TWICE, when=_.moment(datetime(2027, 10, 31, 3, 30, tzinfo=ZONE)))
        return [Shown(_(notice, when=when, place=_(visit_words.PLACE_NAMES["home"])))]

    scenes = [
        Scene("staff.status.closed", section, "/status of a closed case", closed, staff=True),
        Scene("staff.twice", section, "A visit at an hour that comes twice", twice, staff=True),
    ]
    known = set(CASE_STATUS_NAMES.values())
    for number, reason in enumerate(texts_written_in(template, (CASE_FILE,), known), 1):
        key = "case_refused" if "label" in reason else "not_done"

        def refused(context: DialogContext, r: str = reason, k: str = key) -> list[Shown]:
            _ = context.translate
            values = {"reference": STAFF_VALUES["reference"], "limit": "64"}
            return [Shown(_(inbox.STAFF_NOTICES[k], reason=_(r, **values)))]

        scenes.append(
            Scene(f"staff.case.{number}", section, f"Refused: {reason}", refused, staff=True)
        )
    return scenes
