"""Voice: personal content (label, finding only on the practice account) and professionalism."""

from __future__ import annotations

import pytest

from bedside.guard.context import Context
from bedside.guard.normalize import normalize
from bedside.guard.voice import check_voice, quoted_spans

PRACTICE = Context(account="practice")
PERSONAL = Context(account="personal")

PERSONAL_POSTS = [
    "my son scored his first goal today!! proud dad moment",
    "Vacation mode 🌴 back in clinic on the 12th",
    "anyone else binge watch the whole season this weekend? no spoilers pls",
    "go packers!!! what a game",
    "Happy anniversary to my husband, 15 yrs 💕",
    "vote YES on prop 4 this tuesday, our schools need it",
    "our new puppy chewed my stethoscope 🐶",
    "ran my first half marathon this morning, legs = jelly",
    "Greetings from Lisbon! pastel de nata count: 6",
    "Sunday church then brunch with the fam, blessed",
]
NOT_PERSONAL = [
    "Fever in toddlers: watch the child, not the thermometer.",
    "Wash your dog after hikes too, ticks hitch rides on pets.",
    "Happy Halloween from our whole team! Reflective tape on costumes please 🎃",
    "Our patient celebrated her 80th birthday at her checkup today.",
    "Welcome our new PA, Maria, who loves sports medicine.",
    "Heat index is high: hydrate, and check on older neighbors.",
    "New study: daily walks lower blood pressure in older adults.",
    "Flu shots are in. Most people have only a sore arm.",
]

# Messier private-life posts and educational look-alikes, written before the vocabularies were
# broadened (slang, abbreviations, other specialties).
MESSY_PERSONAL = [
    "took the kids apple picking this weekend 🍎",
    "we're taking the kids to the lake for the long weekend",
    "back from a wk in tulum w/ the fam, kids learned to snorkel 🐠",
    "meet our new rescue pup, mochi 🐾 she already ate a shoe",
    "praying for our city tonight 🙏",
    "wine o'clock after a long clinic day 🍷",
    "new sourdough recipe, total fail lol",
    "hubs made me breakfast in bed for mother's day 🥹",
    "my lil one started kindergarten today, not crying u r",
    "date night w/ the wifey, first time out since the baby",
    "baked 3 dozen cookies for the pta bake sale, send help",
    "ran a 10k this am, new PR!! 🏃‍♀️",
    "caught the sunrise on my hike up camelback, worth the 5am alarm",
    "finished my first quilt!!! 6 months of work",
    "fantasy draft tonight, wish me luck",
    "just got back from disney w/ the kiddos, my feet hurt",
    "20 yrs w/ my hubby today ❤️ love u babe",
    "sunday mass then pancakes, perfect morning",
    "vote for prop 12 on tues!! our schools deserve better",
    "tried a new thai place downtown, pad see ew was 🔥",
    "garden update: tomatoes finally turning red 🍅",
    "my son's team won the championship!!! so proud",
    "bday dinner for my mom tonight, she's 70 & still beats me at tennis",
    "finally finished that 1000 piece puzzle 🧩",
    "girls trip to nashville!!! 🤠",
    "rooting for the chiefs sunday, who's w/ me?",
    "thanksgiving w/ the in-laws, pray for me 😅",
    "took the boat out on the lake, perfect day ⛵",
    "god is good. service this morning was beautiful",
    "adopted a kitten today!! her name is pickles",
    "margs on the patio after work, we earned it 🍹",
    "ski trip w/ the crew, only fell twice ⛷️",
    "long weekend at the lake house w/ my parents, zero emails 🙌",
    "new kitten alert 🐱 say hi to miso",
    "go dawgs!!! what a win",
    "happy easter from my family to yours ✝️ he is risen",
    "hiked 12 miles at zion, my calves are screaming",
    "we're expecting baby #3 in the fall 👶",
    "election day! I'm voting for our mayor's reelection, go vote",
]
# Slang shapes of the same families, written for the cue families added after two messier sets
# (outdoor slang and emoji, spouses and kids without the usual noun, holidays at home, postcards
# and time off, life events, advocacy).
SLANG_PERSONAL = [
    "limited out on walleye before sunrise, 3 keepers 🎣",
    "4 rainbow trout off the dock this am, back in scrubs by 9",
    "hubs & i knocked out 11 mi of the ridge trail sat 🥾",
    "squatted 275 this morning, legs are done #legday",
    "tide pooling w/ the twins at low tide, they found a sea star",
    "my youngest rode a bike w/o training wheels today!!",
    "my 7yo asked if my stethoscope can hear her thoughts",
    "celebrating 12 years w/ this man 💍 love u babe",
    "pumpkin carving at the okafor house, i lost the contest 🎃",
    "hosting thanksgiving this year, wish our oven luck",
    "dr m is away this week 🏝️ sending good vibes from kauai!",
    "RIP to my old jeep, 290k miles and never once clean",
    "call ur state senator today, school nurses can't wait. flood their phones",
    "closed on our first house!! moving day is sunday",
    "my teen informed me i am 'cringe' before 7am",
    "my 2nd grader lost a tooth in her sandwich",
    "im 31 wks myself and still on L&D nights, send snacks",
    "my maternity leave starts monday, see yall in the spring",
]
SLANG_NOT_PERSONAL = [
    "heads up fam: the parking lot is closed sat for repaving",
    "bring the whole fam to our free flu shot clinic this sat",
    "the Okafor fam dropped off cupcakes for the staff, so sweet of them",
    "sending love from all of us at the clinic 💙 stay warm",
    "we're off next week for thanksgiving, nurse line still open 24/7",
    "fishing hooks in fingers: here's why u shouldn't yank them out 🎣",
    "trail runners: ankle sprains are the #1 injury we see in summer",
    "the legislature passed the school nurse bill, here's what changes for ur kids",
    "my oldest patient today was 97 and walked a mile this morning",
    "his wife and i went over the discharge plan twice",
    "⭐⭐⭐⭐⭐ 'my husband and kids love this office!' thank u for the kind words",
    "2 salmon meals a week = omega-3s for growing brains",
    "moving day for our clinic! the new office opens monday",
    "prayers up for our patient who broke her femur, back on her feet soon 🙏",
    "Introducing our new teen acne clinic! request a visit online",
    "our teens are stressed about finals, here's how parents can help",
    "my labor and delivery rotation taught me more than any textbook",
    "community baby shower sat: free car seats + a safe sleep class",
    "she's 34 wks and doing great, those are braxton hicks",
]

