"""Promotion: selling posts get the label; education and service notices do not."""

from __future__ import annotations

import pytest

from bedside.guard.context import Context
from bedside.guard.normalize import normalize
from bedside.guard.promotion import check_promotion

POST = Context(kind="post", account="practice")

# Fresh sentences in messier language and other specialties.
PROMOTIONAL = [
    "now taking new pts!! book ur appt online today 🦷",
    "Botox Tuesdays are back 💉 $10/unit, DM us to book",
    "we have a few openings left this week for cleanings - call us to schedule",
    "Introducing our new teen acne clinic! Link in bio to request an appointment",
    "Holiday special: 15% off all chemical peels, book now",
    "Dr. Ruiz is now accepting new patients at our Eastside office. Schedule online.",
    "Refer a friend and you both get a free whitening kit! Details at smileco.example/refer",
    "Spots are filling up fast for sports physicals, grab a slot before Aug 1",
    "excited to announce we now offer ketamine-assisted therapy. call to book a consult",
    "same-day appointments available for sick kids, call by 10am and we'll get you in",
]
NOT_PROMOTIONAL = [
    "Fever in a baby under 3 months is always worth a call to your pediatrician.",
    "Office closed Monday for Memorial Day. For emergencies dial 911.",
    "Flossing tip: curve the floss around each tooth in a C shape.",
    "did u know sunscreen expires? check the date before beach season",
    "Our lab now opens at 7am so you can get fasting bloodwork done before work.",
    "Welcome Dr. Chen to the team! She loves treating kids with eczema.",
    "Join our nurse for a free car-seat check at the fire station Saturday. No sign-up needed.",
    "If you notice a mole changing shape or color, see a dermatologist.",
    "Forms for camp physicals are on our website under Resources.",
    "Scam alert: we will never text you asking for card numbers. Call us if unsure.",
]

