"""PHI judgement: which identifiers are a patient's, and replies that confirm care."""

from __future__ import annotations

import pytest

from bedside.guard import Context, Practice, check

PRACTICE = Practice(
    name="Lakeside Family Medicine",
    phones=("(555) 010-2000", "555-010-2001"),
    emails=("hello@lakesidefm.example",),
    addresses=("120 Harbor Road, Springfield, IL 62704",),
    websites=("https://lakesidefm.example",),
    staff=("Dr. Anita Patel", "Dr. Marcus Lee", "Kim Ortiz, RN", "Jamal Brooks, PA-C"),
)
POST = Context(network="x", kind="post", account="practice", practice=PRACTICE)
REPLY = Context(network="facebook", kind="reply", account="practice", practice=PRACTICE)


def phi(text: str, ctx: Context = POST) -> dict[str, list[str]]:
    """phi_type -> excerpts of the blocking PHI findings."""
    out: dict[str, list[str]] = {}
    for f in check(text, ctx).findings:
        if f.category == "phi":
            assert f.severity == "block"
            assert text[f.start:f.end] == f.excerpt
            out.setdefault(f.phi_type or "", []).append(f.excerpt)
    return out


# (text, context, {phi_type: an excerpt that must be among that type's findings})
FLAGGED = [
    ("Happy 100th birthday to our wonderful patient Ruth Ellison!", POST,
     {"NAME": "Ruth Ellison", "AGE_OVER_89": "100th birthday"}),
    ("saw a pt today w the worst shingles ive seen in years", POST, {"DATE": "today"}),
    ("Payer portal rejected it again. SSN 412-38-9920, same patient!!", POST,
     {"SSN": "412-38-9920"}),
    ("67F, MRN 00482913, recurrent hypercalcemia. Thoughts?", POST, {"MRN": "00482913"}),
    ("Does anyone know how to reach Darnell Wright? He left his inhaler in exam room 3 this "
     "afternoon and his number (555) 304-8821 goes to voicemail.", POST,
     {"NAME": "Darnell Wright", "PHONE": "(555) 304-8821"}),
    ("Drove out to 418 Birch Lane tonight to sign hospice papers for a man I've cared for "
     "for years.", POST, {"GEO": "418 Birch Lane"}),
    ("Mr. Novak, as Dr. Patel explained during your visit, we can't refill opioids without an "
     "exam.", REPLY, {"PATIENT_RELATIONSHIP": "your visit"}),
    ("We reviewed your chart and you were seen on 6/12. We stand by our care.", REPLY,
     {"PATIENT_RELATIONSHIP": "We reviewed your chart"}),
    ("Thanks for the 5 stars, Marcus T.! Glad we could squeeze you in same-day.", REPLY,
     {"PATIENT_RELATIONSHIP": "squeeze you in"}),
    ("For the record this reviewer was discharged from our practice for no-shows.", REPLY,
     {"PATIENT_RELATIONSHIP": "this reviewer was"}),
    ("Selfie with my favorite patient on her discharge day!", POST, {"PHOTO": "Selfie"}),
    # Messier writing: lower case, abbreviations, no punctuation.
    ("had a pt come in this am w/ a fish hook thru his eyelid lol", POST, {"DATE": "this am"}),
    ("mrs garcia's hip surgery went great yesterday, so proud of her", POST,
     {"NAME": "garcia", "DATE": "yesterday"}),
    ("Sweet 92 yr old lady told me her secret is whiskey", POST, {"AGE_OVER_89": "92 yr old"}),
    ("sorry about the wait, hope your bp meds are working", REPLY,
     {"PATIENT_RELATIONSHIP": "your bp"}),
    ("the quarterback from Central High came in with a concussion last friday", POST,
     {"GEO": "Central High", "DATE": "friday"}),
    ("Delivered twins for the Nguyen family at 4am, mom is doing great", POST,
     {"NAME": "Nguyen", "DATE": "4am"}),
]


@pytest.mark.parametrize(("text", "ctx", "expected"), FLAGGED)
def test_patient_identifiers_block(text: str, ctx: Context, expected: dict[str, str]) -> None:
    found = phi(text, ctx)
    for phi_type, excerpt in expected.items():
        assert phi_type in found, (phi_type, found)
        assert any(excerpt in e or e in excerpt for e in found[phi_type]), (excerpt, found)


CLEAN = [
    # The practice's own details and staff are never patient identifiers.
    ("Holiday hours: closed Dec 24-25. After hours call (555) 010-2000 or email "
     "hello@lakesidefm.example.", POST),
    ("Welcome Dr. Marcus Lee to our team! He joins us from a residency in Chicago.", POST),
    ("Kim Ortiz, RN will teach our diabetes class on Tuesday at 6pm.", POST),
    # Safe review replies (../shared/domain/reviews.md templates).
    ("Thank you for telling us this. Privacy rules keep us from discussing anyone's care here, "
     "but please call our office manager at (555) 010-2000.", REPLY),
    ("We're sorry to hear you're frustrated. Please email hello@lakesidefm.example and a member "
     "of our leadership team will reach out.", REPLY),
    # Education and public health with dates but no patient.
    ("Flu shots start today! Most adults need one every fall.", POST),
    ("Poison ivy season: leaves of three, let it be. Call poison control at 1-800-222-1222 if "
     "a child eats a plant.", POST),
    ("Semmelweis showed in 1847 that washing hands saves lives.", POST),
    ("Great question! In general, don't skip your flu shot for a mild cold.", REPLY),
    ("Our patient portal will be down Sat 10pm to Sun 6am for an upgrade.", POST),
    ("Everyone is welcome at our cooking demo on Nov 14, you don't need to be a patient.", POST),
    ("Dr. Smith from Mercy Hospital gave a great talk on sepsis today.", POST),
    ("Patients came in droves for flu shots today!", POST),
    # Advice that sends the reader to their own clinicians confirms no care here.
    ("GLP-1s raise aspiration risk, so pls dont stop on ur own - ask whoever is doing ur "
     "procedure", REPLY),
    ("the label suggests a backup method for 4 wks. talk to ur own prescriber abt ur specific "
     "meds", REPLY),
]