MESSY_NOT_PERSONAL = [
    "Take the kids to get their flu shots this week!",
    "Taking your kids to the pool? sunscreen every 2 hrs!",
    "vacation tip: pack ur meds in ur carry-on, not checked bags ✈️",
    "traveling this summer? ask abt travel vaccines 4-6 wks before u go",
    "wine & some meds (like metronidazole) are a bad combo, ask ur pharmacist",
    "family hx of melanoma? get ur skin checked every yr",
    "'pray for the best, prepare for the worst' applies to hurricane season too, keep meds stocked",
    "dog bites on kids' faces are common, supervise pets around toddlers",
    "so proud of our team for passing our accreditation survey 🎉",
    "celebrating 10 yrs of our practice this month, thank u patients!",
    "had a pt today who hadn't seen a dentist in 20 yrs, now she's cavity free 💪",
    "chlorine + contacts = bad news. take them out before swimming 🏊",
    "marathon runners: don't overdrink water, hyponatremia is real",
    "happy mother's day to all the moms out there 💐",
    "gardening gloves save ur hands from contact dermatitis 🌿",
    "road trip safety: car seats should be rear-facing until at least age 2",
    "wine, beer or liquor, it all counts toward ur weekly limit",
    "hiking this wknd? tick check when u get home",
    "easter candy + braces = broken brackets, go easy",
    "happy hour drinks add up: 3 margs = ~900 calories",
    "new puppy in the house? wash hands after cleanup, esp kids",
    "skiing this winter? wear a helmet and wrist guards ⛷",
    "my rescue inhaler tip: keep one at school and one at home",
    # health fairs, care talk about a breed, a board meeting that is not a vote
    "come see us at the health fair booth saturday for free BP checks",
    "we'll be at the job fair tues hiring MAs, stop by",
    "golden retrievers are prone to skin allergies, ask ur vet abt fish oil",
    "school board approved the new sports physical form, grab it at the front desk",
    "ur BP was WAY better at ur recheck!! keep up them walks w the dogs 🐕🐕",
]


@pytest.mark.parametrize("text", PERSONAL_POSTS + MESSY_PERSONAL + SLANG_PERSONAL)
def test_private_life_is_personal_with_a_finding_on_the_practice_account(text: str) -> None:
    findings, personal = check_voice(normalize(text), PRACTICE)
    assert personal
    cues = [f for f in findings if f.category == "personal"]
    assert cues and all(f.severity == "warn" and text[f.start:f.end] == f.excerpt for f in cues)


@pytest.mark.parametrize("text", PERSONAL_POSTS + MESSY_PERSONAL + SLANG_PERSONAL)
def test_personal_account_gets_the_label_but_no_finding(text: str) -> None:
    findings, personal = check_voice(normalize(text), PERSONAL)
    assert personal
    assert not [f for f in findings if f.category == "personal"]


@pytest.mark.parametrize("text", NOT_PERSONAL + MESSY_NOT_PERSONAL + SLANG_NOT_PERSONAL)
def test_professional_posts_are_not_personal(text: str) -> None:
    findings, personal = check_voice(normalize(text), PRACTICE)
    assert not personal and not [f for f in findings if f.category == "personal"]


