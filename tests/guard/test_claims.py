"""Risky advertising claims: each family flags the claim and leaves look-alike speech alone."""

from __future__ import annotations

import pytest

from bedside.guard.claims import check_claims
from bedside.guard.context import Context
from bedside.guard.findings import Finding
from bedside.guard.normalize import normalize

PRACTICE = Context(account="practice")


def _flagged(text: str, context: Context = PRACTICE) -> list[Finding]:
    """Claims findings at warn or block (what a reviewer must act on)."""
    return [f for f in check_claims(normalize(text), context) if f.severity != "info"]


# (text, rule id expected, excerpt the span must cover). Fresh sentences in messy styles across
# specialties, not corpus lines.
TRUE = [
    ("Get a $10 gift card when you leave us a 5-star review!", "claims.review_incentive",
     "Get a $10 gift card when you leave us a 5-star review"),
    ("Kills 99.9% of germs", "claims.efficacy", "Kills 99.9%"),
    ("our whitening is guarenteed to give u a hollywood smile", "claims.guarantee", "guarenteed"),
    ("Results GUARANTEED or your money back!!", "claims.guarantee", "GUARANTEED"),
    ("we promise you'll love your new nose", "claims.guarantee", "we promise you"),
    ("100 percent success with our implants", "claims.guarantee", "100 percent success"),
    ("this cream cures eczema for good", "claims.cure", "cures"),
    ("tms permanently fixes depression", "claims.cure", "permanently fixes"),
    ("our protocol can reverse type 2 diabetes in 90 days", "claims.cure",
     "reverse type 2 diabetes"),
    ("get rid of acne forever w/ our peel", "claims.cure", "get rid of acne forever"),
    ("braces are totally painless now!!", "claims.absolute_safety", "painless"),
    ("zero downtime, zero side effects 🙌", "claims.absolute_safety", "zero downtime"),
    ("the procedure is completely safe for everyone", "claims.absolute_safety", "completely safe"),
    ("risk free lasik consults", "claims.absolute_safety", "risk free"),
    ("Dr. Kim is the best plastic surgeon in Austin", "claims.superlative", "best plastic surgeon"),
    ("voted #1 pediatric practice in the county", "claims.superlative", "voted #1"),
    ("we're the top rated med spa around", "claims.superlative", "we're the top"),
    ("world class smiles, every time", "claims.superlative", "world class"),
    ("our laser works better than other clinics' lasers", "claims.comparative",
     "better than other clinics"),
    ("unlike most dentists, we actually listen", "claims.comparative", "unlike most dentists"),
    ("results like these are typical for our patients", "claims.testimonial",
     "results like these are typical"),
    ("before & after pics from last month 😍 this could be u!", "claims.testimonial",
     "before & after"),
    ("you could be our next success story", "claims.testimonial", "you could be our next"),
    ("Sarah's 3-month transformation!!", "claims.testimonial", "transformation"),
    ("a miracle serum for dark spots", "claims.miracle", "miracle"),
    ("leave us a 5 star review and get 10% off your next visit", "claims.review_incentive",
     "leave us a 5 star review and get"),
    ("we'll waive your copay this month", "claims.copay_waiver", "waive your copay"),
    ("boost your immunity with our vitamin drip", "claims.efficacy", "boost your immunity"),
    ("look 10 years younger after one session", "claims.efficacy", "look 10 years younger"),
    ("works for 90% of patients", "claims.efficacy", "works for 90% of"),
    ("ask about board eligible surgeons", "claims.credential", "board eligible"),
    # messier, other specialties
    ("guaranteed clear skin in 30 days or ur $ back", "claims.guarantee", "guaranteed"),
    ("our adjustments cure migraines, no meds needed", "claims.cure", "cure"),
    ("best derm in the valley, hands down 🙌", "claims.superlative", "best derm"),
    ("safest lasik in town", "claims.superlative", "safest lasik in town"),
    ("our lasers r the most advanced in the state", "claims.superlative",
     "most advanced in the state"),
    ("botox w/ zero bruising, zero pain", "claims.absolute_safety", "zero pain"),
    ("way better than drugstore retinol 💯", "claims.comparative", "better than drugstore retinol"),
    ("safer than any other hair removal out there", "claims.comparative", "safer than any other"),
    ("this serum literally reverses aging", "claims.cure", "reverses aging"),
    ("acne gone for good after 1 round 😍", "claims.cure", "gone for good"),
    ("the only chiro in town who fixes scoliosis", "claims.superlative",
     "the only chiro in town who"),
    ("results like hers are totally normal here 😍", "claims.testimonial",
     "results like hers are totally normal"),
    ("leave a google review & get a free lash serum", "claims.review_incentive",
     "leave a google review & get"),
    ("we cover ur copay for all new pts", "claims.copay_waiver", "we cover ur copay"),
    ("ur kid will never get another cavity w/ our sealants", "claims.efficacy",
     "ur kid will never get another cavity"),
    ("no side effects whatsoever w/ our natural hormone pellets", "claims.absolute_safety",
     "no side effects"),
    ("melt belly fat w/o surgery in 3 sessions", "claims.efficacy", "melt belly fat"),
    # exclusivity, "100% natural", results for everyone, comparisons with a gap before "than",
    # vivid promised outcomes, testimonials presented as typical
    ("our shockwave program is the only proven fix for heel pain", "claims.superlative",
     "the only proven fix"),
    ("allergy shots = the ONLY real cure for hay fever", "claims.superlative",
     "the ONLY real cure"),
    ("nothing else on the market even comes close to our orthotics", "claims.superlative",
     "nothing else on the market even comes close"),
    ("no other treatment works like ours for frozen shoulder", "claims.superlative",
     "no other treatment works like ours"),
    ("100% natural relief, no pills no needles 🌿", "claims.absolute_safety", "100% natural"),
    ("we get kids back on the field sooner than anyone else in the valley",
     "claims.comparative", "sooner than anyone"),
    ("scope pts hurt less than at any other clinic in the county", "claims.comparative",
     "less than at any other clinic"),
    ("our laser clears toenail fungus every single time", "claims.efficacy",
     "clears toenail fungus every single time"),
    ("this brace works. every. time.", "claims.efficacy", "works. every. time"),
    ("weve never had a single re-tear after our cuff repairs", "claims.efficacy",
     "weve never had a single re-tear"),
    ("zero ankle sprains since we started my team on this warmup", "claims.efficacy",
     "zero ankle sprains since we"),
    ("my runners all come back faster than before the stress fx", "claims.efficacy",
     "back faster than before"),
    ("6 wks of plyo and ur knees become bulletproof", "claims.efficacy", "become bulletproof"),
    ("injury-proof ur shoulders at our pitching clinic", "claims.efficacy", "injury-proof"),
    ("follow my mobility plan and you'll never need a hip replacement", "claims.efficacy",
     "follow my mobility plan and you'll never need"),
    ("★★★★★ 'my back pain is GONE' — we hear this all the time!", "claims.testimonial",
     "we hear this all the time"),
    ("'Dr. K fixed his reflux overnight' - that's what we do, every single day",
     "claims.testimonial", "that's what we do, every single day"),
    ("her knee replacement glow up 😍 6 months post op", "claims.testimonial", "glow up"),
    ("our TMS works for everyone, even when meds failed", "claims.efficacy", "works for everyone"),
    ("100% of our IVF pts get pregnant", "claims.guarantee", "100% of our IVF pts get"),
    # txt-speak possessives, detox talk, comparisons with other treatments and with the ER a few
    # words after "than", "best X on the market", "hands down"
    ("this drip boosts ur immune system before cold season", "claims.efficacy",
     "boosts ur immune"),
    ("our detox wrap flushes out toxins in one session", "claims.efficacy", "flushes out toxins"),
    ("our peel works better than lasers for melasma", "claims.comparative", "better than lasers"),
    ("elderberry prevents flu better than a flu shot", "claims.comparative",
     "better than a flu shot"),
    ("we get u stitched up faster than waiting all night at the hospital", "claims.comparative",
     "faster than waiting all night at the hospital"),
    ("same xray, half the wait 😉", "claims.comparative", "half the wait"),
    ("ngl our lash lift girl is hands down the best 💅", "claims.superlative", "hands down"),
    ("friendliest urgent care on the east side 😊", "claims.superlative",
     "friendliest urgent care"),
    ("best acne treatment on the market rn", "claims.superlative",
     "best acne treatment on the market"),
    # a service sold as a promised result
    ("a home birth w/ our doulas means ur baby will be smarter + calmer", "claims.efficacy",
     "means ur baby will be smarter"),
    ("one round of our peel and ur skin is brand new", "claims.efficacy", "ur skin is brand new"),
    # superlative + service + "in" + a region with modifiers
    ("best noses in the central valley, period 💅", "claims.superlative",
     "best noses in the central valley"),
    ("top lips in the whole bay area, come see", "claims.superlative",
     "top lips in the whole bay area"),
    # scar-free surgery and a lasting result promised to the reader
    ("deep plane done right = zero scars, happy clients", "claims.absolute_safety", "zero scars"),
    ("scarless lipo is HERE", "claims.absolute_safety", "scarless"),
    ("one balloon sinuplasty and u'll never need a nasal spray again", "claims.efficacy",
     "u'll never need a nasal spray again"),
    # specialists by name
    ("best cardiologist in fresno, hands down", "claims.superlative", "best cardiologist"),
    ("#1 ENT in the county 🏆", "claims.superlative", "#1 ENT"),
    ("most experienced heart surgeons around", "claims.superlative",
     "most experienced heart surgeons"),
    # nobody else measures up
    ("nobody in the Central Valley touches my results. Nobody.", "claims.superlative",
     "nobody in the Central Valley touches my results"),
    ("no one in town beats our outcomes", "claims.superlative",
     "no one in town beats our outcomes"),
    # comparative superiority with no "than", and a drug sold as the procedure
    ("our surgeons are BETTER and half the price 😎", "claims.comparative",
     "our surgeons are BETTER"),
    ("our injectors r way better, just saying", "claims.comparative", "our injectors r way better"),
    ("tirzepatide is bariatric surgery in a pen, the data is DONE", "claims.comparative",
     "surgery in a pen"),
    ("this serum is basically a facelift in a jar", "claims.comparative", "facelift in a jar"),
    # one result presented as typical
    ("results like this r just what we do every day here 💕", "claims.testimonial",
     "results like this r just what we do every day"),
    ("-86 lbs in 9 mo on our program. u could be next 👉", "claims.testimonial",
     "u could be next"),
]