@pytest.mark.parametrize(("text", "ctx"), CLEAN)
def test_no_phi(text: str, ctx: Context) -> None:
    assert phi(text, ctx) == {}


def test_own_details_are_entities_but_not_findings() -> None:
    report = check("Call us at (555) 010-2000 to reach Dr. Anita Patel.", POST)
    own = [e for e in report.entities if e.own]
    assert {e.type for e in own} >= {"PHONE"}
    assert not [f for f in report.findings if f.category == "phi"]


def test_reply_relationship_only_in_replies() -> None:
    text = "So glad your knee is feeling better since the injection!"
    assert phi(text, POST) == {}
    assert "PATIENT_RELATIONSHIP" in phi(text, REPLY)

# Another practice, written the way staff really type: lower case, "pt", "w/", "ur", emoji. These
# lines were written before the rules that catch them (helper report: before P=1.00 R=0.63 on the
# first 94, R=0.63 on a second 46 written later), so they stand for unseen posts.
RIVERBEND = Practice(
    name="Riverbend Pediatrics & Family Care",
    phones=("(555) 020-3300",),
    emails=("frontdesk@riverbendcare.example",),
    addresses=("45 Mill Street, Cedar Falls, IA 50613",),
    websites=("https://riverbendcare.example",),
    staff=("Dr. Priya Raman", "Dr. Tom Becker", "Lena Walsh, NP", "Carlos Mendez", "Jenna Fox"),
)
R_POST = Context(network="instagram", kind="post", account="practice", practice=RIVERBEND)
R_REPLY = Context(network="facebook", kind="reply", account="practice", practice=RIVERBEND)
R_PERSONAL = Context(network="x", kind="post", account="personal", practice=RIVERBEND)

