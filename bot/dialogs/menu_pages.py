"""The main menu's states and what each shows: pages (a catalog text and buttons), the
notices, and the words a typed message is matched with. Content, read by `bot.dialogs.menu`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_


class State(Enum):
    MAIN = "main"
    ADVICE = "advice"
    ABOUT = "about"
    ABOUT_REFERRAL = "about.referral"
    ABOUT_VISITS = "about.visits"
    ABOUT_AFTER = "about.after"
    ABOUT_MAISA = "about.maisa"
    CUSTOMER = "customer"
    CUSTOMER_CODE = "customer.code"
    LANGUAGE = "language"
    PRIVACY = "privacy"
    FORGET = "forget"
    ERASED = "erased"
    HELP = "help"
    #: A linked family's upcoming visits: the handler shows them (`bot.telegram.family_visits`).
    MY_VISITS = "visits"


ABOUT_PAGES = [State.ABOUT_REFERRAL, State.ABOUT_VISITS, State.ABOUT_AFTER, State.ABOUT_MAISA]
TOP_PAGES = [
    State.ABOUT,
    State.CUSTOMER,
    State.LANGUAGE,
    State.PRIVACY,
    State.HELP,
    State.MY_VISITS,
]


@dataclass(frozen=True)
class Link:
    """A button on a page: its label (a catalog text unless `verbatim`) and what it triggers."""

    label: str
    trigger: str
    argument: str = ""
    verbatim: bool = False


@dataclass(frozen=True)
class Page:
    """What a state shows: a catalog text (formatted with the context's values) and buttons."""

    text: str
    rows: tuple[tuple[Link, ...], ...] = ()
    #: A link button: (label, name of the context value holding the URL).
    url: tuple[str, str] | None = None


MAIN_ROWS = (
    # Translators: main menu button.
    (Link(N_("🍼 Baby advice"), "advice"),),
    # Translators: main menu button.
    (Link(N_("ℹ️ About occupational therapy"), "about"),),
    # Translators: main menu button for families who already have a case.
    (Link(N_("💬 I'm already a customer"), "customer"),),
    # Translators: main menu button, shown to families linked to a case.
    (Link(N_("📅 My visits"), "my_visits"),),
    # Translators: main menu button for the language choice; keep it in all three
    # languages so that anyone can find it. It has a row of its own: beside another button
    # a phone cuts it.
    (Link(N_("🌐 Kieli · Språk · Language"), "language"),),
    # Translators: main menu button.
    (Link(N_("🔒 Privacy"), "privacy"),),
)

PAGES: dict[State, Page] = {
    State.MAIN: Page(
        # Translators: the welcome and main menu. HTML: keep <b></b>.
        N_(
            "<b>Hello! I am the chat assistant of the City of Helsinki's paediatric "
            "occupational therapy.</b>\n\n"
            "I give general advice for a baby who cries a lot, eats or sleeps poorly, or is "
            "oversensitive to sensations, and I tell you about occupational therapy and how "
            "to get a referral. Families who are already our customers find their own "
            "services here too.\n\n"
            "My advice is general guidance, not a diagnosis. In an emergency, call 112. If "
            "you are unsure, call the Medical Helpline 116 117.\n\n"
            "Choose a topic:"
        ),
        MAIN_ROWS,
    ),
    State.ABOUT: Page(
        N_(
            "<b>Occupational therapy for children</b>\n\n"
            "Occupational therapy helps to find a child's developmental and learning "
            "difficulties early and to keep them from growing. The occupational therapist "
            "looks, for example, at motor coordination, visual perception and how the child "
            "processes sensations.\n\n"
            "With babies, the therapist guides the parents when a baby cries a lot, has "
            "trouble eating or sleeping, or is oversensitive to sensations.\n\n"
            "The service is for children who live in Helsinki, in Finnish, Swedish and "
            "English."
        ),
        (
            # Translators: button under "about occupational therapy".
            (Link(N_("Who can come, how to get a referral"), "referral"),),
            # Translators: button under "about occupational therapy".
            (Link(N_("How the visits go"), "visits"),),
            # Translators: button under "about occupational therapy".
            (Link(N_("After the assessment"), "after"),),
            # Translators: button under "about occupational therapy".
            (Link(N_("Maisa for customers"), "maisa"),),
        ),
    ),
    State.ABOUT_REFERRAL: Page(
        N_(
            "<b>Who can come and how to get a referral</b>\n\n"
            "A referral is always needed. Most children come after the extensive health "
            "check-up at the child health clinic (at 4 months, 18 months and 4 years) or "
            "when there are concerns at daycare.\n\n"
            "For a baby, the referral comes from the maternity clinic or the child health "
            "clinic. If you are worried about your child, talk to your public health nurse "
            "at the child health clinic.\n\n"
            "Child health clinic phone service: 09 310 55530 (Mon–Fri 8–14)."
        ),
    ),
    State.ABOUT_VISITS: Page(
        N_(
            "<b>How the visits go</b>\n\n"
            "There are usually 2–3 visits. The first one takes about an hour. A parent or "
            "another adult who is important to the child comes along to the first visit.\n\n"
            "The therapist can also meet your child at daycare or at home. We always ask for "
            "the family's consent."
        ),
    ),
    State.ABOUT_AFTER: Page(
        N_(
            "<b>After the assessment</b>\n\n"
            "You may get instructions for exercises at home, or your child may start "
            "occupational therapy as rehabilitation: from the city's own therapists or with a "
            "service voucher. For children, the service voucher covers the whole price.\n\n"
            "Sometimes the therapist recommends further examinations in specialised "
            "healthcare, or with a speech therapist, a physiotherapist or the child health "
            "clinic psychologist."
        ),
    ),
    State.ABOUT_MAISA: Page(
        N_(
            "<b>Already a customer?</b>\n\n"
            "You can send a message to the service in Maisa (maisa.fi or the Maisa app) after "
            "strong identification. The professionals usually answer within 3 working days. "
            "Guardians can act for their children under 18 in Maisa."
        ),
    ),
    State.CUSTOMER: Page(
        N_(
            "<b>Already a customer?</b>\n\n"
            "Your therapist can give you a one-time link or code. Open the link, or press "
            "the button below and type the code: this chat is then linked to your child's "
            "case, and you can write to your therapist here.\n\n"
            "You can also send a message to the service in Maisa (maisa.fi or the Maisa app). "
            "The professionals usually answer within 3 working days."
        ),
        # Translators: button on the customer page.
        ((Link(N_("I have a code"), "code"),),),
    ),
    State.CUSTOMER_CODE: Page(
        # Translators: asks for the code; the parent types it as a message.
        N_(
            "Type the code your therapist gave you, for example <code>ABCD2345</code>. "
            "Capital or small letters both work."
        ),
    ),
    State.LANGUAGE: Page(
        # Translators: above the three language buttons, which show each language's own name.
        N_("Choose the language I use with you:"),
        tuple((Link(LANGUAGE_NAMES[code], "choose", code, verbatim=True),) for code in LANGUAGES),
    ),
    State.PRIVACY: Page(
        N_(
            "<b>Privacy</b>\n\n"
            "The City of Helsinki's Social Services, Health Care and Rescue Services "
            "Division is responsible for the data.\n\n"
            "<b>What the bot keeps:</b> your chat's number in Telegram, the language you "
            "chose and where you are in the menus, with the times of your visits to the bot."
            "\n"
            "<b>What it does not keep:</b> the words, photos or files you send.\n\n"
            "This chat is not the place for personal identity codes or medical records. "
            "Please give those in Maisa or to your therapist in person.\n\n"
            "To erase your data from the bot, send /forget or use the button below."
        ),
        # Translators: button on the privacy page.
        ((Link(N_("Erase my data"), "forget"),),),
        # Translators: link button to the city's privacy statement.
        url=(N_("The city's privacy statement"), "privacy_url"),
    ),
    State.FORGET: Page(
        N_(
            "<b>Erase your data?</b>\n\n"
            "The bot then forgets your chat: your language choice, where you are in the menus "
            "and which of your messages it passed on. If your chat is linked to your child's "
            "case, the link is removed too. The messages you already sent stay with your "
            "therapist until the case has ended and is erased. The messages in this chat stay "
            "in your Telegram app; you can delete the chat there."
        ),
        # Translators: confirms erasing the user's data.
        ((Link(N_("Yes, erase"), "erase"),),),
    ),
    State.ERASED: Page(
        N_(
            "Your data has been erased from the bot. Your therapist still sees the messages "
            "you already sent, in your child's case, until the case has ended and is erased. "
            "If you want to use the bot again, send /start."
        ),
    ),
    State.HELP: Page(
        # Translators: keep the commands as they are.
        N_(
            "<b>Commands</b>\n\n"
            "/start – main menu\n"
            "/language – change the language\n"
            "/privacy – privacy and your data\n"
            "/forget – erase your data from the bot\n"
            "/visits – your child's visits (once this chat is linked to the case)\n"
            "/help – this help\n\n"
            "You can also use the buttons under my messages."
        ),
    ),
}


NOTICES = {
    # Translators: answer to a sticker, photo, voice message, file, location and the like.
    "unsupported": N_(
        "I can only read text and the buttons under my messages, so I cannot see stickers, "
        "photos, voice messages, files or locations. Please choose a topic below."
    ),
    # Translators: answer when the user edits a message they sent earlier.
    "edited": N_(
        "I only read new messages, not edits. If you want to say something else, please "
        "send a new message."
    ),
    # Translators: answer to an unknown /command; {command} is what the user typed.
    "command": N_("I do not know the command {command}. These are the ones I know:"),
    # Translators: pop-up when a button no longer works (an old or damaged button).
    "outdated": N_("That button is no longer in use. Here is where you are now."),
    # Translators: pop-up after choosing the language; it names the language in itself.
    "language": N_("I will use English with you."),
}


# Typed questions that are not advice --------------------------------------------------------

#: Pages a typed question may belong on, with the words that point to each. The advice
#: dialog weighs them against its topics (`advice.read`).
TYPED_PAGES: dict[State, str] = {
    # Translators: words parents type when asking about occupational therapy itself,
    # comma-separated; write them in your language; short phrases match when all their
    # words occur.
    State.ABOUT: N_(
        "occupational therapy, occupational therapist, what is occupational therapy, "
        "therapy, therapist"
    ),
    # Translators: words parents type when asking who can come and how to get a referral
    # (also about older children: school, handwriting), comma-separated; write them in your
    # language; short phrases match when all their words occur.
    State.ABOUT_REFERRAL: N_(
        "referral, refer, referred, get a referral, who can come, who can get, can we come, "
        "year old, years old, toddler, preschool, daycare, school, handwriting, writing, "
        "pencil, drawing, scissors, clumsy, motor skills, coordination"
    ),
    # Translators: words parents type when asking how the visits go and where, comma-
    # separated; write them in your language; short phrases match when all their words occur.
    State.ABOUT_VISITS: N_(
        "visit, visits, first visit, how many visits, how long visit, how long appointment, "
        "assessment visit, come along, come with, where is, where are you, address, "
        "location, clinic, home visit"
    ),
    # Translators: words parents type when asking what happens after the assessment, comma-
    # separated; write them in your language; short phrases match when all their words occur.
    State.ABOUT_AFTER: N_(
        "after the assessment, afterwards, rehabilitation, service voucher, voucher, home "
        "exercises, exercises at home, exercises for home, further examinations, speech "
        "therapist, physiotherapist, psychologist, cost, costs, price, fee"
    ),
    # Translators: words parents type when asking about Maisa, comma-separated; write them
    # in your language; short phrases match when all their words occur.
    State.ABOUT_MAISA: N_("maisa, message the service"),
    # Translators: words a linked family types when asking about their own visit or
    # therapist, comma-separated; write them in your language; short phrases match when all
    # their words occur.
    State.CUSTOMER: N_(
        "our appointment, my appointment, next appointment, our visit, next visit, our next, "
        "booked, booking, cancel, reschedule, another time, change the time, my therapist, "
        "our therapist, link code, already a customer"
    ),
}

#: Short messages that are only a greeting or thanks, with the words for each.
SMALL_TALK: dict[str, str] = {
    # Translators: greetings a parent may type alone, comma-separated; write them in your
    # language.
    "greeting": N_("hi, hello, hey, hiya, good morning, good afternoon, good evening"),
    # Translators: thanks a parent may type alone, comma-separated; write them in your
    # language.
    "thanks": N_("thanks, thank you, thank, thx, cheers"),
}

SMALL_TALK_ANSWERS = {
    # Translators: answer to a typed greeting; the main menu's buttons follow.
    "greeting": N_(
        "Hello, nice to hear from you! Write your question in your own words, or choose a "
        "topic below."
    ),
    # Translators: answer to a typed thank-you; the main menu's buttons follow.
    "thanks": N_("You're welcome! I am here whenever you need me. In an emergency, call 112."),
}