FALSE = [
    "We read every review you leave us, thank you!",
    "masks block 95% of particles in lab tests",
    "We can't guarantee results, and anyone who does isn't being straight with you.",
    "there's no cure for eczema yet but good skin care helps a lot",
    "Researchers are still hoping for a cure.",
    "Most people have no side effects beyond a sore arm for a day.",
    "best practices for brushing: 2 min, twice a day",
    "Do your best to get 7 hours of sleep.",
    "The best way to prevent flu is the yearly shot.",
    "Best time to apply sunscreen is 15 minutes before you go out.",
    "Injuries are a leading cause of death in kids over 1.",
    "Two doses of MMR are about 97% effective.",
    "Walking after dinner is better than nothing!",
    "no procedure is risk-free, so we talk through risks first",
    "wash hands before and after meals",
    "Our digital transformation means a new patient portal next month.",
    "Join us for a free talk on blood pressure at the library.",
    "The shot might sting a bit but it's over fast.",
    "Kim makes the best banana bread in the building 🍌",
    "Fluoride varnish can help prevent cavities in kids.",
    "curing light for fillings is being replaced this week",
    "We reviewed the new guidelines on statins with the team.",
    # corpus convention: discounts, free offers, brands and deadlines alone are not claims
    "20% off all peels this month",
    "free consults for new pts!",
    "now offering botox thursdays",
    "Only 50 spots in our spring skin-check clinic",
    "no treatment works for everyone, let's talk options",
    "best way to prevent cavities? fluoride + flossing",
    "there's no cure for rosacea but we can manage flares",
    "pain free? not always. most ppl feel a pinch",
    "top 5 tips for healthy skin this winter",
    "there's no guarantee a cold sore won't return",
    "risks include bruising and swelling, we'll go over them",
    "the safest place for baby to sleep is on their back in a crib",
    # look-alikes of the families above
    "my post-residency glow up: 8 hrs of sleep and a water bottle",
    "@sam_runs ur marathon glow up is unreal, so proud of u",
    "the hpv vaccine is the only vaccine that prevents several cancers",
    "the only way to know for sure is an xray",
    "there's no single fix for back pain, and anyone selling one is lying",
    "kids bounce back faster than anyone expects after a buckle fracture",
    "teens sleep more on weekends than any other time, but it doesnt make up for the week",
    "wear ur helmet every time u ride. every. single. time.",
    "two identifiers every single time, no exceptions",
    "we had zero complaints about parking since we moved",
    "some athletes come back stronger than before after ACL surgery, many dont",
    "no warmup can make u injury-proof, but it can cut the risk",
    "we hear this question every day: does teething cause fever? not really",
    "if u skip ur PT, u wont get ur motion back",
    "girls tear their ACL more often than boys do",
    "better sleep helps more than any supplement",
    "no single treatment works for everyone",
    "therapy doesnt work for everyone and thats ok",
    "the only real solution to the staffing crisis is paying nurses more",
    "no one can match my toddler's energy at 6am",
    "labor goes faster than anyone tells u sometimes, have a plan",
    "⭐⭐⭐⭐ for this new podcast on perinatal mental health",
    # myth-busting, food, a choice set side by side, a brand naming a place, advice superlatives
    "your liver and kidneys already flush out toxins, skip the detox tea",
    "the best bbq in town is at my brother-in-law's place",
    "it's never 'treatment vs no risk', it's which risk",
    "the botox bar at the mall fixed nothing, she came to us",
    "hands down the best way to prevent skin cancer is shade + spf",
    "quitting smoking means your lungs will be healthier within weeks",
    "flu is spreading fastest in the county's middle schools, pls vaccinate",
    "an inhaler is safer than a trip to the ER at 2am, keep it refilled",
    "if u sleep more ur skin can look brand new by spring",
    "before & after of our nurse's 3 laser sessions. individual results vary",
    "best tacos in the central valley, fight me",
    "best practices from the ENT society for nosebleeds at home",
    "our cardiology team reads every EKG twice",
    "a mole shave can leave a scar; there's no scarless option, ask us what to expect",
    "if u quit now you'll never have to buy cigs again lol",
    "after a keloid, you may never have a scar-free ear, but we can help it fade",
    "best views in the whole bay area from that trail",
    "nobody ever touches my coffee mug",
    "no one on the team can match my work ethic lol",
    "our outcomes are better when you quit smoking first",
    "our results are better than ever this year thanks to the new protocol review",
    "surgery in a hospital is safer for people with sleep apnea",
    "there is no such thing as a facelift in a jar, skip the $200 cream",
    "you could be next in line at the pharmacy if u call ahead",
]