def test_a_relative_of_an_identifier_is_not_family_content() -> None:
    # "my kid's soccer coach" singles out a patient (a PHI matter), it is not family life.
    text = "my kid's soccer coach came in with a nasty ankle sprain, ice + rest"
    assert check_voice(normalize(text), PERSONAL)[1] is False


UNPROFESSIONAL = [
    ("3 beers deep and still charting lol", "professionalism.intoxication", "3 beers deep"),
    ("had wine while charting tonight", "professionalism.intoxication", "wine while charting"),
    ("another frequent flier in bed 2 tonight 🙄", "professionalism.disparage_patient",
     "frequent flier"),
    ("pt demanding antibiotics for a cold again smh", "professionalism.disparage_patient",
     "demanding antibiotics"),
    ("sir, I'm a dentist not your mom", "professionalism.disparage_patient",
     "sir, I'm a dentist"),
    ("the ortho who did this should lose his license, absolute clown",
     "professionalism.disparage_colleague", "clown"),
    ("what a quack, who taught him to read an xray", "professionalism.disparage_colleague",
     "quack"),
    ("this EHR is sh*t", "professionalism.profanity", "sh*t"),
    ("wtf is this insurance denial", "professionalism.profanity", "wtf"),
    ("f***ing prior auths", "professionalism.profanity", "f***ing"),
    ("lowkey still hungover for clinic lol", "professionalism.intoxication", "still hungover"),
    ("wine drunk and charting, living the dream", "professionalism.intoxication", "wine drunk"),
    ("shots after call with the residents 🥃", "professionalism.intoxication", "shots after call"),
    ("guy came in with a lightbulb stuck where the sun don't shine 😂", "professionalism.mocking",
     "😂"),
    # messier, other specialties
    ("the doc down the street is a total hack, fixing his mess again",
     "professionalism.disparage_colleague", "hack"),
    ("another clown chiropractor cracking necks w/ no imaging smh",
     "professionalism.disparage_colleague", "clown"),
    ("some derms out there r straight up frauds", "professionalism.disparage_colleague", "frauds"),
    ("the ER docs at mercy r useless lol", "professionalism.disparage_colleague", "useless"),
    ("dentist across town should lose his license tbh", "professionalism.disparage_colleague",
     "lose his license"),
    ("the midwife at general is a menace", "professionalism.disparage_colleague", "menace"),
    ("ortho next door is a total joke", "professionalism.disparage_colleague", "total joke"),
    ("some optometrists shouldnt be allowed near a slit lamp",
     "professionalism.disparage_colleague", "shouldnt be allowed"),
    ("that surgeon is a butcher, plain and simple", "professionalism.disparage_colleague",
     "butcher"),
    ("the chiro down the road is a con artist, period", "professionalism.disparage_colleague",
     "con artist"),
    ("the 'skin coach' on insta giving acne advice is a fraud",
     "professionalism.disparage_colleague", "fraud"),
    ("that dentist should be struck off", "professionalism.disparage_colleague", "struck off"),
    ("incompetent urgent care sent this kid home w/ a broken wrist",
     "professionalism.disparage_colleague", "incompetent"),
    ("this pt is a drama queen, 10/10 pain while texting", "professionalism.disparage_patient",
     "drama queen"),
    ("mrs. x called 6 times today, she's a nightmare", "professionalism.disparage_patient",
     "she's a nightmare"),
    ("crazy pt #3 of the day just walked out yelling", "professionalism.disparage_patient",
     "crazy pt"),
    ("so over these entitled patients who think they run the clinic",
     "professionalism.disparage_patient", "entitled patients"),
    ("this lady brought her whole fam to a 15 min appt, kill me",
     "professionalism.disparage_patient", "kill me"),
    ("hungover af but the botox must go on 💉", "professionalism.intoxication", "hungover"),
    ("tipsy after the holiday party, who's gonna chart for me", "professionalism.intoxication",
     "tipsy"),
    ("still a lil drunk from the gala, rounds in 20 min", "professionalism.intoxication",
     "still a lil drunk"),
    ("drunk texting my co-residents at 2am again", "professionalism.intoxication",
     "drunk texting"),
    # shorthand and sarcasm
    ("the whole billing dept are absolute clowns", "professionalism.disparage_colleague",
     "absolute clowns"),
    ("night float signed out 9 admits w/ no notes 🤡", "professionalism.disparage_colleague",
     "🤡"),
    ("how tf is this a 'stat' consult at 3am", "professionalism.profanity", "tf"),
    ("exhausted af, 3rd night shift in a row", "professionalism.profanity", "af"),
    ("wear ur damn brace, it's not decoration", "professionalism.profanity", "damn"),
    ("how does she still have a license after that", "professionalism.disparage_colleague",
     "still have a license"),
    ("tonight's genius: lit fireworks from his hand, 2 fingers later", 
     "professionalism.disparage_patient", "tonight's genius"),
    ("ATV + no helmet + 3 beers. natural selection at work",
     "professionalism.disparage_patient", "natural selection at work"),
    ("some folks shouldn't be allowed to raise a goldfish, let alone kids",
     "professionalism.disparage_patient", "shouldn't be allowed to raise"),
    ("you did not go to med school, ma'am, the vaccine stays on schedule",
     "professionalism.disparage_patient", "did not go to med school"),
    ("to the guy in the white pickup who parked across 3 spots: unbelievable",
     "professionalism.disparage_patient", "to the guy in"),
    ("still waiting on that fax, looking at u mr. patel", "professionalism.disparage_patient",
     "looking at u"),
    ("lmaooo 22yo tried to pull his own stitches w/ pliers", "professionalism.mocking",
     "lmaooo"),
    ("another benzo seeker at 4:55 on a friday", "professionalism.disparage_patient",
     "benzo seeker"),
    ("ppl r sooo delusional about what urgent care is for",
     "professionalism.disparage_patient", "ppl r sooo delusional"),
]
PROFESSIONAL = [
    "3 drinks a day raises blood pressure",
    "deep breaths before your procedure, you've got this",
    "There are no stupid questions about your health.",
    "Knock out hangovers? Water and sleep, not IV bags.",
    "Alcohol raises blood pressure: keep it to 1 drink a day or less.",
    "We are frustrated by prior auth delays too and are working on it.",
    "A patient asked a great question today about statins.",
    "Dick Smith, our office manager, retires Friday!",
    "No shame in asking for help with your mental health.",
    "hack: freeze grapes for a healthy summer snack 🍇",
    "quick hack for sore gums w/ braces: warm salt water rinse, ask ur dentist",
    "no such thing as a dumb question, ask us anything",
    "the clown at our fall festival was a hit 🎈",
    "incompetent cervix is a real dx, here's what it means",
    "we partner w/ the doc down the street for sleep studies",
    "fraud alert: nobody from our office will ask for ur ssn by text",
    "feeling useless after a diagnosis? talk to someone, u r not alone",
    "antibiotics are useless for colds, ask ur doctor about symptom relief",
    "a lazy eye (amblyopia) is best treated early, before age 7",
    "medicare fraud by doctors hurts everyone, report it",
    "buzzed driving is drunk driving. get a ride 🚕",
    "hangovers: water and sleep, not an IV drip",
    "no one is a fraud for needing help with their mental health",
    "the clown at our trunk-or-treat was a huge hit 🤡🎈",
    "damned if you do, damned if you don't: the antibiotic question",
    "TF-CBT helps kids after trauma, ask us about a referral",
    "new onset af in a 70 yo, we started anticoagulation",
    "today's genius tip: freeze grapes for a cool summer snack",
    "antibiotic resistance is natural selection in action, so we skip them for colds",
    "to the mom who brought us tamales today: thank u!! 💙",
    "to the patient who messaged us about ur brace: pls call the front desk",
    "looking at you, pumpkin spice: the sugar adds up",
    "lost + found 🧸 a blue bunny was left in exam room 2 this morning, come grab it lol",
    "most teens are hopeless at sleep hygiene, so here's one small fix",
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), UNPROFESSIONAL)
def test_unprofessional_voice_is_flagged_with_span(text: str, rule: str, excerpt: str) -> None:
    findings, _ = check_voice(normalize(text), PERSONAL)
    hit = [f for f in findings if f.rule == rule and excerpt in text[f.start:f.end]]
    assert hit, findings
    assert hit[0].excerpt == text[hit[0].start:hit[0].end]
    assert hit[0].category == "professionalism" and hit[0].severity in ("warn", "block")


