"""What a parent is told after trying to link their chat with a code."""

from __future__ import annotations

from bot.dialogs import menu, menu_pages
from bot.dialogs.base import DialogContext, Reply, Screen
from bot.i18n import N_

OUTCOMES = {
    # Translators: after a parent linked their chat to their case.
    "linked": N_(
        "✅ This chat is now linked to your child's case. You can write to your therapist "
        "here: just send a message. Therapists answer on weekdays during office hours.\n\n"
        "In an emergency, call 112. If you are unsure, call the Medical Helpline 116 117."
    ),
    # Translators: the code was for a case this chat is linked to already.
    "already": N_("This chat is already linked to your child's case. Just write your message."),
    # Translators: a wrong code.
    "wrong": N_(
        "That code did not work. Please check it and try again, or ask your therapist for a "
        "new one."
    ),
    # Translators: an expired code.
    "expired": N_("That code has expired. Please ask your therapist for a new one."),
    # Translators: a code used before.
    "used": N_(
        "That code has already been used; each code works once. Please ask your therapist "
        "for a new one."
    ),
    # Translators: this chat tried too many wrong codes (typed or in links) in an hour.
    "too many": N_(
        "Too many tries. Please try again in an hour. If your code does not work then, ask "
        "your therapist for a new one."
    ),
}


#: The callback data of the "I have a code" button on the customer page.
ASK_FOR_CODE = f"{menu_pages.State.CUSTOMER.value}:code"


def link_reply(outcome: str, context: DialogContext) -> Reply:
    """The answer to a linking try; a wrong code can be typed again at once."""
    _ = context.translate
    if outcome == "wrong":
        page = menu.render(menu_pages.State.CUSTOMER_CODE, context)
        return Reply(
            menu_pages.State.CUSTOMER_CODE.value, (Screen(_(OUTCOMES[outcome]), page.rows),)
        )
    main = menu.render(menu_pages.State.MAIN, context)
    return Reply(menu_pages.State.MAIN.value, (Screen(_(OUTCOMES[outcome]), main.rows),))