# Families that generalise to unseen practices (round 4: ENT, GI, cardiology, behavioural health
# and rural misses), written fresh in other specialties' wording.
TRUE += [
    # a placed superlative about a service, wait or clinician ("in" + any place name)
    ("shortest wait for an MRI in Tulsa, period", "claims.superlative",
     "shortest wait for an MRI in"),
    ("quickest way to a knee replacement in the Upstate 🏁", "claims.superlative",
     "quickest way to a knee replacement in"),
    ("come see the best nephrologists in Kalamazoo", "claims.superlative",
     "best nephrologists in"),
    ("the most trusted cataract surgery in Boise", "claims.superlative",
     "most trusted cataract surgery in"),
    ("top rated sleep studies around Fresno", "claims.superlative",
     "top rated sleep studies around"),
    # a place's best
    ("Tucson's best sleep medicine group is back", "claims.superlative",
     "Tucson's best sleep medicine group"),
    ("proud to be the valley's #1 urology group", "claims.superlative",
     "valley's #1 urology"),
    # our rate, the best anywhere
    ("our surgeons have the lowest infection rate in the state", "claims.superlative",
     "lowest infection rate in"),
    ("we post the highest patient satisfaction scores of any clinic", "claims.superlative",
     "highest patient satisfaction scores of any"),
    # nobody does it like us
    ("no one treats kidney stones like we do", "claims.superlative",
     "no one treats kidney stones like we do"),
    ("nobody reads a sleep study like Dr. Osei does", "claims.superlative",
     "nobody reads a sleep study like Dr. Osei does"),
    # the only one that really works
    ("the ONLY insoles that actually fix plantar fasciitis", "claims.superlative",
     "the ONLY insoles that actually fix"),
    ("a DEXA is the only scan that shows u ur real fracture risk", "claims.superlative",
     "the only scan that shows u ur real"),
    ("honestly the only allergy shot worth getting", "claims.superlative",
     "the only allergy shot worth getting"),
]