MESSY_FLAGGED = [
    ('pt came in this morning w/ a bead stuck up her nose, 4yo, mom was freaking out 😂',
     R_POST,
     {'DATE': 'this morning'}),
    ('glad the new glasses are working for u!',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'glad the new glasses are'}),
    ("hope your son's ear tubes healed up ok 🙏",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': "hope your son's ear"}),
    ("sorry the wait was so long on ur last appt, we're fixing the schedule",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'sorry the wait was'}),
    ('the only female firefighter in town came in w/ a burn on her hand yesterday',
     R_POST,
     {'DATE': 'yesterday', 'OTHER_ID': 'the only female firefighter in town'}),
    ('delivered a 9lb baby boy for the hendersons last nite!! 🎉',
     R_POST,
     {'DATE': 'last nite'}),
    ('yo the kid from lincoln elementary w/ the broken arm came back today, healing great',
     R_POST,
     {'GEO': 'lincoln', 'DATE': 'today'}),
    ('93 yo grandpa came in for his flu shot, sharp as a tack',
     R_POST,
     {'AGE_OVER_89': '93 yo'}),
    ('thx for the review sarah! ur crown should feel normal in a wk or so',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur crown', 'NAME': 'sarah'}),
    ('hi mike, we checked and your xrays look good, no fracture',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'your xrays'}),
    ('we were happy to see u and ur daughter last tues, hope her asthma is better',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'see u and ur daughter'}),
    ('ur stitches can come out next week, just call to book',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur stitches'}),
    ('had a teen from westfield high in for a sports physical this am and he was hilarious',
     R_POST,
     {'GEO': 'westfield', 'DATE': 'this am'}),
    ('pic of my lil pt after her first filling 🦷 so brave!!',
     R_POST,
     {'PHOTO': 'pic'}),
    ("before & after of mrs. t's acne treatment, 3 months in 😍",
     R_POST,
     {'PHOTO': 'before & after'}),
    ('congrats to danielle on 1 yr sober!! so proud of our patient',
     R_POST,
     {'NAME': 'danielle'}),
    ('Mr K in bed 4 is back again for the 3rd time this wk smh',
     R_POST,
     {'NAME': 'K'}),
    ('guy from the walmart on route 9 rolled in last night w/ chest pain',
     R_POST,
     {'GEO': 'walmart', 'DATE': 'last night'}),
    ("we appreciate u trusting us with ur mom's hip replacement, she's doing great",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'trusting us with'}),
    ("sorry the numbing didn't last during ur filling 😕",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': "sorry the numbing didn't"}),
    ('lol the dude who came in friday with a lego up his nose is 34',
     R_POST,
     {'DATE': 'friday'}),
    ('the principal of oak ridge middle came in today with a dislocated finger',
     R_POST,
     {'DATE': 'today', 'OTHER_ID': 'the principal of oak'}),
    ('my pt maria (she said i could share!!) rang the bell after her last chemo today',
     R_POST,
     {'NAME': 'maria', 'DATE': 'today'}),
    ('the pastor at first baptist had his colonoscopy w/ us yesterday, all clear',
     R_POST,
     {'DATE': 'yesterday', 'OTHER_ID': 'the pastor at first'}),
    ('thanks for coming in kevin! ur knee brace should arrive tuesday',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'thanks for coming in'}),
    ('hey jess, dr raman said ur labs came back normal so no worries 😊',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur labs'}),
    ("we loved meeting ur new baby last week, she's precious",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'meeting ur new baby'}),
    ('it was a pleasure treating you, hope the back pain is gone',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'pleasure treating you'}),
    ('glad the therapy sessions are helping, keep up the breathing exercises',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'glad the therapy sessions are'}),
    ('Our records show you missed 3 appts so we had to dismiss you from the practice',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'Our records show'}),
    ("sorry ur contacts order took so long, they're ready for pickup now",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'sorry ur contacts'}),
    ('the twins from maple st came in for their 2 month shots this morning, soooo cute',
     R_POST,
     {'GEO': 'maple', 'DATE': 'this morning'}),
    ("pt's wife called from 555-777-1234 asking about results",
     R_POST,
     {'PHONE': '555-777-1234'}),
    ("just pulled a tooth for the owner of joe's diner lmao he was a baby about it",
     R_POST,
     {'OTHER_ID': 'the owner of joe'}),
    ('tiny preemie we delivered on 3/4 went home today 🥹',
     R_POST,
     {'DATE': 'today'}),
    ('97 y/o pt still gardening every day, goals',
     R_POST,
     {'AGE_OVER_89': '97 y/o'}),
    ('a lady from millbrook came in w/ the worst poison ivy ive ever seen',
     R_POST,
     {'GEO': 'millbrook'}),
    ('ER tonight: 2yo swallowed a button battery, transferred to childrens',
     R_POST,
     {'DATE': 'tonight'}),
    ("ugh ur bill should've been covered, we'll resubmit to insurance",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur bill'}),
    ('happy the new retainer fits better this time!',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'happy the new retainer fits'}),
    ("sorry u had to wait 2 hrs in our waiting room, that's not ok",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'u had to wait'}),
    ('PT update: mrs okafor walked 50 ft today after her knee replacement!!',
     R_POST,
     {'NAME': 'okafor', 'DATE': 'today'}),
    ('so good to see u back on the soccer field after ur acl repair!!',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'see u back'}),
    ('thank u for letting us be part of ur birth story 💕',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'letting us be part of'}),
    ("we'll have dr becker call u about the med change",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'call u about the med change'}),
    ("hope grandma's cataract surgery went well, tell her we said hi",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': "hope grandma's cataract"}),
    ('had to call 911 on a pt in the lobby this aftn, hes ok now',
     R_POST,
     {'DATE': 'this aftn'}),
    ('pts mom posted the video of him walking out of rehab today 😭',
     R_POST,
     {'DATE': 'today', 'PHOTO': 'video'}),
    ('ur mri results look totally normal btw!',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur mri results'}),
    ('sorry ur prescription wasnt ready when u got to the pharmacy',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'sorry ur prescription'}),
    ('glad the ear drops did the trick for ur little guy',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'glad the ear drops did'}),
    ('thanks for bringing ur daughter in so quickly, she was a trooper',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'bringing ur daughter in'}),
    ('hope the swelling goes down soon after ur wisdom teeth',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur wisdom teeth'}),
    ('sorry dr becker was running behind at ur visit tues',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur visit'}),
    ("we're so happy ur pregnancy is going smoothly, see u at 20 wks!",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'happy ur pregnancy'}),
    ('ur new frames look amazing on u 😍',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur new frames'}),
    ("the front desk said u called about ur refill, it's been sent",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur refill'}),
    ('congrats on finishing PT! ur shoulder has come so far',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur shoulder'}),
    ("thx for sharing ur story about ur depression treatment here, we're proud of u",
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur depression treatment'}),
    ('we hope ur son is feeling better after his asthma attack last wk',
     R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur son is feeling better'}),
    ('88 yr old pt ran a 5k saturday!! 🏃\u200d♀️',
     R_POST,
     {'DATE': 'saturday'}),
    ('14yo girl from jefferson middle came in w/ a sprained ankle from cheer practice today',
     R_POST,
     {'DATE': 'today'}),
    ('the new kindergarten teacher at roosevelt elementary had her baby here last nite!',
     R_POST,
     {'DATE': 'last nite'}),
    ('pt named tyler (u know who u are lol) broke his wrist again skateboarding',
     R_POST,
     {'NAME': 'tyler'}),
    ('my fav patient ms. jones brought us cookies after her knee surgery 🍪',
     R_POST,
     {'NAME': 'jones'}),
    ('the coach of the hawks got stitches in room 2 this afternoon',
     R_POST,
     {'DATE': 'this afternoon', 'OTHER_ID': 'the coach of the hawks'}),
    ('mom of 5 from greenville came in 2nite w/ kidney stones',
     R_POST,
     {'GEO': 'greenville', 'DATE': '2nite'}),
    ('pic w/ our oldest pt on her 101st bday!!',
     R_POST,
     {'PHOTO': 'pic'}),
    ('guy came in this morn after a bar fight, 12 stitches',
     R_POST,
     {'DATE': 'this morn'}),
    ('baby sophia arrived at 3:12am, 7lbs 2oz 💕',
     R_POST,
     {'DATE': '3:12am'}),
    ('dad from the farm out on county rd 12 brought his kid in w/ a nail thru his foot yesterday',
     R_POST,
     {'GEO': 'farm', 'DATE': 'yesterday'}),
    ('a pt w/ ptsd from the va came in yest and we talked for an hr',
     R_POST,
     {'DATE': 'yest'}),
    ('so glad ur mole came back benign!! 🙌', R_REPLY,
     {'PATIENT_RELATIONSHIP': 'glad ur mole'}),
    ('ur son did so great getting his shots today, total champ', R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur son did'}),
    ("thanks for ur patience during ur colonoscopy prep lol, we know it's rough", R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur colonoscopy'}),
    ("we're sorry the front desk was rude when u checked in monday", R_REPLY,
     {'PATIENT_RELATIONSHIP': 'when u checked in'}),
    ('happy to hear the anxiety meds are helping 💙', R_REPLY,
     {'PATIENT_RELATIONSHIP': 'the anxiety meds are helping'}),
    ('congrats on the new baby!! it was an honor to deliver her', R_REPLY,
     {'PATIENT_RELATIONSHIP': 'honor to deliver her'}),
    ('hope u r healing up well after the c-section mama', R_REPLY,
     {'PATIENT_RELATIONSHIP': 'hope u r healing'}),
    ('ur lasik follow up is next thurs, see u then!', R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur lasik follow up'}),
    ('so sorry about the mixup w/ ur insurance, billing is on it', R_REPLY,
     {'PATIENT_RELATIONSHIP': 'ur insurance, billing'}),
    ('lady who runs the flower shop on main came in w/ shingles this morning 😬', R_POST,
     {'DATE': 'this morning'}),
    ('a 16 yo from the high school overdosed last nite, parents pls talk to ur kids', R_POST,
     {'DATE': 'last nite'}),
    ('our pt betty turned 95 today!! 🎂', R_POST,
     {'NAME': 'betty'}),
    ("saw a kid this am w/ hand foot mouth, it's going around westbrook daycare", R_POST,
     {'GEO': 'westbrook daycare', 'DATE': 'this am'}),
    # The family name itself is a names-module gap; the date of their visit is caught.
    ("the Nguyens brought all 4 kids in for flu shots today, what a crew", R_POST,
     {"DATE": "today"}),
    # cosmetic surgery as care, a relation two words long, a described tattoo, a reply's tummy tuck
    ("did a breast reduction this morning on my kid's 3rd grade teacher 😅", R_PERSONAL,
     {"DATE": "this morning", "OTHER_ID": "my kid's 3rd grade teacher"}),
    ("arm lift after a 140 lb weight loss. the girl w the koi fish sleeve tattoo knows who she is",
     R_POST, {"OTHER_ID": "w the koi fish sleeve tattoo"}),
    ("maybe if u hadnt gone to a pool party 5 days after ur tummy tuck it wouldnt have opened",
     R_REPLY, {"PATIENT_RELATIONSHIP": "ur tummy tuck"}),
]

MESSY_CLEAN = [
    ('flu clinic saturday 9-12, no appt needed! 💉', R_POST),
    ("we can't discuss anyone's care here, please call our office at (555) 020-3300", R_REPLY),
    ('thank u so much!! 😊', R_REPLY),
    ('thanks for the kind words, we appreciate it!', R_REPLY),
    ('happy bday to our amazing front desk king carlos 🎂', R_POST),
    ('if ur child has a fever tonight, call our after hours line', R_POST),
    ('patients often ask if they can eat before labs. answer: depends on the test', R_POST),
    ("my daughter's first day of kindergarten today 😭", R_PERSONAL),
    ('taylor swift concert this weekend, wish me luck w/ tickets', R_PERSONAL),
    ('reminder: school physicals fill up fast in august, book early', R_POST),
    ('dr becker is out next week, dr raman covering', R_POST),
    ('sunscreen tip: reapply every 2 hrs at the pool this weekend ☀️', R_POST),
    ("we're sorry to hear about ur experience. pls call us so we can talk privately", R_REPLY),
    ("if you're a patient of ours, feel free to message us thru the portal", R_REPLY),
    ('thx for the shoutout! lena walsh np is the best 🙌', R_REPLY),
    ('october is PT month, thank ur physical therapists', R_POST),
    ('new study: kids who sleep 9+ hrs do better in school', R_POST),
    ('when kids get lots of ear infections, tubes may help', R_POST),
    ("we don't comment on anyone's visit online, but we'd love to hear from u at 555-020-3300",
     R_REPLY),
    ('covid boosters available starting monday for ages 6mo+', R_POST),
    ('ty for following us! we post health tips every tues', R_REPLY),
    ('lol we wish we could fix ur wifi too 😂', R_REPLY),
    ('my son lost his first tooth last night, tooth fairy paid $5 🦷', R_PERSONAL),
    ("obama's doctor wrote a great piece on aging", R_POST),
    ('contact lenses: never sleep in them, even if ur friend does', R_POST),
    ('common question: how long does a cast stay on? usually 4-6 wks', R_POST),
    ("don't wait til ur eyes hurt to get an eye exam, schedule yearly", R_POST),
    ('happy nurses week to our incredible team!!', R_POST),
    ('our office will be closed thanksgiving day, happy holidays', R_POST),
    ('welcome our new hygienist jenna! she starts monday', R_POST),
    ("thanks for the feedback! we're always working to shorten wait times", R_REPLY),
    ('great question! most rashes like this need to be seen in person, pls call to book', R_REPLY),
    ('dental tip: brush 2x a day, floss daily, and see ur dentist every 6 months', R_POST),
    ("we're a people clinic not a vet lol, pls don't bring ur cat 🐱", R_POST),
    ('huge thx to cedar falls high for hosting our free sports physicals saturday', R_POST),
    ("sorry to hear that! we'd like to learn more, please call our office manager", R_REPLY),
    ('asthma awareness month: know ur triggers, keep ur inhaler handy', R_POST),
    ('if ur baby is under 3 months w/ a temp over 100.4, go to the ER', R_POST),
    ('hope everyone has a safe 4th! ER docs see tons of fireworks burns this week', R_POST),
    ("we take privacy seriously and can't confirm whether anyone is a patient. call us anytime",
     R_REPLY),
    ("thank u! we'll pass this along to the team ❤️", R_REPLY),
    ('my husband finally got his knee scoped today, pray for me lol', R_PERSONAL),
    ('walk-in hours this week: mon-fri 8-6, sat 9-1', R_POST),
    ('ur welcome! happy to answer general questions anytime', R_REPLY),
    ('dr raman will be at the lincoln elementary health fair friday!', R_POST),
    ('happy to help u with any questions, just call us!', R_REPLY),
    ('great to see u at the 5k saturday!', R_REPLY),
    ('yes! the new flu shots are in, no appt needed', R_REPLY),
    ('we hope the flu season is mild this year 🤞', R_REPLY),
    ('enjoy ur spring break!!', R_REPLY),
    ("a guy from work told me he doesn't believe in sunscreen 🙄", R_PERSONAL),
    ("we're sorry to hear this. pls call our office so we can learn more", R_REPLY),
    ('if ur glasses feel off, come by for a free adjustment anytime', R_POST),
    ('ear infections are super common in toddlers this time of yr', R_POST),
    ('reminder: wear ur retainer every night or teeth shift!', R_POST),
    ("hi! we can't answer medical questions here, pls call 555-020-3300 during office hrs",
     R_REPLY),
    ('our PTs are the best in the biz 💪 happy PT month', R_POST),
    ("kids' sports physicals this saturday at the clinic, walk ins welcome", R_POST),
    ('thank u for the 5 stars 🌟 we appreciate u!', R_REPLY),
    ("we'd love to see u, call to schedule whenever ur ready", R_REPLY),
    ('dr raman ran her first marathon sunday!! so proud', R_POST),
    ('if ur teen got a concussion at practice, keep them off screens for a few days', R_POST),
    ("mask up in the waiting room pls, it's flu season", R_POST),
    ('our staff will reach out to u directly, thx for ur patience', R_REPLY),
    ('taking my kids to the pumpkin patch this wknd 🎃', R_PERSONAL),
    ('the surgeon general issued a new advisory on social media and teens today', R_POST),
    ('lol ya we get that a lot! the answer is yes, u can exercise after a flu shot', R_REPLY),
    ('hand foot mouth is going around daycares this fall, wash hands!',
     R_POST),
    ('glad u found our tips helpful!',
     R_REPLY),
    ('thanks for sharing! we love our community 💙',
     R_REPLY),
    ('congrats on the new baby!! 🍼',
     R_REPLY),
    ('happy to hear that! have a great weekend',
     R_REPLY),
    ('sorry to hear ur frustrated. pls call our practice manager, we want to make it right',
     R_REPLY),
    ('our derm team is presenting at the state conference this weekend',
     R_POST),
    ('new patients welcome! we accept most insurance',
     R_POST),
    ("a patient asked me today why we ask about guns at home. here's why:",
     R_POST),
    ('my dog ate a sock last night, vet bill was brutal lol',
     R_PERSONAL),
    # Probes for the lower-case place and relative-date rules.
    ("we saw a kid's art show at the library last week, so talented!", R_POST),
    ("if a kid from ur class has strep, watch for sore throat this week", R_POST),
    ("our team ran the lincoln elementary fun run last weekend 🏃", R_POST),
    ("had a great time at the westbrook daycare health talk this morning", R_POST),
    ("if u have a sleeve tattoo, an MRI is still fine", R_REPLY),
    ("most ppl walk a day after a tummy tuck. before ur tummy tuck, stop smoking 4 wks", R_REPLY),
    ("my kid's 3rd grade teacher sent home a great handwashing song 🎶", R_PERSONAL),
]


@pytest.mark.parametrize(("text", "ctx", "expected"), MESSY_FLAGGED)
def test_messy_patient_identifiers_block(text: str, ctx: Context,
                                         expected: dict[str, str]) -> None:
    found = phi(text, ctx)
    for phi_type, excerpt in expected.items():
        # Overlapping cues of one rule are merged into one finding: the expected words must lie
        # inside one of the reported excerpts.
        assert any(excerpt in got for got in found.get(phi_type, [])), (phi_type, excerpt, found)


@pytest.mark.parametrize(("text", "ctx"), MESSY_CLEAN)
def test_messy_no_phi(text: str, ctx: Context) -> None:
    assert phi(text, ctx) == {}


def test_lower_case_first_name_with_care() -> None:
    text = "shoutout to jake from the lumber yard, finally got that cast off today 💪"
    assert "NAME" in phi(text, R_POST)


# Safe wording in replies that looks like a care reference: advice, thanks, invitations.
SAFE_REPLIES = [
    "keep ur inhaler handy during allergy season!",
    "pls wear ur retainer every night",
    "always take ur meds with food if they upset ur stomach",
    "great to meet u at the health fair!",
    "happy to help, call anytime",
    "thanks for bringing this to our attention",
    "we appreciate ur patience while we update the portal",
    "sorry for the wait on our reply!",
    "we'd be happy to see u for a consult, call us",
]


@pytest.mark.parametrize("text", SAFE_REPLIES)
def test_safe_reply_wording(text: str) -> None:
    assert phi(text, R_REPLY) == {}


def test_overlapping_cues_of_one_rule_are_one_finding() -> None:
    text = "glad ur acne is clearing up w/ the accutane"
    rel = [f for f in check(text, REPLY).findings if f.phi_type == "PATIENT_RELATIONSHIP"]
    assert len(rel) == 1
    assert rel[0].excerpt == text[rel[0].start:rel[0].end] == "glad ur acne is clearing"


# A third practice's staff: harbor-town ortho and peds shorthand, txt-speak replies. (Written for
# the held-out families: "pt" narratives, role nouns as patients, clinical shorthand, consent to
# post, ages in words, DOB labels, confirmations of a no-show or a moved follow-up.)
HARBOR = Practice(
    name="Tidewater Bone & Joint",
    phones=("(555) 030-7700",),
    addresses=("88 Pier Road, Gullhaven, ME 04011",),
    websites=("https://tidewaterbj.example",),
    staff=("Dr. Nell Ferris", "Omar Diaz, ATC", "Kit Moreau, DPT"),
)
H_POST = Context(network="threads", kind="post", account="personal", practice=HARBOR)
H_PRACTICE = Context(network="instagram", kind="post", account="practice", practice=HARBOR)
H_REPLY = Context(network="instagram", kind="reply", account="practice", practice=HARBOR)

SHORTHAND_FLAGGED = [
    # a role noun as the patient, a named other hospital and a clock time
    ("3am at Bayview General, reduced a hip on a lobsterman who slipped on the dock. home by 6",
     H_POST, {"DATE": "3am", "GEO": "Bayview General"}),
    # "pt says..." with no article is one patient; the single-holder role singles him out
    ("pt says his knee is fine to ref saturday. buddy ur the town fire chief, everyone will know",
     H_POST, {"OTHER_ID": "ur the town fire chief"}),
    # a patient's home on a named street, and a txt-speak night
    ("left a walker at a patient's house on Heron Ct last nite so she could get to the bathroom",
     H_POST, {"GEO": "Heron Ct", "DATE": "last nite"}),
    # a procedure on one person's body part, with a time of day
    ("finally got to scope his shoulder this am after 2 yrs of cortisone shots", H_POST,
     {"DATE": "this am"}),
    # ages over 89 spelled out, standing alone or with yrs
    ("mr b (NINETY SIX!) was up w/ a walker POD2 after his TKA", H_POST,
     {"AGE_OVER_89": "NINETY SIX"}),
    ("grandpa on the ortho floor is ninety-two yrs young and flirting w/ every nurse", H_POST,
     {"AGE_OVER_89": "ninety-two yrs young"}),
    # a DOB is a patient's date of birth whatever else the post says
    ("referral fax says d.o.b. 11/2/58 but the pt swears hes 40 lol", H_POST,
     {"DATE": "11/2/58"}),
    # a health-plan number written "mbr #"
    ("insurer lost the auth AGAIN. mbr # 55120934 for the 4th time", H_POST,
     {"HEALTH_PLAN_ID": "55120934"}),
    # consent to post does not remove the photo
    ("our NICU grad is one today!! her dad said we could share so here she is in her tutu",
     H_PRACTICE, {"PHOTO": "here she is", "DATE": "today"}),
    ("my fave little pt sent me a pic from her first game back s/p ACL recon 😭", H_POST,
     {"PHOTO": "pic"}),
    # a glued age ("52yo") still says "this is one person"; "todays" is today
    ("todays highlight: 52yo roofer off a ladder at the Pinecrest Depot off Route 9", H_POST,
     {"DATE": "todays"}),
    ("the starting qb at Gullhaven High tore his ACL sat night. no, no comment", H_POST,
     {"OTHER_ID": "the starting qb at", "GEO": "Gullhaven High"}),
    # another hospital + a clock time + acute care pins one encounter, no patient word needed
    ("1:15am at Northport Regional, splinted and reduced a wrist, then back to sleep", H_POST,
     {"DATE": "1:15am", "GEO": "Northport Regional"}),
    # OB and therapy shorthand for one person
    ("G3P2 at 38 wks, crash section at 4:50am, everyone ok", H_POST, {"DATE": "4:50am"}),
    ("my client cried in session this morning bc she finally felt heard", H_POST,
     {"DATE": "this morning"}),
    ("had a pt ystrday who put a screw thru his palm w/ a nail gun", H_POST,
     {"DATE": "ystrday"}),
    ("toddler w/ rsv last fri nite, sats in the 80s", H_POST, {"DATE": "last fri nite"}),
    ("born 2/9/22, here for her 3 yr check", H_PRACTICE, {"DATE": "2/9/22"}),
    ("mr j is one hundred and one and still splits his own firewood", H_POST,
     {"AGE_OVER_89": "one hundred and one"}),
    ("she texted me a selfie from the ski lift 3 months after her ACL recon 😭", H_POST,
     {"PHOTO": "selfie"}),
    ("scrubbed in at 6am and my patient was my old hs chemistry teacher 😳", H_POST,
     {"OTHER_ID": "my old hs chemistry teacher"}),
    ("the island's only ferry captain had his shoulder scoped today", H_POST,
     {"OTHER_ID": "the island's only ferry captain", "DATE": "today"}),
]

SHORTHAND_REPLIES = [
    ("ma'am u no-showed 3 times, we had to release the slot", {"PATIENT_RELATIONSHIP": "u no"}),
    ("so sorry abt the wait on monday, clinic was packed. ur post-op got moved to thurs",
     {"PATIENT_RELATIONSHIP": "sorry abt the wait on monday"}),
    ("ur f/u has been rescheduled, check ur portal msgs", {"PATIENT_RELATIONSHIP": "ur f/u"}),
    ("told u the meniscus would settle down if u kept up w/ the rehab 😉",
     {"PATIENT_RELATIONSHIP": "told u the meniscus"}),
    ("thx for actually doing ur stretches!! it shows",
     {"PATIENT_RELATIONSHIP": "doing ur stretches"}),
    ("so glad lil guy is feeling better 💙", {"PATIENT_RELATIONSHIP": "lil guy is feeling better"}),
    ("happy milo's cast is off!! we'll see him next week for his x-rays",
     {"PATIENT_RELATIONSHIP": "see him next week for his x-rays"}),
    ("such a joy delivering ur twins 💕", {"PATIENT_RELATIONSHIP": "delivering ur twins"}),
    ("so proud of u, our sessions together meant a lot to us too",
     {"PATIENT_RELATIONSHIP": "our sessions together"}),
    ("tysm for coming in on such short notice!", {"PATIENT_RELATIONSHIP": "coming in"}),
    ("sorry we had to bump ur slot again 😩", {"PATIENT_RELATIONSHIP": "bump ur"}),
    ("u were the best patient this week, no joke", {"PATIENT_RELATIONSHIP": "the best patient"}),
]

SHORTHAND_CLEAN = [
    # the practice's own event, date and town
    ("free bike-safety clinic at the Gullhaven library, weds 4/9 at 5pm! Omar Diaz, ATC hosting",
     H_PRACTICE),
    # the author's own age, weekend and gym
    ("deadlifted 405 at 47 yo today. my hamstrings have filed a complaint", H_POST),
    ("grand rounds at 7am at Bayview General today: TKA vs UKA, come argue", H_PRACTICE),
    ("we treat kids from newborn up to 18, plus adult sports injuries", H_PRACTICE),
    ("ninety-four percent of ACL recon patients return to jogging", H_PRACTICE),
    ("a patient's right to privacy outlasts any good story", H_PRACTICE),
    # a talk at another hospital at a time is a meeting, not an encounter
    ("m&m at 7am at Northport Regional: two reduced hips and one we should have scoped", H_POST),
    ("our clients rave about the new parking lot", H_PRACTICE),
    ("if ur toddler w/ a cough is wheezing tonight, head to the ER", H_PRACTICE),
    ("my brother sent me this pic of his new boat today ⛵", H_POST),
    ("the fee is ninety-five dollars without insurance", H_PRACTICE),
    ("ran a 10k sunday at 51yo and my knees survived", H_POST),
    ("I was born in 1979 and still can't fold a fitted sheet", H_POST),
]


@pytest.mark.parametrize(("text", "ctx", "expected"), SHORTHAND_FLAGGED)
def test_shorthand_patient_identifiers(text: str, ctx: Context, expected: dict[str, str]) -> None:
    found = phi(text, ctx)
    for phi_type, excerpt in expected.items():
        assert any(excerpt in got for got in found.get(phi_type, [])), (phi_type, excerpt, found)


@pytest.mark.parametrize(("text", "expected"), SHORTHAND_REPLIES)
def test_shorthand_replies_confirm_care(text: str, expected: dict[str, str]) -> None:
    found = phi(text, H_REPLY)
    for phi_type, excerpt in expected.items():
        assert any(excerpt in got for got in found.get(phi_type, [])), (phi_type, excerpt, found)


@pytest.mark.parametrize(("text", "ctx"), SHORTHAND_CLEAN)
def test_shorthand_no_phi(text: str, ctx: Context) -> None:
    assert phi(text, ctx) == {}


@pytest.mark.parametrize("text", [
    "sorry for the wait, our inbox was flooded this week",
    "if u missed ur appt, pls call to rebook",
    "we'd love to see u for ur sports physical, book online",
    "thanks for being such a patient crowd while the phones were down",
    "thx for stopping by our booth at the fair!",
    "we'd love to be ur new pediatrician, call us to book",
])
def test_shorthand_safe_replies(text: str) -> None:
    assert phi(text, H_REPLY) == {}


# Families from messier derm/med-spa and urgent-care posts (written afresh, not copied).
SPA_URGENT_FLAGGED = [
    # a carousel of one client's results, slang for a client
    ("before ➡️ after on one of our botox babes, 20 units and she looks rested ✨", H_PRACTICE,
     {"PHOTO": "before ➡️ after"}),
    # a photo of a patient with the face cut out is still a patient's image
    ("snapped a pic of the angriest poison ivy rash in clinic, this guy was miserable "
     "(blurred his face ofc)", H_POST, {"PHOTO": "pic"}),
    # a familiar local worker with a diagnosis singles him out
    ("big hugs to our favorite FedEx driver who finally let us treat his eczema 💚", H_PRACTICE,
     {"OTHER_ID": "our favorite FedEx driver"}),
    # the coach of a named team, seen today
    ("the Wildcats varsity basketball coach came in today w/ a BP of 200/120", H_POST,
     {"OTHER_ID": "Wildcats varsity basketball coach", "DATE": "today"}),
    # the author of a review, singled out in a post
    ("to the guy who left us a 2 star bc we wouldnt refill his xanax early: no.", H_POST,
     {"OTHER_ID": "the guy who left us a 2"}),
    # a record number a few words after its label
    ("the new EHR wants the MRN twice. entered 7730021984 again for the same man 🙄", H_POST,
     {"MRN": "7730021984"}),
    # obstetric shorthand for one patient, a named hospital and a clock time
    ("caught a 9lb nugget at 4:40am at Riverbend Regional for a primip who pushed 2 hrs", H_POST,
     {"GEO": "Riverbend Regional", "DATE": "4:40am"}),
    # a pregnancy loss with a day, and the mother as the patient
    ("hard shift. an 18 wk loss last night and mom was so strong. hug ur people", H_POST,
     {"DATE": "last night"}),
]
SPA_URGENT_REPLIES = [
    ("omg it was such a blast doing ur wedding lashes!!",
     {"PATIENT_RELATIONSHIP": "ur wedding lashes"}),
    ("loved doing ur peels this spring, ur skin is glowing", {"PATIENT_RELATIONSHIP": "ur peels"}),
    ("being ur therapist these two yrs was an honor",
     {"PATIENT_RELATIONSHIP": "being ur therapist"}),
    ("of course we remember u, ur knee scope was a wild one",
     {"PATIENT_RELATIONSHIP": "remember u"}),
]
SPA_URGENT_CLEAN = [
    # the author's own child and a day
    ("my baby boy turns 4 today and wants a dinosaur cake", H_POST),
    ("my little baby graduated preschool this morning 😭", H_POST),
    # a baby shower, a baby nurse: a modifier, not a patient
    ("hosting a baby shower for our nurse Jen sat 5/3 at noon at the office 🎀", H_PRACTICE),
    # a group and a hypothetical, not one patient
    ("every 80 yr old on a blood thinner deserves a fall-risk talk this morning and every morning",
     H_POST),
    ("if one more frequent flyer shows up at 11:55 on a sunday for a work note im out",
     H_POST),
    ("we screen 2-5 y/o's for lead at well visits", H_PRACTICE),
    # a colleague written with "Doc", and a staff volunteer with her years
    ("Doc Ramos is the best in the county, says a real patient", H_PRACTICE),
    ("happy birthday to Miss June, who has volunteered at our desk every monday since 2009",
     H_PRACTICE),
    # a historical physician and an idiom
    ("Mohs was a Wisconsin surgeon who came up w/ the technique; doing 4 of them tmrw", H_POST),
    # a meeting city is not a patient's town
    ("presented our 12-18 y/o screening data at the state conference in Austin this wknd", H_POST),
    # "tag 2 friends" is no plate
    ("giveaway! tag 2 friends to enter, winner picked 6/30", H_PRACTICE),
]


@pytest.mark.parametrize(("text", "ctx", "expected"), SPA_URGENT_FLAGGED)
def test_spa_urgent_patient_identifiers(text: str, ctx: Context, expected: dict[str, str]) -> None:
    found = phi(text, ctx)
    for phi_type, excerpt in expected.items():
        assert any(excerpt in got for got in found.get(phi_type, [])), (phi_type, excerpt, found)


@pytest.mark.parametrize(("text", "expected"), SPA_URGENT_REPLIES)
def test_spa_replies_confirm_care(text: str, expected: dict[str, str]) -> None:
    found = phi(text, H_REPLY)
    for phi_type, excerpt in expected.items():
        assert any(excerpt in got for got in found.get(phi_type, [])), (phi_type, excerpt, found)


@pytest.mark.parametrize(("text", "ctx"), SPA_URGENT_CLEAN)
def test_spa_urgent_no_phi(text: str, ctx: Context) -> None:
    assert phi(text, ctx) == {}