@pytest.mark.parametrize("text", PROFESSIONAL)
def test_professional_voice_is_not_flagged(text: str) -> None:
    findings, _ = check_voice(normalize(text), PRACTICE)
    assert not [f for f in findings if f.category == "professionalism"]


def test_health_cues_offset_personal_cues_up_to_a_cap() -> None:
    # One personal cue (2) and two health cues: the tip is not personal...
    tip = "vacation tip: pack ur meds and sunscreen in ur carry-on"
    assert check_voice(normalize(tip), PRACTICE)[1] is False
    # ...but private life stays personal however many health words it has: vacation + hubby (4)
    # less three health cues, capped at two, is still 2.
    life = "vacation w/ hubby was great, even w/ his ear infection, the meds and all the sunscreen"
    assert check_voice(normalize(life), PRACTICE)[1] is True


def test_overlapping_cues_count_once() -> None:
    # "prayers up" and the "prayers" inside it are one cue: with 🙏 that is 3, and the patient's
    # fracture takes it under the bar.
    text = "prayers up for our patient, she broke her wrist at recess 🙏"
    assert check_voice(normalize(text), PRACTICE)[1] is False


@pytest.mark.parametrize(("text", "quoted"), [
    ("'my daughter loves it here' is the best review we got all year", [(0, 27)]),
    ('a mom told us "my kids actually like shots now" and we melted', [(14, 47)]),
    ("kids' sneakers, don't run on wet tile", []),
    ("she said 'no thanks' and left", [(9, 20)]),
])
def test_quoted_spans(text: str, quoted: list[tuple[int, int]]) -> None:
    assert quoted_spans(text) == quoted