FALSE += [
    # superlatives that are advice, a time, a population or not about care
    "the best test in kids is a urine sample, not a bag",
    "the safest pain reliever in pregnancy is acetaminophen; ask us first",
    "best results in 6 weeks come from doing the exercises daily",
    "risk is highest in the first week after surgery",
    "how to find the best sleep lab in your area: check accreditation",
    "grandpa made the best fishing lures in the county",
    # statistics about others, not the practice
    "Mississippi has the highest obesity rate in the country (CDC 2023)",
    "teens have the highest crash rates of any age group",
    # possessives that are not a practice's superlative
    "every kid's favorite sticker is the dinosaur one",
    "heart disease is the nation's leading cause of death",
    # "nobody likes" and "like she did" are not comparisons
    "nobody likes colonoscopy prep, we get it",
    "no one should go through chemo alone like she did",
    # "the only way" is advice; a hedge before "only" is not a claim
    "the only way to know for sure is a biopsy",
    "it is not the only test that actually matters, ask about the others",
]

TRUE += [
    # results for everyone
    ("a septoplasty fixes mouth breathing in every patient", "claims.efficacy",
     "fixes mouth breathing in every patient"),
    ("this brace has worked on pretty much everyone I've fitted", "claims.efficacy",
     "worked on pretty much everyone"),
    ("PRP works better than cortisone for literally everyone", "claims.efficacy",
     "works better than cortisone for literally everyone"),
    ("our clinic gets 8 out of 10 smokers off cigarettes", "claims.efficacy",
     "gets 8 out of 10 smokers off"),
    ("our screening catches 100% of early cancers", "claims.efficacy", "catches 100%"),
    # promised outcome, in a set time or for good
    ("our program will have u migraine-free in just 6 weeks", "claims.efficacy",
     "migraine-free in just 6 weeks"),
    ("after ear tubes: no more ear infections, ever!", "claims.efficacy",
     "no more ear infections, ever"),
    ("we're gonna get ur reflux under control, promise", "claims.efficacy",
     "we're gonna get ur reflux under control"),
    ("join our program and you'll never be hospitalized for COPD again", "claims.efficacy",
     "you'll never be hospitalized for COPD again"),
    ("take our immune pack and u wont catch a single cold this year", "claims.efficacy",
     "u wont catch a single cold"),
    # cures as certain, for good
    ("fatty liver is totally reversible with our plan", "claims.cure", "totally reversible"),
    ("say goodbye to psoriasis flares for good", "claims.cure",
     "say goodbye to psoriasis flares for good"),
    # better than anything
    ("this cream works better for eczema than anything at the pharmacy", "claims.comparative",
     "better for eczema than anything"),
]