# Messier posts across specialties (derm, dental, peds, OB, ortho, optometry, chiro, medspa),
# written before the cue vocabulary was broadened: retail, stock, slang CTAs, offers, results.
MESSY_PROMOTIONAL = [
    "shop now at the front desk 🛍️ our fave spf is back in stock",
    "new skincare line just dropped!! come grab urs before they're gone",
    "restocked our hydrating serum, pick one up at ur next appt",
    "lash serum now in stock - $45, limited qty",
    "our online shop is live!! link in bio",
    "teeth whitening kits on sale this wk only 🦷✨",
    "still have a couple appts open fri for invisalign consults, msg us",
    "text us 2 book ur back-to-school eye exam 👓",
    "new patients get a free adjustment this month!! 🙌",
    "hydrafacial + dermaplane combo for $150 🔥",
    "accepting new OB pts, come meet our midwives - call the office",
    "get ur kiddo in b4 school starts, sports physicals $25",
    "pre-book ur filler touch up & save 10%",
    "now carrying blue light glasses in the optical shop, stop in",
    "limited spots for our spring lip filler event, reserve urs!",
    "treat urself 💆‍♀️ gift cards available at the front desk",
    "our vip club gets u monthly facials + 15% off products",
    "ur FSA $$ expires dec 31!! use it on glasses or contacts, book online",
    "we're open saturdays now!! walk ins welcome for adjustments",
    "try our new cryo facial, first one's on us",
    "new location alert 📍 our 2nd office opens in eastgate next month, now booking",
    "ask about our in-house dental savings plan, no insurance needed!",
    "sign up 4 our newsletter & get 10% off ur first product order",
    "invisalign open house thurs 5-7pm, free consults + snacks, rsvp via link",
    "pick up our new tinted spf in the office, it's selling out fast",
    "msg us to set up ur first visit, we take most insurances",
    "restock alert!! our best selling vitamin c serum is back, grab it while u can",
    "holiday gift sets now available in our boutique 🎁",
    "2 openings left tmrw for adjustments, first come first served",
    "botox + filler night next thurs, rsvp in our dms 💉",
    "order ur refills of our house moisturizer online, link in bio",
    "kids eye exams are covered by most plans, schedule b4 school!",
    "Before/after of her rosacea after 3 IPL sessions 😍 results like these are typical!",
    "this cream will completely erase ur wrinkles in 2 wks",
    # txt-speak shapes: keyword lead magnets, links after a domain, walk-in days, speed of access,
    # event freebies, reposted ratings
    "comment 'RUN' below and ill send u my 5k training plan",
    'msg us "HIPS" for our hip mobility guide 📩',
    "twisted an ankle? get seen today. coastortho.example/book",
    "skip the urgent care wait ⏱️ same day sprain appts → harborortho.example/appointments",
    "walk-ins ok saturdays for sports physicals, $30 cash",
    "walk-in mornings all summer for camp forms!! $35, book ahead at our site",
    "health fair sat!! free t-shirts + raffle prizes for the kids, bring the whole family",
    "open house next thurs: giveaways, snacks, meet our PTs. tell ur friends!!",
    "⭐⭐⭐⭐⭐ from another happy patient 💙 'the whole team was amazing'",
    "slide into our dms to grab a spot at the knee clinic",
    "book ahead online at coastortho.example",
    "childbirth class registration is open 🤰 details on our site",
    "bookings open for feb, grab one while u can",
    "appts r open this wk for med mgmt, msg the office",
    "now seeing new pts for anxiety + adhd, telehealth avail statewide",
    "postpartum group starts tues, sign up thru the portal",
    # hours that come back, telehealth, awards and superlatives, forfeits, handed-out freebies
    "evening hours start monday 🌙 walk in or reserve ur place in line online",
    "virtual visits now available for rashes + pink eye, call us to set one up",
    "#1 rated pediatric dentist in the tri-county area 🏆",
    "named best chiropractor in Maple Grove 2 yrs in a row",
    "x-rays in under 15 min or ur visit's on us",
    "walk-in flu shot fridays, $20 cash",
    "stop by our booth at the county fair & grab a free sunscreen sample",
    "download our app to skip the line",
    # free offers with two words before the service, consults open, cancellations, dm me fast
    "every case is diff tho - we do FREE virtual BA consults if u want a real plan 💕 link in bio",
    "deep plane done right. fall consults open, DM us!",
    "a couple june cancellations just opened, dm me FAST",
    "same-day virtual consults, book at sierravistaplastics.example",
    "✨ 0% financing on mommy makeovers ✨ dm us",
    "GLP-1s + our coaching = PERMANENT weight loss 💪 dm us to start",
]
MESSY_NOT_PROMOTIONAL = [
    # a walk-in day alone is a notice, not a sale
    "walk-in mornings all summer for camp forms!!",
    "call ur doctor if ur rash spreads fast or u get a fever",
    "pro tip: reapply spf every 2 hrs at the beach ☀️",
    "if ur kid has a fever over 104 call us or go to the ER",
    "office closed tmrw for the holiday, nurse line still open",
    "our phones are down this am, pls use the portal for msgs",
    "chiro tip: ur phone is heavier on ur neck than u think, hold it at eye level",
    "reminder: bring ur insurance card & a list of meds to every visit",
    "wine and meds don't mix, esp w/ sleep aids. ask ur pharmacist",
    "myth: u can't get pregnant while breastfeeding. fact: u totally can",
    "this cream literally cures acne, no joke",
    "dr patel is out next wk, dr lee is covering her pts",
    "don't buy skincare from tiktok ads, most of it is junk",
    "if ur chest pain is new or worse, call 911 not us",
    "back from a wk in tulum w/ the fam, kids learned to snorkel 🐠",
    "sunburned? cool compresses & aloe, call us if u blister a lot",
    "a shout out to our front desk crew who handled the snow day like champs",
    "u don't need expensive skincare. cleanser, moisturizer, spf. done",
    "wash hands before and after meals, esp w/ little kids",
    "Our lab results portal is down until noon, sorry!",
    "camping this summer? pack bug spray w/ deet and check for ticks after",
    "half my group chat is in my DMs about the game lol go outside",
    "my DMs are full of ppl asking about creatine. heres the evidence:",
    "if u cant bear weight, get seen today, dont wait it out",
    "skip the ER for a simple cold, call ur pediatrician's nurse line",
    "the walk-in clinic on 5th is fine for a UTI, save the ER for emergencies",
    "walk-in hours change next week: mon-fri 8-5",
    "free car seat checks at the fire station saturday, no appointment needed",
    "tell ur friends about safe sleep: alone, back, crib",
    "we're seeing new patients with long covid every week, here's what helps",
    "register to vote by oct 7, it takes 2 min",
    "my DMs are open for med students w/ questions about applying to OB",
    "⭐⭐⭐⭐ for this new podcast on perinatal mental health",
    "we hear this all the time: 'i should handle this on my own'. u dont have to",
    "now hiring a front desk coordinator! competitive pay + free teeth whitening for staff. "
    "send ur resume to jobs@smileco.example",
    "best practices for hand hygiene in clinic: a quick refresher",
    "happy nurses week to the best team in town 💙",
    "that's on us, we're sorry the wait was so long",
    "walk-in clinic fridays are cancelled this month due to staffing",
    "Happy Doctors Day to the best docs in town!",
    "grab a free flu shot at any pharmacy with ur insurance card",
    # pricing and financing as a job description, a quoted slogan, a reference link
    "meet Luis, our coordinator! he walks every pt thru pricing + financing options",
    "the guy from the 'HURT IN A CRASH? CALL NOW' lawyer ads came in today 👀",
    "the results of the vote are open to interpretation lol",
    "tirzepatide and the pill: details at cdc.gov/contraception",
    # a fundraiser link and a forms page are not a sale
    "pls share 💔 her family is struggling. gofundme.example/help-baby-k every $5 helps",
    "our patient forms come in español now too. download at sageclinic.example/forms",
]