def test_a_medical_anecdote_with_food_is_not_personal() -> None:
    text = "wild night in the ER, dude rolled in w/ a fork in his hand over the last pizza slice 🍕"
    assert check_voice(normalize(text), PERSONAL)[1] is False


# Third round (cue families from the derm and urgent-care sets, in other words and other
# specialties): spouses without "my", parenting, holidays in txt-speak, cookouts, rides, rec
# leagues and team wins, evenings in.
HOME_AND_PLAY_PERSONAL = [
    "wife says i'm not allowed to buy another fishing rod 🎣 she's probably right",
    "husband grilled burgers for the whole block, 4th of july done right 🇺🇸",
    "bowling league night!! we are 2-9 and proud of it 🎳",
    "softball league update: we won 12-3 and my swing is finally back",
    "wolverines win!!! 🏈 best saturday in years",
    "riding season is here 🏍️ rode the loop out to the lake w/ my brother",
    "christmas morning chaos 🎄 kids up at 5am, my dad made cinnamon rolls",
    "parenting is harder than residency, my 3 yo just negotiated a second cookie",
    "smoked a brisket for 14 hrs in the backyard, husband says it's the best yet",
    "book club pick was a 600 page brick and i read it all over game night snacks 🍕",
    # pets by breed, gambling on a trip, the fair and its food, a named race, local politics
    "vizsla held a 10 sec stay. proudest moment of my career tbh 🐕🏆",
    "the goldendoodle graduated puppy class today!!",
    "4 nights at the craps table and somehow up $40 🎰",
    "who's going to the Big Fresno Fair this wknd?? 🎡 chicken-on-a-stick vs deep fried oreos",
    "Dr. B ran the Two Cities Marathon sunday in 4:11 🏃‍♀️",
    "the water board vote tues is a JOKE. call ur county supervisor and tell them NO 😤",
]
HOME_AND_PLAY_NOT_PERSONAL = [
    "her husband says she's been more tired lately; bring your spouse to visits if it helps",
    "Happy Thanksgiving from all of us! We're closed Thursday, urgent care open Friday 🦃",
    "Sports physicals $30 this july 🏈⚽🏀 walk in, bring your form",
    "Motorcycle season means road rash season: wear your gear and your helmet 🏍",
    "Parenting a teen with anxiety? Our therapist's tips for the first talk.",
    "Pool safety: watch the kids every minute, no phones by the pool",
    "the pt's wife said he's been confused since tuesday, so we sent him to the ED",
    "spoiler alert: it's almost always the dose. check your meds list",
    "this could be u babe 💋 first syringe $50 off",
    "so glad the water pill took the swelling down! keep the church potluck ham to a slice, "
    "see u in 3 months",
    "welcome to the world little one 💗 8lb 2oz, our sweet mama did amazing, congrats from us",
]


@pytest.mark.parametrize("text", HOME_AND_PLAY_PERSONAL)
def test_home_and_play_is_personal(text: str) -> None:
    assert check_voice(normalize(text), PERSONAL)[1] is True


@pytest.mark.parametrize("text", HOME_AND_PLAY_NOT_PERSONAL)
def test_care_greetings_and_safety_tips_are_not_personal(text: str) -> None:
    assert check_voice(normalize(text), PRACTICE)[1] is False


