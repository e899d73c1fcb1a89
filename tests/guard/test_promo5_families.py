"""Promotion, round 5: families of selling wording from other practices, and their look-alikes.

Fresh sentences across specialties (sleep, lasik, dental, PT, psych, ENT, allergy, imaging), in
the messy sets' styles, none copied from a set. Each selling line names the family's phrase.
"""

from __future__ import annotations

import pytest

from bedside.guard.claims import check_claims
from bedside.guard.context import Context, Practice
from bedside.guard.normalize import normalize
from bedside.guard.promotion import check_promotion

POST = Context(kind="post", account="practice")
PERSONAL = Context(kind="post", account="personal")
REPLY = Context(kind="reply", account="practice")

# (text, rule, excerpt): the post is promotional and the family's phrase is a finding of `rule`.
SELLING = [
    # a call/text/dm whose purpose is to start, to check candidacy, to get on a schedule
    ("call (555) 010-2200 to start ur sleep apnea eval 😴", "promotion.booking",
     "call (555) 010-2200 to start"),
    ("text us 2 see if ur a good candidate for lasik 👀", "promotion.booking",
     "text us 2 see if ur a good candidate"),
    ("Dr. Okafor joins us in March!! call 555-013-2200 to get on her schedule",
     "promotion.booking", "get on her schedule"),
    ("dm us to get on the waitlist for spring mommy makeover consults", "promotion.booking",
     "dm us to get on the waitlist"),
    ("ask the front desk to get on dr. kim's schedule for ur next derm check",
     "promotion.booking", "get on dr. kim's schedule"),
    # booking with a clinician, signing up for a visit, asking about a service at the next visit
    ("our new PT Marco is amazing, book w him online", "promotion.booking", "book w him"),
    ("sign up for your annual physical thru the portal, slots go fast", "promotion.booking",
     "sign up for your annual physical"),
    ("ask us abt our new allergy drops at ur next visit 🤧", "promotion.booking",
     "ask us abt our new allergy drops at ur next visit"),
    ("come let our PTs help u get back on the court 🏀", "promotion.booking",
     "come let our PTs help"),
    ("we take walk-ins for sprains + cuts till 8pm", "promotion.booking", "we take walk-ins"),
    # open and held slots, same-week access, new patients in txt-speak, insurance as a pitch
    ("i've got 4 open sedation slots friday, come get ur wisdom teeth out lol",
     "promotion.availability", "got 4 open sedation slots"),
    ("got a few open spots for new ADHD evals in feb", "promotion.availability",
     "got a few open spots"),
    ("we added saturday appts for back-to-school physicals!", "promotion.availability",
     "added saturday appts"),
    ("we see most new patients same-week 📅 (555) 011-4400", "promotion.availability",
     "we see most new patients same-week"),
    ("we do same wk ortho evals, call us", "promotion.availability", "same wk ortho evals"),
    ("now takin new pts again!! 🐾", "promotion.availability", "now takin new pts"),
    ("Dr. Ames is acceptin new patients starting june", "promotion.availability",
     "acceptin new patients"),
    ("couple openings fri afternoon for botox touch ups", "promotion.availability",
     "couple openings"),
    ("accepting most insurances incl medicaid 🙌", "promotion.availability",
     "accepting most insurances"),
    ("we're now in-network w/ aetna + cigna!!", "promotion.availability",
     "we're now in-network w/"),
    ("dms open for bookings ✨", "promotion.availability", "open for bookings"),
    # new services in other words
    ("video visits now 7 days a week for UTIs + pink eye", "promotion.new_service",
     "video visits now 7 days"),
    ("we're now doing in-office allergy testing!!", "promotion.new_service",
     "we're now doing in-office allergy"),
    ("open house at our new sleep center thurs 4-7, tours + snacks", "promotion.new_service",
     "our new sleep center"),
    # money back, specials, a price on a service
    ("whitening guaranteed or your money back 😁", "promotion.offer", "your money back"),
    ("$99 whitening special this month only", "promotion.offer", "$99 whitening special"),
    ("new patient special: exam + x-rays", "promotion.offer", "new patient special"),
    ("$50 sports physicals thru aug 🏈", "promotion.offer", "$50 sports physicals"),
    # two weaker cues together: access speed, referrals invited, one roof, a phone to call
    ("most pts get in within 48 hrs, call (555) 012-1000", "promotion.availability",
     "get in within 48 hrs"),
    ("shortest wait for an MRI in the valley. referrals 👉 imaging@ourclinic.example",
     "promotion.availability", "shortest wait"),
    ("shortest wait for an MRI in the valley. referrals 👉 imaging@ourclinic.example",
     "promotion.contact", "referrals 👉"),
    ("allergy, asthma + sinus care all under one roof. call (555) 010-4400",
     "promotion.showcase", "all under one roof"),
    ("Referring docs: send ur referrals to intake@ourclinic.example, we see consults same-week",
     "promotion.contact", "send ur referrals"),
]

