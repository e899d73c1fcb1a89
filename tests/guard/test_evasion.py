"""Evasion must not work against the claims, promotion and voice rules, and spans stay original."""

from __future__ import annotations

import pytest

from bedside.guard.claims import check_claims
from bedside.guard.context import Context, Practice
from bedside.guard.engine import check
from bedside.guard.findings import Finding
from bedside.guard.normalize import normalize
from bedside.guard.promotion import check_promotion
from bedside.guard.voice import check_voice

CTX = Context(account="practice")


def _all(text: str) -> list[Finding]:
    norm = normalize(text)
    promo, _ = check_promotion(norm, CTX)
    voice, _ = check_voice(norm, CTX)
    return check_claims(norm, CTX) + promo + voice


# (text, rule, the exact original excerpt the finding must span)
CASES = [
    # NFKC full width
    ("Results ｇｕａｒａｎｔｅｅｄ.", "claims.guarantee", "ｇｕａｒａｎｔｅｅｄ"),
    ("Results gu\u200baranteed.", "claims.guarantee", "gu\u200baranteed"),  # zero-width space
    ("gu\u00adar\u200dan\u2060teed results", "claims.guarantee", "gu\u00adar\u200dan\u2060teed"),
    ("a \u0441ur\u0435 for acne", "claims.cure", "\u0441ur\u0435"),  # Cyrillic с and е
    ("\u0441ured my migraines", "claims.cure", "\u0441ured"),
    ("n o side effects at all", "claims.absolute_safety", "n o side effects"),
    ("c.u.r.e your acne", "claims.cure", "c.u.r.e"),
    ("guar4nteed smile", "claims.guarantee", "guar4nteed"),
    ("r1sk-free trial", "claims.absolute_safety", "r1sk-free"),
    ("p a i n l e s s fillings", "claims.absolute_safety", "p a i n l e s s"),
    ("PAINLE$$ injections", "claims.absolute_safety", "PAINLE$$"),
    ("100% s\u0430fe", "claims.absolute_safety", "100% s\u0430fe"),  # Cyrillic а
    ("the b.e.s.t dentist in town", "claims.superlative", "b.e.s.t dentist"),
    ("m\u0456racle cream", "claims.miracle", "m\u0456racle"),  # Cyrillic і
    ("ᴡorld-class care".replace("ᴡ", "w"), "claims.superlative", "world-class"),
    ("book n\u200bow at our site", "promotion.booking", "book n\u200bow"),
    ("d.m us to book", "promotion.booking", "d.m us to book"),
    ("this EHR is sh*t", "professionalism.profanity", "sh*t"),
    ("f*ck prior auth", "professionalism.profanity", "f*ck"),
    ("w t f was that consult", "professionalism.profanity", "w t f"),
    ("Ｗｔｆ is this", "professionalism.profanity", "Ｗｔｆ"),
    ("so hung0ver today", "professionalism.intoxication", "so hung0ver"),
    ("another fr\u0435quent flyer", "professionalism.disparage_patient", "fr\u0435quent flyer"),
    ("what an id1ot", "professionalism.disparage_colleague", "id1ot"),
    ("the doc down the street is a total h4ck", "professionalism.disparage_colleague", "h4ck"),
    ("that dentist is a fr@ud", "professionalism.disparage_colleague", "fr@ud"),
    ("s h o p now, serums in the lobby", "promotion.retail", "s h o p now"),
    ("pr\u0430ying for our city tonight", "personal.religion", "pr\u0430ying for"),  # Cyrillic а
    ("w\u200bine o'clock after clinic", "personal.hobby", "w\u200bine o'clock"),
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), CASES)
def test_evasion_is_caught_and_span_points_at_original(text: str, rule: str, excerpt: str) -> None:
    hits = [f for f in _all(text) if f.rule == rule]
    assert hits, f"{rule} missed {text!r}"
    assert all(f.excerpt == text[f.start:f.end] for f in hits)
    assert excerpt in [f.excerpt for f in hits]


@pytest.mark.parametrize(("text", "rule", "excerpt"), CASES)
def test_plain_form_is_caught_too(text: str, rule: str, excerpt: str) -> None:
    # The control: the same sentence written plainly triggers the same rule.
    plain = normalize(text).skeleton.text
    assert any(f.rule == rule for f in _all(plain))


def test_full_width_links_are_read_as_links_not_a_crash() -> None:
    """urlsplit refuses full-width hosts; the guard must read them as the link they show."""
    practice = Practice(websites=("https://lakesidefm.example",))
    report = check("Book at ｈｔｔｐｓ：／／lakesidefm.example today", Context(practice=practice))
    [url] = [e for e in report.entities if e.type == "URL"]
    assert url.own and url.text.startswith("ｈｔｔｐｓ")
    odd = check("see ｈｔｔｐｓ：／／x.com or http://x.com:99999/a")
    assert odd.verdict in ("ok", "warn")