# Disparagement in stock idioms (colleagues), hygiene shaming, retaliation and condescending
# sign-offs; each with the span the finding must cover.
IDIOM_UNPROFESSIONAL = [
    ("the new PA couldn't place an IV to save her life, 4 sticks",
     "professionalism.disparage_colleague", "couldn't place an IV to save her life"),
    ("where do they find these residents, honestly", "professionalism.disparage_colleague",
     "where do they find these residents"),
    ("do they not teach basic anatomy in nursing school anymore??",
     "professionalism.disparage_colleague", "do they not teach basic anatomy in nursing school"),
    ("the 'nutritionist' at the gym told her to stop her insulin",
     "professionalism.disparage_colleague", "the 'nutritionist'"),
    ("chiropractors reading MRIs now? stay in your lane", "professionalism.disparage_colleague",
     "stay in your lane"),
    ("the hospitalist dumped three admits on us at shift change again",
     "professionalism.dumping", "dumped three admits on us"),
    ("some of these parents have never heard of deodorant", "professionalism.disparage_patient",
     "have never heard of deodorant"),
    ("the smell in room 6 today was a biohazard", "professionalism.disparage_patient",
     "smell in room 6 today was a biohazard"),
    ("roll in 40 min late and u go dead last on my list", "professionalism.disparage_patient",
     "dead last on my list"),
    ("walked in smelling like a distillery at 9am", "professionalism.disparage_patient",
     "smelling like a distillery"),
    ("read the aftercare sheet, sweetie 💅", "professionalism.disparage_patient", "sweetie 💅"),
    ("on hold with the insurer again, meanwhile some ppl in the waiting room 🤮",
     "professionalism.disparage_patient", "🤮"),
    ("2 white claws in and my pager just went off on call",
     "professionalism.intoxication", "2 white claws in"),
    # scolding in public, a dismissive sign-off, a scare-quoted title, a car called out
    ("got ur BBL in a strip mall? dont come crying to me when its lumpy",
     "professionalism.disparage_patient", "dont come crying to me"),
    ("don't come whining to us when the filler migrates",
     "professionalism.disparage_patient", "don't come whining to us"),
    ("lol ok. maybe if u hadnt gone to a pool party 5 days after ur tummy tuck",
     "professionalism.disparage_patient", "maybe if u hadnt"),
    ("maybe next time you should've listened to the discharge sheet",
     "professionalism.disparage_patient", "maybe next time you should've listened"),
    ("A 1-star review doesn't change the facts. Best of luck with your next surgeon.",
     "professionalism.disparage_patient", "Best of luck with your next surgeon"),
    ("from a 'cosmetic surgeon' w a weekend certificate", "professionalism.disparage_colleague",
     "a 'cosmetic surgeon'"),
    ("to the lifted silver F-250, plate 8MZK214, that parked across 3 spots AGAIN: we see u 👀",
     "professionalism.disparage_patient", "to the lifted silver F-250, plate"),
]
IDIOM_PROFESSIONAL = [
    "my dumb question of the day: does anyone still use fax?",
    "i felt so stupid forgetting my badge today lol",
    "on hold with the insurance company for 50 min 🙄 still no auth",
    "the rep took 3 hrs to call back about his pacemaker settings 🙄",
    "this 94 yo came in to show me her new tattoo 😂 absolute legend",
    "my 4 yo asked if my stethoscope can hear her dreams 💀",
    "misread a 2 as a 7 on the intake form 😂 coffee first",
    "2 glasses of wine in at my sister's wedding 🥂 so happy for them",
    "The wound smelled foul, a sign of infection: call us if you notice an odor.",
    "Wash hands with soap and water for 20 seconds.",
    "We're last on the list for the vaccine shipment, so call before coming in.",
    "i will make you wait no longer: our new hours start monday!",
    "she can't walk to the mailbox to save her life right now, so PT starts monday",
    "Doctors don't teach this enough in clinic: ask about your family history.",
    "if ur toddler has a fever, dont come running to us at 2am - call the nurse line first",
    "maybe if you had a fever last night, call us to talk it through",
    "good luck with your new job, we'll miss you!",
    "best of luck at your new practice, Dr. Lee! 💙",
    "to the red truck that was parked in our lot: u left ur lights on",
    "to the pt who emailed me at 2am about a spider bite: pls go to urgent care. hi i see u 👀",
    "happy 95th birthday to our favorite pt!! he flirts w the whole front desk 😂",
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), IDIOM_UNPROFESSIONAL)
def test_idioms_of_disparagement_are_flagged_with_span(text: str, rule: str,
                                                       excerpt: str) -> None:
    findings, _ = check_voice(normalize(text), PERSONAL)
    hit = [f for f in findings if f.rule == rule]
    assert [f.excerpt for f in hit] == [excerpt], findings
    assert hit[0].excerpt == text[hit[0].start:hit[0].end]


@pytest.mark.parametrize("text", IDIOM_PROFESSIONAL)
def test_self_jokes_vendor_eye_rolls_and_care_talk_are_not_flagged(text: str) -> None:
    findings, _ = check_voice(normalize(text), PERSONAL)
    assert not [f for f in findings if f.category == "professionalism"]