FALSE += [
    # everyone, but scheduling, advice or a hedge
    "we'll find a time that works for everyone in the family",
    "no treatment fixes snoring in every kid, so we check first",
    "tubes can help in every child with fluid that lasts 3+ months, ask us",
    "what worked for one patient may not work for every patient",
    "CDC: 9 out of 10 adults with prediabetes don't know they have it",
    "we try to catch every single polyp, which is why prep matters",
    # time and "no more", but not a promise
    "most people are symptom-free within 2 weeks, call if not",
    "no more appointments this week, sorry! book next week online",
    "retired!! no more night shifts, ever 🎉",
    "we'll get you scheduled this week",
    "we'll try to get ur pain under control before discharge",
    # curable said honestly
    "hep C is curable for most people with 8-12 weeks of pills",
    "it's not 100% curable, but it is very treatable",
    "if you stop in time you'll never need to be hospitalized again? not always true",
]

TRUE += [
    # the practice called the best, no place or source
    ("our sleep doctors are simply the best", "claims.superlative",
     "our sleep doctors are simply the best"),
    ("my retina surgeons r by far the #1 👁️", "claims.superlative",
     "my retina surgeons r by far the #1"),
    # beating everyone, beside our/we
    ("our results speak for themselves - nobody does hips better", "claims.comparative",
     "nobody does hips better"),
    ("nobody in the state beats our prices or our results", "claims.comparative",
     "nobody in the state beats our prices"),
    ("our patients recover twice as fast as at other hospitals", "claims.comparative",
     "twice as fast as at other hospitals"),
    ("our infection rates are way lower than the national average", "claims.comparative",
     "lower than the national average"),
    # our own numbers with no source
    ("our IVF success rate is 78%!!", "claims.efficacy", "our IVF success rate is 78%"),
    ("the safest way to lose weight is with our program", "claims.efficacy",
     "the safest way to lose weight is with our"),
    ("we've helped 100% of our couples conceive", "claims.efficacy",
     "helped 100% of our couples"),
    ("we've never had a single patient regret it", "claims.efficacy",
     "we've never had a single patient regret"),
    ("see results after just one session!", "claims.efficacy",
     "results after just one session"),
    ("ur knee will feel brand new after one shot", "claims.efficacy",
     "ur knee will feel brand new"),
    # for good, or with no need ever again
    ("with Inspire you'll be off your CPAP for good", "claims.efficacy",
     "be off your CPAP for good"),
    ("stem cells regrow cartilage, no surgery needed ever", "claims.efficacy",
     "no surgery needed ever"),
    # every patient's verdict, and safety for everyone
    ("this is what ALL our patients say after their first visit", "claims.testimonial",
     "ALL our patients say"),
    ("our laser is safe for all skin types", "claims.absolute_safety",
     "safe for all skin types"),
]

