"""The baby advice as data: topics, their questions and answers, what parents type for each,
and the urgent signs that are met before anything else.

Every text is a catalog text (N_), so the staff who keep the texts also keep what the bot
recognises. Each answer's translator comment names its source in CONTENT.md, so that a
reviewer can check it. Facts come only from docs/CONTENT.md.

Keyword texts are comma-separated words or short phrases as parents write them; the bot
compares word stems, so "itku" also finds "itkuinen" and "itkua". A phrase matches when all
its words occur in the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Question:
    key: str
    #: Button label (short: fits a phone screen).
    label: str
    #: The answer, HTML; the safety net and a next step are added after it.
    answer: str
    #: Words that point to this question rather than another of the same topic.
    keywords: str


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    #: A line above the topic's question buttons.
    intro: str
    #: Words that point to this topic.
    keywords: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class UrgentSign:
    key: str
    #: Words and phrases that mean this sign.
    keywords: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="crying",
        # Translators: advice topic button.
        label=N_("😢 Crying and colic"),
        # Translators: one line above the crying topic's question buttons.
        intro=N_("A baby who cries a lot is hard on the whole family. Choose a question:"),
        # Translators: words parents type for this topic, comma-separated; write them in your
        # language, any inflected forms and common misspellings welcome; short phrases match
        # when all their words occur.
        keywords=N_(
            "cry, crying, cries, cried, scream, screaming, screams, screamed, fussy, fussing, "
            "fusses, colic, colicky, inconsolable, wail, wailing, whine, whining, whinge, "
            "whingeing, grizzly, grizzling, unsettled, sob, sobbing, howling, tears, won't stop "
            "crying, cries all the time, evening crying, witching hour, soothe, soothing, calm "
            "down, comfort"
        ),
        questions=(
            Question(
                key="colic",
                # Translators: question button, at most 40 characters.
                label=N_("Is this colic?"),
                # Translators: source: CONTENT.md, Excessive crying and colic: Terveyskirjasto
                # (Duodecim) dlk00430; Wessel 1954; Rome IV
                answer=N_(
                    "<b>Is this colic?</b>\n\n"
                    "Colic means long, repeated bouts of crying with no clear cause in a baby "
                    "who is otherwise healthy, grows well and has no fever. A common rule of "
                    "thumb: crying or fussing for more than 3 hours a day, on more than 3 days "
                    "a week, for over 3 weeks.\n\n"
                    "• It is common: 15–25 babies in 100 have colic.\n"
                    "• It usually starts at 2–4 weeks, is at its worst at 5–6 weeks and eases "
                    "by 3–4 months.\n"
                    "• It is often worse in the evening.\n\n"
                    "Colic is not caused by how you care for your baby, and it leaves no "
                    "lasting harm. It is as common with breast milk as with formula."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "colic, colicky, is it colic, is this colic, rule of threes, three hours, "
                    "hours a day, hours every day, for hours, every evening, evenings, in the "
                    "evening, how long, when will it stop, when does it end, how many weeks, "
                    "normal crying, peak, how much crying, is it normal"
                ),
            ),
            Question(
                key="soothe",
                # Translators: question button, at most 40 characters.
                label=N_("How can I soothe my baby?"),
                # Translators: source: CONTENT.md, Excessive crying and colic: soothing commonly
                # recommended; PURPLE (US Children's Bureau)
                answer=N_(
                    "<b>Soothing a crying baby</b>\n\n"
                    "First check the basics: is your baby hungry, is the nappy wet, is your "
                    "baby too warm or too cold, or tired?\n\n"
                    "Then try:\n"
                    "• holding your baby close, skin to skin\n"
                    "• a calm voice or humming\n"
                    "• slow, rhythmic movement: rocking, a sling or a walk with the pram\n"
                    "• fewer stimuli: a dim, quiet room\n"
                    "• sucking on a dummy, a warm bath or baby massage\n"
                    "• feeding upright, with pauses and burping\n\n"
                    "Responding to crying cannot spoil a baby. Some crying goes on whatever you "
                    "do: that is not a sign that you are doing something wrong."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "soothe, soothing, calm, calm down, calming, settle, comfort, comforting, "
                    "stop crying, make it stop, what helps, what can i do, rock, rocking, sling, "
                    "carry, carrying, hold, holding, skin to skin, dummy, pacifier, humming, "
                    "singing, massage, bath, pram, walk, spoil, spoiling"
                ),
            ),
            Question(
                key="exhausted",
                # Translators: question button, at most 40 characters.
                label=N_("I can't take it any more"),
                # Translators: source: CONTENT.md, Excessive crying and colic: when a parent is
                # at the end of their strength; THL blog on shaking; Numbers a parent may need
                answer=N_(
                    "<b>When you are at the end of your strength</b>\n\n"
                    "Crying is normal, and it is very hard to listen to. It is OK to take a "
                    "break:\n"
                    "• Lay your baby on their back in the cot.\n"
                    "• Step out of the room and breathe.\n"
                    "• Check on your baby every few minutes.\n"
                    "• Call someone: your partner, a friend or a relative.\n\n"
                    "<b>Never shake a baby.</b> Shaking can cause brain damage or death. "
                    "<b>If your baby has been shaken, go to hospital at once.</b> If your baby "
                    "is floppy, not breathing properly or having a fit, call 112.\n\n"
                    "Medical Helpline 116 117: free, around the clock. In an emergency, call "
                    "112."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "can't take it, cannot take it, can't cope, cannot cope, exhausted, worn out, "
                    "end of my rope, end of my tether, desperate, angry, frustrated, breaking "
                    "point, need a break, going crazy, going mad, shake, shaking, so tired, no "
                    "strength"
                ),
            ),
        ),
    ),
    Topic(
        key="eating",
        # Translators: advice topic button.
        label=N_("🍼 Eating and feeding"),
        # Translators: one line above the eating topic's question buttons.
        intro=N_("Calm feeds help you both. Choose a question:"),
        # Translators: words parents type for this topic, comma-separated; write them in your
        # language, any inflected forms and common misspellings welcome; short phrases match
        # when all their words occur.
        keywords=N_(
            "eat, eating, eats, feed, feeding, feeds, feeder, milk, breastfeed, breastfeeding, "
            "breastfed, breast, nurse, nursing, bottle, bottles, formula, hungry, hunger, drink, "
            "drinks, drinking, latch, latching, burp, burping, meal, meals, mealtimes, appetite, "
            "weight, won't eat, refuses the bottle, gag, gags, gagging, retch, retches, retching, "
            "spits out, spit out, spitting out, puree, purees, porridge, lumps, lumpy, solids, "
            "solid food, finger food, finger foods, weaning, baby led weaning, first foods, "
            "spoon, high chair, asleep at the breast, asleep while feeding, asleep feeding"
        ),
        questions=(
            Question(
                key="hunger",
                # Translators: question button, at most 40 characters.
                label=N_("Hunger signs and a calm feed"),
                # Translators: source: CONTENT.md, Eating and feeding: NHS and UNICEF UK Baby
                # Friendly
                answer=N_(
                    "<b>Hunger signs and a calm feed</b>\n\n"
                    "Offer a feed when you see the early hunger signs:\n"
                    "• rooting: turning the head and searching with the mouth\n"
                    "• opening the mouth\n"
                    "• sucking on fingers\n"
                    "Crying is a late sign of hunger.\n\n"
                    "For a calm feed, hold your baby close and semi-upright, in a quiet place "
                    "with little to distract you both, and make eye contact.\n\n"
                    "Stop when your baby shows they are full, by turning away or pushing away. "
                    "Never make your baby finish: keep feeds positive and free of pressure."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "hunger, hungry, hunger signs, signs of hunger, when to feed, how often, on "
                    "demand, rooting, sucking fingers, sucking hands, calm feed, distracted, "
                    "full, fullness, turns away, pushes away, refuses, stop feeding, finish"
                ),
            ),
            Question(
                key="bottle",
                # Translators: question button, at most 40 characters.
                label=N_("Bottle feeding: paced feeding"),
                # Translators: source: CONTENT.md, Eating and feeding: NHS and UNICEF UK Baby
                # Friendly
                answer=N_(
                    "<b>Bottle feeding: paced feeding</b>\n\n"
                    "In paced feeding, your baby sets the pace:\n"
                    "• Hold your baby close and semi-upright.\n"
                    "• Touch the teat to your baby's upper lip to invite them to take it.\n"
                    "• Keep the bottle fairly horizontal.\n"
                    "• Allow pauses, and burp your baby during the feed.\n"
                    "• Stop when your baby turns away or pushes the bottle away, even if there "
                    "is milk left.\n\n"
                    "Feed in a calm place with little to distract, and make eye contact. Never "
                    "force your baby to finish the bottle."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "bottle, bottles, bottle feeding, bottle fed, teat, formula, paced feeding, "
                    "paced, pace, gulping, gulps, too fast, flow, refuses the bottle, expressed "
                    "milk, burp, burping, finish the bottle"
                ),
            ),
            Question(
                key="enough",
                # Translators: question button, at most 40 characters.
                label=N_("Is my baby getting enough milk?"),
                # Translators: source: CONTENT.md, Eating and feeding: NHS and UNICEF UK Baby
                # Friendly
                answer=N_(
                    "<b>Is my baby getting enough milk?</b>\n\n"
                    "Things to follow:\n"
                    "• Wet nappies: after the first week, about 6 or more heavy wet nappies a "
                    "day.\n"
                    "• Weight: babies are back at their birth weight by about day 10 and then "
                    "gain roughly 20 g a day. The child health clinic follows your baby's "
                    "weight.\n\n"
                    "Let your baby show you when they are full: turning away or pushing away "
                    "means they have had enough. There is no need to make them finish.\n\n"
                    "No wet nappy in about 8 hours, or taking less than half of the usual "
                    "feeds, are urgent signs: call 112, or the Medical Helpline 116 117 if you "
                    "are unsure."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "enough, enough milk, getting enough, not enough, too little, weight, weight "
                    "gain, gaining, gain, grams, losing weight, birth weight, wet nappies, wet "
                    "nappy, nappies, how much, amount, supply, low supply, still hungry"
                ),
            ),
        ),
    ),
    Topic(
        key="sleeping",
        # Translators: advice topic button.
        label=N_("😴 Sleeping"),
        # Translators: one line above the sleeping topic's question buttons.
        intro=N_("Sleep, safe sleep and night waking. Choose a question:"),
        # Translators: words parents type for this topic, comma-separated; write them in your
        # language, any inflected forms and common misspellings welcome; short phrases match
        # when all their words occur.
        keywords=N_(
            "sleep, sleeping, sleeps, slept, sleepless, sleeper, asleep, nap, naps, napping, "
            "night, nights, night-time, wake, wakes, waking, woke, wake ups, awake, bedtime, bed, "
            "cot, crib, tired, overtired, drowsy, settle, settling, restless, doze, dozes, sleep "
            "training, sleep regression, early waking, wakes early, early riser, through the "
            "night, contact naps, co-sleeping, co sleeping, bedroom"
        ),
        questions=(
            Question(
                key="safe",
                # Translators: question button, at most 40 characters.
                label=N_("Safe sleep"),
                # Translators: source: CONTENT.md, Sleep: Lullaby Trust
                answer=N_(
                    "<b>Safe sleep</b>\n\n"
                    "• Always put your baby to sleep on their back.\n"
                    "• For at least the first 6 months, your baby sleeps in their own cot in "
                    "your room.\n"
                    "• Use a firm, flat mattress, and keep the cot free of anything soft.\n"
                    "• Keep the room smoke-free and at about 16–20 °C.\n"
                    "• Never fall asleep with your baby on a sofa or in an armchair.\n\n"
                    "These apply to every sleep, by day and by night."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "safe sleep, safe, safely, safety, position, on the back, on the tummy, "
                    "tummy, on the side, cot death, mattress, pillow, blanket, duvet, soft toys, "
                    "co-sleeping, bed sharing, same bed, our bed, sofa, armchair, room "
                    "temperature, temperature, smoke, smoking, own cot, own room"
                ),
            ),
            Question(
                key="nights",
                # Translators: question button, at most 40 characters.
                label=N_("Night waking and day–night rhythm"),
                # Translators: source: CONTENT.md, Sleep: Lullaby Trust; THL research
                answer=N_(
                    "<b>Night waking and the day–night rhythm</b>\n\n"
                    "Babies learn the difference between day and night from about 6–8 weeks. "
                    "You can help:\n"
                    "• At night, keep the light dim, talk little and do not play.\n"
                    "• From about 3 months, regular routines help.\n"
                    "• Watch for tired signs and settle your baby early.\n\n"
                    "You are not alone: about 4 parents in 10 say they have had sleep problems "
                    "in their child's first two years."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "night, nights, night waking, wakes at night, waking up, wakes up, wakes "
                    "often, wakes every hour, up all night, night feeds, day and night, rhythm, "
                    "mixed up, days and nights, awake at night, early morning"
                ),
            ),
            Question(
                key="settle",
                # Translators: question button, at most 40 characters.
                label=N_("Settling: tired signs and routines"),
                # Translators: source: CONTENT.md, Sleep: Lullaby Trust
                answer=N_(
                    "<b>Settling your baby to sleep</b>\n\n"
                    "Watch for tired signs:\n"
                    "• yawning\n"
                    "• staring\n"
                    "• jerky movements\n\n"
                    "Settle your baby early, when you see the first signs. Lay your baby down "
                    "on their back in their own cot.\n\n"
                    "From about 3 months, a regular routine before sleep helps.\n\n"
                    "At night, keep the light dim, talk little and do not play: babies learn "
                    "the difference between day and night from about 6–8 weeks."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "settle, settling, won't settle, fall asleep, falling asleep, go to sleep, "
                    "going to sleep, put down, put to sleep, bedtime, routine, routines, tired "
                    "signs, tired, overtired, yawning, yawns, staring, fights sleep, fighting "
                    "sleep, short naps"
                ),
            ),
        ),
    ),
    Topic(
        key="senses",
        # Translators: advice topic button.
        label=N_("👂 Sensitivity and overload"),
        # Translators: one line above the sensitivity topic's question buttons.
        intro=N_("When sounds, light or touch are too much for your baby. Choose a question:"),
        # Translators: words parents type for this topic, comma-separated; write them in your
        # language, any inflected forms and common misspellings welcome; short phrases match
        # when all their words occur.
        keywords=N_(
            "senses, sensory, sensation, sensations, sensitive, sensitivity, oversensitive, "
            "hypersensitive, hypersensitivity, overstimulated, overstimulation, stimulation, "
            "overload, overloaded, overwhelmed, wound up, noise, noises, noisy, loud, sounds, "
            "bright light, lights, touch, touching, touched, hates being, clothes, clothing, "
            "labels, fabrics, socks, hats, dressing, getting dressed, washing, washed, hair "
            "washing, washing hair, wash her hair, wash his hair, bath, baths, bath time, "
            "bathing, nails, cutting nails, nail cutting, cut nails, vacuum, vacuum cleaner, "
            "hoover, hair dryer, hairdryer, nappy changes, cream, startle, startles, startled, "
            "jumps at, jumpy, irritable, crowds, crowded, supermarket, shops, visitors, guests"
        ),
        questions=(
            Question(
                key="signs",
                # Translators: question button, at most 40 characters.
                label=N_("Signs of overload"),
                # Translators: source: CONTENT.md, Sensory hypersensitivity and
                # overstimulation: Toimintaterapeuttiliitto 2021
                answer=N_(
                    "<b>Signs of overload</b>\n\n"
                    "A baby's way of handling sensations is still immature. It can show as "
                    "crying, poor sleep, trouble with feeding and irritability.\n\n"
                    "Signs that your baby has had enough:\n"
                    "• looking away\n"
                    "• jerky movements\n"
                    "• clenched fists\n"
                    "• fussing\n\n"
                    "When you see these signs, it is a good moment for fewer sounds and sights "
                    "and some quiet time. The question on a calm environment lists what you "
                    "can try."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "signs, sign, how do i know, how can i tell, looks away, looking away, turns "
                    "away, avoids eye contact, jerky, jerky movements, clenched fists, fists, "
                    "fussing, fussy, irritable, had enough"
                ),
            ),
            Question(
                key="calm",
                # Translators: question button, at most 40 characters.
                label=N_("How to help: a calm environment"),
                # Translators: source: CONTENT.md, Sensory hypersensitivity and
                # overstimulation: Toimintaterapeuttiliitto 2021
                answer=N_(
                    "<b>Helping an overstimulated baby</b>\n\n"
                    "• A quiet, dim room.\n"
                    "• TV and radio off, and less background noise.\n"
                    "• Calm, firm and predictable touch.\n"
                    "• Fewer people holding and handling your baby.\n"
                    "• Breaks and quiet time during the day.\n"
                    "• Avoid crowds.\n"
                    "• Swaddling or a sling can help.\n\n"
                    "Watch for signs that your baby has had enough, such as looking away, "
                    "jerky movements, clenched fists or fussing, and give a break when you see "
                    "them."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "calm, calming, help, what helps, quiet, dim, dark room, television, radio, "
                    "background noise, fewer people, visitors, passing around, crowds, shops, too "
                    "many people, people around, swaddle, swaddling, sling, carrier, predictable, "
                    "firm touch, break, quiet time"
                ),
            ),
            Question(
                key="therapy",
                # Translators: question button, at most 40 characters.
                label=N_("When can occupational therapy help?"),
                # Translators: source: CONTENT.md, The service: suomi.fi service
                # abd8a0c8-fae1-42bb-ad52-a3b32bd7374a; hel.fi service description 5541
                answer=N_(
                    "<b>When occupational therapy can help</b>\n\n"
                    "The occupational therapist guides parents when a baby cries a lot, has "
                    "trouble eating or sleeping, or is oversensitive to sensations. The "
                    "assessment can look, for example, at how your baby processes "
                    "sensations.\n\n"
                    "• A referral from the maternity clinic or the child health clinic is "
                    "needed.\n"
                    "• There are usually 2–3 visits. A parent or another adult important to your "
                    "child comes to the first one.\n"
                    "• The service is for families who live in Helsinki, in Finnish, Swedish "
                    "and English."
                ),
                # Translators: words parents type for this question, comma-separated; write
                # them in your language, any inflected forms and common misspellings welcome;
                # short phrases match when all their words occur.
                keywords=N_(
                    "when to worry, worried, worry, who can help, get help, professional, expert, "
                    "sensory processing"
                ),
            ),
        ),
    ),
)

# Translators: added after every advice answer. HTML: keep <b></b>.
SAFETY_NET = N_(
    "<b>When to get help</b>\n"
    "If you are unsure, call the Medical Helpline 116 117 (free, around the clock). In an "
    "emergency, call 112.\n"
    "A fever of 38 °C or more in a baby under 3 months: call 116 117 at once (born early, "
    "under 3 months by corrected age: go straight to the children's emergency).\n"
    "This is general guidance: the child health clinic or your therapist knows your child."
)

# Translators: added after the safety net of an advice answer. HTML: keep <b></b>.
NEXT_STEP = N_(
    "<b>Next step</b>\n"
    "If you are worried, talk to the public health nurse at your child health clinic. The "
    "clinic can make a referral to occupational therapy when needed.\n"
    "Child health clinic phone service: 09 310 55530 (Mon–Fri 8–14)."
)

URGENT_SIGNS: tuple[UrgentSign, ...] = (
    UrgentSign(
        "fever",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "fever, fevers, feverish, high temperature, has a temperature, running a temperature, "
            "temperature of 38, temperature of 39, temp of 38, temp of 39, temp 38, temp 39, 38 "
            "degrees, 39 degrees, 38c, 39c, thermometer says, hot forehead, burning up"
        ),
    ),
    UrgentSign(
        "breathing",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "not breathing, not breathing properly, isn't breathing properly, stops breathing, "
            "stopped breathing, pausing breathing, pauses breathing, pauses in breathing, "
            "struggling to breathe, difficulty breathing, breathing difficulty, trouble "
            "breathing, laboured breathing, noisy breathing, breathing is "
            "noisy, breathing really fast, grunting, gasping for air, gasping for breath, drawing "
            "in under the ribs, ribs sucking in, ribs sucking, ribs pulling in, sucks in under "
            "ribs, too breathless to feed"
        ),
    ),
    UrgentSign(
        "colour",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "blue lips, lips blue, lips look blue, lips go blue, lips turning blue, bluish lips, "
            "lips bluish, lips look bluish, turning blue, turned blue, went blue, blue face, blue "
            "around the mouth, pale skin, very pale, grey skin, mottled skin, skin mottled, skin "
            "feels cold, skin cold to touch, cold and clammy"
        ),
    ),
    UrgentSign(
        "floppy",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "floppy, limp, lifeless, unresponsive, doesn't respond, won't respond, not "
            "responding, hard to wake, difficult to wake, impossible to wake, unable to wake, "
            "won't wake up, unusually sleepy, too sleepy to feed, very drowsy, high-pitched cry, "
            "shrill cry, weak cry, cry sounds unusual, cry sounds strange"
        ),
    ),
    UrgentSign(
        "fit",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "seizure, seizures, fit, having a fit, convulsion, convulsions, convulsing, "
            "convulsed, epileptic, febrile fit, eyes rolling, eyes rolled back, went stiff, goes "
            "stiff, stiff and shaking, stiff and jerking, arms jerking, legs jerking, arm "
            "jerking, leg jerking, arms twitching, legs twitching, jerking all over, shaking all "
            "over, rhythmic jerking"
        ),
    ),
    UrgentSign(
        "rash",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "rash not fading, rash does not fade, rash doesn't fade, rash won't fade, rash "
            "doesn't go away when pressed, rash does not go away when pressed, non-fading rash, "
            "rash under a glass, glass test, fade when pressed, spots do not fade"
        ),
    ),
    UrgentSign(
        "fontanelle",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "bulging soft spot, soft spot bulging, bulging fontanelle, fontanelle bulging, "
            "swollen soft spot, raised soft spot, tense soft spot"
        ),
    ),
    UrgentSign(
        "vomit",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "green vomit, bloody vomit, blood in vomit, vomiting blood, vomits blood, vomiting "
            "green, vomits green, green sick, threw up green, throwing up green, throws up green, "
            "threw up something green, throwing up blood, threw up blood, blood in sick, blood in "
            "his sick, blood in her sick, spit up blood"
        ),
    ),
    UrgentSign(
        "dehydration",
        # Translators: words for an urgent sign (CONTENT.md, Urgent signs); make them
        # specific, so that ordinary worries do not match.
        N_(
            "dehydrated, dehydration, no wet nappy, no wet nappies, no wet diaper, no wet "
            "diapers, only one wet nappy, only one wet diaper, dry nappy, dry nappies, dry "
            "diaper, dry diapers, nappy has been dry, diaper has been dry, dry mouth, mouth is "
            "dry, sunken soft spot, sunken fontanelle, not peeing, not weeing, hasn't peed, "
            "drinks less than half, feeds less than half, refuses all feeds"
        ),
    ),
)

# Translators: the first message when a parent's text mentions an urgent sign. HTML: keep
# <b></b>.
URGENT_ANSWER = N_(
    "<b>This may need care now.</b>\n\n"
    "Call 112 now if your baby:\n"
    "• has trouble breathing: grunting, pauses, drawing in under the ribs, too breathless "
    "to feed\n"
    "• has blue lips, or pale, mottled or cold skin\n"
    "• is floppy, very sleepy or hard to wake, or has a weak, high-pitched or unusual cry\n"
    "• has a fit, a rash that does not fade when pressed, or a bulging soft spot\n"
    "• vomits green or blood\n"
    "• seems dehydrated: no wet nappy in about 8 hours, a dry mouth, a sunken soft spot, or "
    "takes less than half of the usual feeds\n\n"
    "If you are unsure, call the Medical Helpline 116 117 (free, around the clock).\n\n"
    "A fever of 38 °C or more in a baby under 3 months: call 116 117 at once. If a baby born "
    "early (under 3 months by corrected age) has a fever, go straight to the children's "
    "emergency: New Children's Hospital, Stenbäckinkatu 9."
)

# Translators: told in a case's topic, in the staff language, when a linked family's message
# holds an urgent sign and the bot has answered the family with the urgent screen.
STAFF_URGENT_NOTICE = N_(
    "⚠️ The family's message may describe an urgent sign. The bot showed them at once when "
    "to call 112 and the Medical Helpline 116 117."
)

EXHAUSTED = UrgentSign(
    "exhausted",
    # Translators: words of a parent at the end of their strength or afraid of hurting the
    # baby; make them specific, so that ordinary worries do not match.
    N_(
        "can't take it, cannot take it, cant take it, can't take the crying, cant take the "
        "crying, can't take any more, can't cope, cannot cope, cant cope, can't do this, cannot "
        "do this, can't function, at the end of my rope, end of my tether, at my limit, "
        "exhausted, about to snap, breaking point, breaking down, afraid i'll hurt, scared i'll "
        "hurt, afraid i will hurt, scared i will hurt, afraid i might hurt, scared i might hurt, "
        "going to hurt her, going to hurt him, going to hurt the baby, afraid of hurting, scared "
        "of hurting, might hurt, want to hurt, shake the baby, shake my baby, shake him, shake "
        "her, shaking the baby, shook the baby, shook him, shook her, shaken baby, lose my "
        "temper, losing my temper, lost my temper, losing my mind, lose it with, losing it, about "
        "to lose it, don't trust myself"
    ),
)

# Translators: answer to typed text that matches no advice topic; the topic buttons follow.
NOTHING_FOUND = N_(
    "Sorry, I did not find advice on that. The topics I can help with are below.\n\n"
    "For other questions about your child's health, you can call Helsinki health advice, "
    "every day around the clock: 09 310 10023."
)

# Translators: a line above 2–3 topic buttons when typed text could mean more than one topic.
UNSURE = N_("Did you mean one of these?")

# Translators: the baby advice menu page, above the topic buttons. HTML: keep <b></b>.
ADVICE_INTRO = N_(
    "<b>Baby advice</b>\n\n"
    "Choose a topic, or write your question in your own words. The advice is general "
    "guidance, not a diagnosis."
)