# Scolding a reviewer, venting at patients as a group, pulling rank, colleague idioms and eye-rolls
# aimed at a person; each with the span the finding must cover.
SCOLDING_UNPROFESSIONAL = [
    ("maybe if u showed up on time u wouldnt have been rescheduled",
     "professionalism.disparage_patient", "maybe if u showed up"),
    ("Maybe try being on time next visit.", "professionalism.disparage_patient",
     "try being on time"),
    ("maybe read the prep sheet b4 leaving 1 star", "professionalism.disparage_patient",
     "b4 leaving 1 star"),
    ("you were rude to our staff. don't bother coming back.",
     "professionalism.disparage_patient", "don't bother coming back"),
    ("then u cussed out our front desk", "professionalism.disparage_patient", "cussed out our"),
    ("imagine writing 5 paragraphs about a waiting room chair",
     "professionalism.disparage_patient", "imagine writing 5 paragraphs"),
    ("ur naturopath is not an oncologist, genius", "professionalism.disparage_patient",
     "genius"),
    ("Good luck with the 'detox' plan.", "professionalism.disparage_patient",
     "Good luck with the 'detox'"),
    ("some of these ppl do not deserve their kidneys", "professionalism.disparage_patient",
     "do not deserve their kidneys"),
    ("half these noncompliant pts deserve the readmission tbh",
     "professionalism.disparage_patient", "deserve the readmission"),
    ("third no-show this week and im done caring", "professionalism.disparage_patient",
     "im done caring"),
    ("half our pts are bored and want an audience", "professionalism.disparage_patient",
     "pts are bored"),
    ("we went to school for this, karen", "professionalism.disparage_patient",
     "we went to school for this"),
    ("ma'am i did 4 yrs of residency for this", "professionalism.disparage_patient",
     "i did 4 yrs of residency for this"),
    ("the new resident couldnt find the radial artery w a map",
     "professionalism.disparage_colleague", "couldnt find the radial artery w a map"),
    ("sir, ur chiropractor is not a cardiologist 🙄", "professionalism.disparage_patient", "🙄"),
    ("the ER consulted us at 2am for constipation 🙄", "professionalism.disparage_patient", "🙄"),
]
SCOLDING_PROFESSIONAL = [
    "Ms. Harris, our records show u no-showed 3 appts; that is our policy.",
    "maybe try a humidifier at night if the dry air bothers u",
    "maybe if you had a fever last night, call us to talk it through",
    "Please arrive 15 min early so we can start on time.",
    "no one deserves the complications of untreated diabetes, so let's talk screening",
    "patients don't deserve to wait 3 months for a referral; we're fixing that",
    "this is the moment i went to med school for 🥹",
    "fatty liver disease is common and reversible: here is what helps",
    "omega-3 fatty acids: what the studies say",
    "A relative asked if I 'fix crazy people.' No. I treat illnesses, in people who deserve "
    "respect. Words matter.",
    "can't believe ppl keep voting for these clowns at the capitol 🗳️",
    "our kids deserve better than this clown show, vote tuesday #votelocal",
    "the DMV form wants the license number on every page for this pt smh #paperwork",
    "lol @sam ur my pt not my golf buddy, glad ur doing better 😂",
    "RIP little guy 💀 (a hearing aid that went through the wash)",
    "my girl came in for her filler today and is already posing 😂",
    "the bucs kicker came in for his echo and asked about the gel 😂 athlete hearts r beautiful",
    "HF pts: weigh urself every morning (same clothes or none lol), call the HF line if up 3 lbs",
    "sunscreen PSA: yes ur ears + the part in ur hair count 🙄",
    "genius idea from our MA: text reminders the day before",
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), SCOLDING_UNPROFESSIONAL)
def test_scolding_venting_and_rank_pulling_are_flagged_with_span(text: str, rule: str,
                                                                 excerpt: str) -> None:
    findings, _ = check_voice(normalize(text), PERSONAL)
    hit = [f for f in findings if f.rule == rule]
    assert [f.excerpt for f in hit] == [excerpt], findings
    assert hit[0].excerpt == text[hit[0].start:hit[0].end]
    assert hit[0].severity in ("warn", "block")


@pytest.mark.parametrize("text", SCOLDING_PROFESSIONAL)
def test_curt_facts_kind_banter_and_politics_are_not_unprofessional(text: str) -> None:
    findings, _ = check_voice(normalize(text), PERSONAL)
    assert not [f for f in findings if f.category == "professionalism"], findings