FALSE += [
    # appreciation, not an advert
    "our nurses are the best, happy nurses week 💙",
    "our patients are the best, thx for the cookies!!",
    # beating others, but personal, a statistic or cited
    "nobody does thanksgiving better than my aunt",
    "kids are twice as likely to get RSV in daycare",
    "our c-section rate is lower than the national average (2024 CMS data)",
    "our success rate was 62% in 2024 per SART",
    # numbers, ways and never that promise nothing
    "the best way to prevent flu is with a flu shot",
    "we help 100% of callers get a callback within a day",
    "we never have enough parking on mondays lol",
    "all our patients get a reminder text 2 days before",
    "results after one session vary a lot; most need 3",
    "your knee will feel sore after the shot for a day or two",
    "get off your phone for good before bed, ur sleep will thank u",
    # safety with its limit or a hedge
    "the flu shot is safe for everyone 6 months and older",
    "it's generally safe for everyone, but ask if you're pregnant",
]

TRUE += [
    # guarantees in other words
    ("satisfaction assured or we redo it free", "claims.guarantee", "satisfaction assured"),
    # safety absolutes in other words
    ("back to work same day with no recovery needed", "claims.absolute_safety",
     "no recovery needed"),
    ("u literally wont feel anything 🙌", "claims.absolute_safety", "wont feel anything"),
    # one result as what you can expect
    ("results like Maria's are what you can expect with us", "claims.testimonial",
     "results like Maria's are what you can expect"),
    # review incentives in other words
    ("tag us in a 5 star review and get a free lash tint", "claims.review_incentive",
     "tag us in a 5 star review and get a free"),
    ("review us on yelp to get 15% off ur next visit", "claims.review_incentive",
     "review us on yelp to get 15%"),
]