@pytest.mark.parametrize("text", PROMOTIONAL + MESSY_PROMOTIONAL)
def test_selling_posts_are_promotional(text: str) -> None:
    findings, promotional = check_promotion(normalize(text), POST)
    assert promotional
    assert findings and all(f.category == "promotion" and f.severity == "info" for f in findings)
    for f in findings:
        assert text[f.start:f.end] == f.excerpt


@pytest.mark.parametrize("text", NOT_PROMOTIONAL + MESSY_NOT_PROMOTIONAL)
def test_useful_posts_are_not_promotional(text: str) -> None:
    findings, promotional = check_promotion(normalize(text), POST)
    assert not promotional and findings == []


def test_booking_cue_span_points_at_original_text() -> None:
    text = "Spring cleanings: b o o k now at smileco.example"
    findings, promotional = check_promotion(normalize(text), POST)
    assert promotional
    assert any(text[f.start:f.end] == "b o o k now" for f in findings)


def test_reply_needs_more_than_a_scheduling_nudge() -> None:
    reply = Context(kind="reply", account="practice")
    text = "Sorry about the wait. Please schedule a longer appointment next time."
    assert check_promotion(normalize(text), reply)[1] is False
    assert check_promotion(normalize(text), POST)[1] is True


def test_educational_cues_can_outweigh_a_single_selling_cue() -> None:
    text = "Did you know? Guidelines recommend screening at 45. Symptoms aren't required. Call us."
    assert check_promotion(normalize(text), POST)[1] is False


@pytest.mark.parametrize(
    ("text", "rule", "excerpt"),
    [
        ("shop now at the front desk", "promotion.retail", "shop now"),
        ("our online shop is live", "promotion.retail", "online shop"),
        ("serum back in stock, pick one up at checkout", "promotion.retail", "back in stock"),
        ("msg us to set up ur first visit", "promotion.booking", "msg us to set up"),
        ("results like these are typical, u could be next", "promotion.showcase",
         "results like these"),
        ("new skincare line is here!", "promotion.new_service", "skincare line"),
        ("pre-book ur touch up and save 10%", "promotion.offer", "save 10%"),
    ],
)
def test_new_cue_families_point_at_their_phrase(text: str, rule: str, excerpt: str) -> None:
    findings, promotional = check_promotion(normalize(text), POST)
    assert promotional
    assert excerpt in [text[f.start:f.end] for f in findings if f.rule == rule]


@pytest.mark.parametrize(
    ("text", "rule", "excerpt"),
    [
        ("book at coastortho.example/book", "promotion.booking", "book"),
        ("dm me 'ACL' for the return-to-run pdf", "promotion.booking", "dm me 'ACL' for"),
        ("rsvp in our dms!", "promotion.contact", "in our dms"),
        ("same day sports injury appts", "promotion.availability", "same day sports injury appts"),
        ("free backpacks for every kiddo", "promotion.offer", "free backpacks"),
        ("★★★★★ 'so kind' #happypatients", "promotion.showcase", "★★★★★"),
    ],
)
def test_txt_speak_cues_point_at_their_phrase(text: str, rule: str, excerpt: str) -> None:
    findings, _ = check_promotion(normalize(text), POST)
    assert excerpt in [text[f.start:f.end] for f in findings if f.rule == rule]


def test_star_ratings_sell_only_for_the_practice() -> None:
    text = "⭐⭐⭐⭐⭐ would recommend this audiobook on sleep science"
    assert check_promotion(normalize(text), Context(kind="post", account="personal"))[1] is False


def test_showcasing_needs_results_talk_not_look_alikes() -> None:
    # A booking cue makes each post promotional, so the findings list is what tells them apart.
    for text in ("Our digital transformation brings a new portal. Book now!",
                 "wash hands before and after meals. Book now!"):
        findings, promotional = check_promotion(normalize(text), POST)
        assert promotional
        assert {f.rule for f in findings} == {"promotion.booking"}
    findings, _ = check_promotion(normalize("before & after pics! Book now!"), POST)
    assert "promotion.showcase" in {f.rule for f in findings}


def test_a_case_before_after_on_a_personal_account_is_not_an_advert() -> None:
    # On the practice's account it leans promotional: one more cue (a price) makes it an advert.
    # Alone it shows one case there too (messy sets cardio hcv-061, plastics hps-042).
    text = "before/after of a patient's psoriasis after 12 wks on a biologic, she ok'd sharing"
    assert check_promotion(normalize(text), Context(kind="post", account="personal"))[1] is False
    assert check_promotion(normalize(text), POST)[1] is False
    priced = text + ". biologic visits $40"
    assert check_promotion(normalize(priced), Context(kind="post", account="personal"))[1] is False
    assert check_promotion(normalize(priced), POST)[1] is True