# Private life in other words: grandparents named the family way, a trip to see family, hunting
# camp, race miles, the team game, team results and fight chants (firm), a local race, a night at
# the bar, beer brands, a boil, office food; each with a cue the finding must cover.
OTHER_WORDS_PERSONAL = [
    ("Nonna's lasagna for sunday dinner, 3 trays this yr 🍝", "personal.family", "Nonna's"),
    ("back from a week visiting family in Manila, so much food", "personal.family",
     "visiting family"),
    ("kiddo's first 4-H steer show today, we r a cryin family", "personal.family",
     "we r a cryin family"),
    ("first ice fishing trip of the year w/ my boys, caught nothing", "personal.family",
     "w/ my boys"),
    ("Dr. K is back from 2 wks in Oaxaca ✈️", "personal.travel", "back from 2 wks in"),
    ("deer camp ✅ 4 days, 0 deer, 1 flat tire", "personal.hobby", "deer camp"),
    ("limited out on opening morning 🦆", "personal.hobby", "limited out"),
    ("yes that was me dying at mile 11 of the Rock n Roll half", "personal.hobby",
     "mile 11 of the"),
    ("off to the hurricanes game to yell at the refs", "personal.sports",
     "off to the hurricanes game"),
    ("Saints lost AGAIN so i'm taking it out on colonoscopies ⚜️", "personal.fandom",
     "Saints lost"),
    ("GEAUX TIGERS 🐯 see u monday for ur screening", "personal.fandom", "GEAUX TIGERS"),
    ("13 SECONDS. never recovering #BillsMafia", "personal.fandom", "BillsMafia"),
    ("vote in the sheriff race ppl, it matters 🗳️", "personal.politics",
     "vote in the sheriff race"),
    ("3 coors deep at the bar after the rodeo", "personal.leisure", "at the bar"),
    ("crawfish boil at my place sat, bring ur own Abita", "personal.leisure", "crawfish boil"),
    ("the Duff's vs Anchor Bar debate is banned from the break room 🍗", "personal.leisure",
     "vs Anchor Bar debate"),
]
OTHER_WORDS_NOT_PERSONAL = [
    "her abuela brought her in for the earache, great historian",
    "we are a family practice serving the whole valley",
    "we're a family-owned clinic, call us w/ questions",
    "Kaminski family: the fax w/ the twins' ear tube records came thru blank, pls resend",
    "going to the game sunday? stadium noise can hit 110 dB, bring earplugs",
    "playing the waiting game on prior auths again",
    "BOTOX HAPPY HOUR 🥂 thurs • $10/unit • bubbly + a raffle for a free syringe of filler",
    "she's going on a cruise so we better make the pacemaker behave 🛳️ device check was perfect",
    "prayers up for our pt 🙏 admitted last night w/ a GI bleed, he's tough",
    "hes gonna miss every word at church sunday, come grab ur hearing aids pls",
    "post call, 2 glasses of wine deep at 10am and on backup call again tonight, pager on 🍷",
    "first half of the visit is history, second half is the exam",
    "fatty liver and beer: what one drink a day does to ur liver",
]


@pytest.mark.parametrize(("text", "rule", "cue"), OTHER_WORDS_PERSONAL)
def test_private_life_in_other_words_is_personal_with_span(text: str, rule: str,
                                                           cue: str) -> None:
    findings, personal = check_voice(normalize(text), PRACTICE)
    assert personal
    hit = [f for f in findings if f.rule == rule and cue in f.excerpt]
    assert hit, findings
    assert hit[0].excerpt == text[hit[0].start:hit[0].end] and hit[0].severity == "warn"


@pytest.mark.parametrize("text", OTHER_WORDS_NOT_PERSONAL)
def test_patients_family_policies_and_work_drinking_are_not_personal(text: str) -> None:
    assert check_voice(normalize(text), PRACTICE)[1] is False


# Masked swearing, pregaming, venting as a question, and private-life shorthand.
MASKED_AND_VENTING = [
    ("a**hole in bed 4 spit at the nurse", "professionalism.profanity", "a**hole"),
    ("b*tch please, that's not a migraine", "professionalism.profanity", "b*tch"),
    ("wtaf is this consult", "professionalism.profanity", "wtaf"),
    ("pregamed the holiday party before my shift", "professionalism.intoxication", "pregamed"),
    ("noncompliant pt #4 today, why do i even bother", "professionalism.disparage_patient",
     "why do i even bother"),
    ("some parents shouldnt breed", "professionalism.disparage_patient", "shouldnt breed"),
    ("why do pts think the ER is a hotel", "professionalism.disparage_patient",
     "think the ER is a hotel"),
]
MASKED_AND_VENTING_CLEAN = [
    "why do i even bother with sunscreen in winter? because UV still gets thru",
    "why do we bother to check vitamin D? here's the evidence",
    "the ER is a hotel for no one: go home when you're cleared",
    "a hole in the eardrum often heals on its own",
    "pregame meal for young athletes: carbs and water",
]
SHORTHAND_PERSONAL = [
    ("just got engaged!!! 💍", "personal.family", "just got engaged"),
    ("new pb in the deadlift this am", "personal.hobby", "new pb"),
    ("happy diwali from our home to yours 🪔", "personal.holiday", "from our home to yours"),
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), MASKED_AND_VENTING)
def test_masked_swearing_and_venting_are_flagged_with_span(text: str, rule: str,
                                                           excerpt: str) -> None:
    findings, _ = check_voice(normalize(text), PERSONAL)
    hit = [f for f in findings if f.rule == rule]
    assert [f.excerpt for f in hit] == [excerpt], findings
    assert hit[0].excerpt == text[hit[0].start:hit[0].end]


@pytest.mark.parametrize("text", MASKED_AND_VENTING_CLEAN)
def test_educational_hooks_are_not_venting(text: str) -> None:
    findings, _ = check_voice(normalize(text), PERSONAL)
    assert not [f for f in findings if f.category == "professionalism"], findings


@pytest.mark.parametrize(("text", "rule", "cue"), SHORTHAND_PERSONAL)
def test_private_life_shorthand_is_personal(text: str, rule: str, cue: str) -> None:
    findings, personal = check_voice(normalize(text), PRACTICE)
    assert personal
    hit = [f for f in findings if f.rule == rule and f.excerpt == cue]
    assert hit and text[hit[0].start:hit[0].end] == cue, findings