# Not selling: public health, care anywhere, tips with links, jobs, thanks, notices, advice that
# shares a word with a family.
NOT_SELLING = [
    "get ur flu shot anywhere, pharmacy or here, just get it 💉",
    "covid boosters now available at most pharmacies, check vaccines.gov",
    "tip: most sprains feel better within a week. ice + rest. more: cdc.gov/sprains",
    "symptoms usually start within 2 days of exposure. stay home if ur sick",
    "ur kid's fever should break within 3 days, call if it doesnt",
    "tamiflu works best if started within 2 days. call us if ur unsure",
    "now hiring an MA!! competitive pay, send ur resume to jobs@ourclinic.example",
    "huge thanks to our front desk team for getting us thru the snowstorm 💙",
    "lost & found: someone left a blue umbrella in exam room 3, come grab it at the front desk",
    "found in our parking lot: a set of car keys w a red lanyard. call the office to pick them up",
    "thx to all our sponsors!! $8,200 raised for free mammograms in the county 🎀",
    "most knee scopes r same-day surgery, u go home the same afternoon",
    "we see a lot of next-day soreness after the tdap, totally normal",
    "you deserve to feel safe at home. the DV hotline is 1-800-799-7233",
    "ask your doctor about the hpv vaccine at your next visit, it prevents 6 cancers",
    "rsv shot for babies: talk to ur pediatrician about whether ur baby is a candidate",
    "before/after of a stubborn plantar wart after 4 rounds of cryo 🦶",
    "we are now doing rounds at the hospital, so replies may be slow",
    "ERs have the longest waits on mondays. if it's not an emergency, see ur pcp",
    "our new EHR goes live monday, pls be patient w us 🙏",
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), SELLING)
def test_selling_families_are_promotional(text: str, rule: str, excerpt: str) -> None:
    findings, promotional = check_promotion(normalize(text), POST)
    assert promotional
    assert excerpt in [f.excerpt for f in findings if f.rule == rule]
    for f in findings:
        assert text[f.start:f.end] == f.excerpt


@pytest.mark.parametrize("text", NOT_SELLING)
def test_look_alikes_are_not_promotional(text: str) -> None:
    findings, promotional = check_promotion(normalize(text), POST)
    assert not promotional and findings == []


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("Moved offices! book w/ me at Lakeside Pediatrics 😊", PERSONAL),
        ("i've got 3 open botox spots thurs, dm me 💉", PERSONAL),
        # a reply needs more: a booking link plus a skipped step
        ("yes! our direct-access program skips the referral, request one at "
         "ourclinic.example/scope", REPLY),
        ("still wheezing on ur inhaler? we see new pts same-week, book at ourclinic.example",
         REPLY),
    ],
)
def test_personal_accounts_and_replies_that_sell(text: str, context: Context) -> None:
    assert check_promotion(normalize(text), context)[1] is True


def test_insurance_answered_in_a_reply_is_service() -> None:
    text = "yes we accept most insurance plans, call the office w ur member id"
    assert check_promotion(normalize(text), REPLY)[1] is False
    assert check_promotion(normalize(text), POST)[1] is True


def test_a_lone_weak_cue_stays_below_the_threshold() -> None:
    # each counts 1: a practice's own before/after, an open house, "under one roof"
    for text in ("fave before + after of the month 😍 rhinoplasty, 6 months out",
                 "open house at the fire station sat, come learn hands-only CPR",
                 "PT, OT and speech all under one roof here"):
        findings, promotional = check_promotion(normalize(text), POST)
        assert not promotional and findings == []
    # with a second cue they sell
    assert check_promotion(normalize("PT, OT and speech all under one roof. call us"), POST)[1]


def test_a_before_after_is_a_claim_only_when_pitched() -> None:
    bare = "fave before/after of the wk 😍 tummy tuck, 4 months post op"
    assert not [f for f in check_claims(normalize(bare), POST) if f.rule == "claims.testimonial"]
    for pitched in (bare + ". this could be u!", bare + ". results like this every day 💪",
                    bare + ". book ur consult via link in bio"):
        found = [f for f in check_claims(normalize(pitched), POST)
                 if f.rule == "claims.testimonial"]
        assert [f.excerpt for f in found] == ["before/after"]
    # the typical-result note still clears it
    noted = bare + ". book ur consult, results vary"
    assert not [f for f in check_claims(normalize(noted), POST) if f.rule == "claims.testimonial"]


def test_a_referral_counts_only_when_it_names_the_practice() -> None:
    own = Context(kind="post", account="practice",
                  practice=Practice(name="Cedar Ridge Sleep & Lung"))
    text = "ur lungs deserve better 💙 ask ur pcp for a referral to Cedar Ridge"
    findings, promotional = check_promotion(normalize(text), own)
    assert promotional
    own_cues = [f.excerpt for f in findings if f.rule == "promotion.own_referral"]
    assert own_cues == ["referral to Cedar"]
    # another place, or a kind of care, is advice
    for other in ("ur lungs deserve better 💙 ask ur pcp for a referral to pulmonary rehab",
                  "ur lungs deserve better 💙 ask ur pcp for a referral to Mercy Hospital"):
        findings, promotional = check_promotion(normalize(other), own)
        assert not promotional and findings == []