FALSE += [
    "tag us in ur posts to get featured on our page!",
    "review us on google and get the word out 💙",
    "the numbing means you won't feel anything sharp, just pressure",
    "so it doesn't come back, finish the whole course of antibiotics",
    "we ensure results are reviewed by a physician within 24h",
]

@pytest.mark.parametrize(("text", "rule", "excerpt"), TRUE)
def test_claim_is_flagged_with_span(text: str, rule: str, excerpt: str) -> None:
    found = [f for f in _flagged(text) if f.rule == rule]
    assert found, f"{rule} not found in {text!r}: {_flagged(text)}"
    f = found[0]
    assert text[f.start:f.end] == excerpt == f.excerpt
    assert f.category == "claims" and f.source and f.message and f.suggestion


@pytest.mark.parametrize("text", FALSE)
def test_plain_speech_is_not_a_claim(text: str) -> None:
    assert _flagged(text) == []


@pytest.mark.parametrize(
    ("rule", "text", "severity"),
    [
        ("claims.guarantee", "guaranteed results", "block"),
        ("claims.cure", "it cures migraines", "block"),
        ("claims.review_incentive", "post a review to win a gift card", "block"),
        ("claims.copay_waiver", "copays waived for new patients", "block"),
        ("claims.superlative", "best dentist in town", "warn"),
        ("claims.inducement", "20% off all facials", "info"),
        ("claims.urgency", "this week only!", "info"),
    ],
)
def test_severity_follows_the_lexicon_level(rule: str, text: str, severity: str) -> None:
    found = [f for f in check_claims(normalize(text), PRACTICE) if f.rule == rule]
    assert found and found[0].severity == severity


def test_brand_with_benefit_and_no_risk_lacks_fair_balance() -> None:
    text = "Wegovy helps you lose weight fast, DM us!"
    found = [f for f in _flagged(text) if f.rule == "claims.fair_balance"]
    assert found and text[found[0].start:found[0].end] == "Wegovy"


def test_brand_with_risk_information_is_balanced() -> None:
    text = "Wegovy can help with weight loss; side effects include nausea. Talk to your doctor."
    assert not [f for f in _flagged(text) if f.rule == "claims.fair_balance"]


def test_brand_named_without_benefit_is_not_flagged() -> None:
    assert not _flagged("Now offering Botox on Thursdays.")


def test_sponsored_post_needs_a_disclosure() -> None:
    text = "Thanks to GlowCo for sending these serums! Use my code DRJEN for 15% off"
    assert any(f.rule == "claims.undisclosed_sponsor" for f in _flagged(text))
    assert not any(f.rule == "claims.undisclosed_sponsor" for f in _flagged("#ad " + text))


def test_glow_up_in_a_reply_is_praise_not_a_testimonial() -> None:
    text = "omg ur shoulder rehab glow up 😭 keep it up"
    assert not _flagged(text, Context(kind="reply", account="practice"))
    assert _flagged("6 month shoulder rehab glow up 😭 book ur eval", PRACTICE)


def test_typical_result_wording_needs_praise_nearby() -> None:
    assert not _flagged("our nurses hear this every day: is a fever of 101 dangerous?")
    assert _flagged("'best doc ever, thank u!!' - we hear this every day 💙")


def test_claims_apply_on_personal_accounts_too() -> None:
    assert _flagged("keto cures diabetes. period.", Context(account="personal"))


def test_before_after_on_a_personal_account_needs_a_pitch() -> None:
    personal = Context(account="personal")
    assert not _flagged("before/after of a stubborn wart, 4 rounds of cryo. she said i could share",
                        personal)
    found = _flagged("before/after on my client's jawline, this could be u 😍", personal)
    assert [f.excerpt for f in found if f.rule == "claims.testimonial"] == ["before/after"]


def test_drug_brand_dropping_weight_lacks_fair_balance() -> None:
    text = "mounjaro drops the weight fast, now available here"
    found = [f for f in _flagged(text) if f.rule == "claims.fair_balance"]
    assert found and text[found[0].start:found[0].end] == "mounjaro"
    assert not _flagged("mounjaro drops the weight for many; nausea is common, ask ur doctor")
