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
