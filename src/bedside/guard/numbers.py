"""Identifying numbers: SSN, accounts, plan ids, MRNs, licences, vehicles, devices, biometrics.

Safe Harbor 45 CFR 164.514(b)(2)(i)(G)-(M) and (P), see ../shared/domain/hipaa.md. Numbers with
a checksum or a fixed shape (SSN, card, IBAN, MBI, MAC, VIN) are found alone; free-form codes
("account #LFM-220847", "serial PJN612345H") only after a word that says what they are.
An NPI or ABA routing number names a provider or a bank, never a patient, so neither is emitted.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import cache

import regex

from bedside.guard.phrases import expand
from bedside.guard.spans import Scan, matches_at, scan

Span = tuple[str, int, int]

_SSN = regex.compile(r"(?<![\w.-])(\d{3})([ .-]?)(\d{2})([ .-]?)(\d{4})(?![\w]|[.-]\d)")
# SSA: area 000, 666 and 900-999 are never issued; group 00 and serial 0000 neither.
_SSN_SAMPLES = frozenset({"078051120", "219099999", "123456789", "111111111"})
# IRS ITIN: 9XX-[50-65, 70-88, 90-92, 94-99]-XXXX.
_ITIN_GROUPS = frozenset([*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)])

_CARD = regex.compile(
    r"(?<![\w-])(?:\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}(?![\w]|\1\d)"
    r"|\d{4}([ -])\d{6}\2\d{4,5}(?![\w]|\2\d)|\d{12,19}(?![\w]))"
)
_IBAN_HEAD = regex.compile(r"\b[A-Z]{2}\d{2}(?:[ -][A-Z0-9]{3,4})*[ -]$")
_CARD_BEFORE = regex.compile(r"(?i:card|cc)\b[^\n\d]{0,20}$")
_CARD_WORD = regex.compile(r"^(?:card|cc)", regex.IGNORECASE)
_IBAN = regex.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){8,32}")
# ISO 13616 registry lengths, by country code.
_IBAN_LEN = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27,
    "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22,
    "VG": 24, "XK": 20, "IQ": 23, "LC": 32, "SC": 31, "LY": 25, "BI": 27, "DJ": 27, "FK": 18,
    "MN": 20, "NI": 28, "OM": 23, "RU": 33, "SD": 18, "SO": 23, "YE": 30,
}
_L = "[AC-HJKMNP-RT-Y]"
_MBI = regex.compile(
    rf"(?<![\w-])[1-9]{_L}[0-9AC-HJKMNP-RT-Y]\d(-?){_L}[0-9AC-HJKMNP-RT-Y]\d\1{_L}{_L}\d\d(?![\w-])",
    regex.IGNORECASE,
)
_MAC = regex.compile(
    r"(?<![\w:.-])(?:[0-9A-F]{2}([:-])(?:[0-9A-F]{2}\1){4}[0-9A-F]{2}"
    r"|[0-9A-F]{4}\.[0-9A-F]{4}\.[0-9A-F]{4})(?![\w:.-]|\.\w)",
    regex.IGNORECASE,
)
_DOTTED_HEX = re.compile(rb"\.[0-9A-Fa-f]{4}\.")  # in every dotted MAC ("0000.0c07.ac01")
_VIN = regex.compile(r"(?<![\w-])[A-HJ-NPR-Z0-9]{17}(?![\w-])")
_CRYPTO = regex.compile(
    r"(?<![\w])(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})(?![\w])"
)

# Free-form codes after a word that names them. Ids need 3+ digits: "group 00917", "#LFM-220847".
_CODE = r"(?=[\w-]*\d[\w-]*\d[\w-]*\d)[A-Z0-9](?:[A-Z0-9]|[-./](?=[A-Z0-9])){4,24}"
_GAP = r"(?:\s*(?:#|:|=|-|no\.?|nos?\b|num(?:ber)?s?|id|is|was|of|ending in)\s*){0,3}\s*"
_CONTEXT_IDS: tuple[tuple[str, str], ...] = (
    ("MRN", r"mrn|mr#|medical record(?:s)?(?: number| no\.?| #)?|med(?:ical)? rec|chart"
            r"|patient (?:id|number|#)|hospital (?:number|no\.?)|record(?: number| #)"
            r"|accession|encounter (?:id|number|#)|visit (?:id|number|#)"),
    ("HEALTH_PLAN_ID", r"(?:member(?:ship)?|mbr|mem) (?:id|#|number|no\.?)|mbr|subscriber (?:id|#"
            r"|number)|policy|insurance (?:id|number|#|card)|medicaid(?: id| number| #)?"
            r"|medicare(?: id| number| #)?|mbi|(?:health )?plan (?:id|number|#)"
            r"|beneficiary (?:id|number|#)|group(?: id| number| #| no\.?)?|rx ?bin|pcn"),
    ("ACCOUNT", r"account|acct|a/c|bank(?: account)?|checking|savings|invoice|billing (?:id|#)"
            r"|iban|swift|card|cc"),
    ("LICENSE", r"driver'?s? licen[cs]e|licen[cs]e(?: plate)?|dl|dea(?: number| #| no\.?)?"
            r"|certificate|cert|passport|travel document|registration|npi"),
    ("VEHICLE", r"(?:licen[cs]e )?plates?|tag|vin"),
    ("DEVICE_ID", r"serials?|s/n|sn|device (?:id|number|#)|udi|imei|meid|lot|model/serial"),
)
_PLATE = regex.compile(
    r"(?i:\b(?:licen[cs]e )?plates?|\btags?)(?:\s*(?:#|:|no\.?|number))?\s+"
    r"(?P<code>(?:[A-Z]{2}\s+)?(?=[A-Z0-9 -]*\d)(?=(?:[ -]?[A-Z0-9]){3})"
    r"[A-Z0-9]{1,8}(?:[ -][A-Z0-9]{1,4}){0,2})(?![\w])"
)
_BIOMETRIC = regex.compile(
    r"\b(?:finger ?prints?|thumb ?prints?|palm ?prints?|retina(?:l)? scans?|iris scans?"
    r"|voice ?prints?|face ?prints?|facial (?:recognition|geometry|scan)|biometrics?"
    r"|biometric (?:data|scan|id|identifier)s?|dna (?:profile|sample)s?)\b",
    regex.IGNORECASE,
)


def _context_pattern() -> regex.Pattern[str]:
    parts = [rf"(?P<{kind}>\b(?:{words}))" for kind, words in _CONTEXT_IDS]
    return regex.compile(
        rf"(?:{'|'.join(parts)}){_GAP}(?P<code>{_CODE})(?![\w])", regex.IGNORECASE
    )


_CONTEXT = _context_pattern()


def luhn(digits: str) -> bool:
    """Whether a digit string passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_ok(digits: str, text: str, start: int) -> bool:
    """A payment card: Luhn, an issuer's length, and 12 digits only after the word card."""
    if not luhn(digits) or _IBAN_HEAD.search(text[max(0, start - 40) : start]):
        return False
    n = len(digits)
    if digits[0] == "1" and n != 15:  # UATP and JCB 1800 are 15 digits long
        return False
    if n == 12:
        return bool(_CARD_BEFORE.search(text[max(0, start - 30) : start]))
    return n != 13 or digits[0] == "4"


def _ssn_ok(area: str, group: str, serial: str) -> str | None:
    """'ssn', 'itin' or None for a 3-2-4 digit split."""
    if group == "00" or serial == "0000" or area + group + serial in _SSN_SAMPLES:
        return None
    if len(set(area + group + serial)) == 1:
        return None
    if area[0] == "9":
        return "itin" if int(group) in _ITIN_GROUPS else None
    if area in {"000", "666"}:
        return None
    return "ssn"


def _iban_span(text: str, s: int, e: int) -> int | None:
    """End of a valid IBAN starting at `s` (grouping kept), or None."""
    cand = text[s:e]
    length = _IBAN_LEN.get(cand[:2])
    if length is None:
        return None
    seps = {c for c in cand if c in " -"}
    if len(seps) > 1:
        return None
    count = 0
    for i, ch in enumerate(cand):
        if ch.isalnum():
            count += 1
            if count == length:
                end = i + 1
                if end < len(cand) and cand[end].isalnum():
                    return None  # the number runs on: not this IBAN
                compact = "".join(c for c in cand[:end] if c.isalnum())
                moved = compact[4:] + compact[:4]
                value = int("".join(str(int(c, 36)) for c in moved))
                return s + end if value % 97 == 1 else None
    return None


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _base58check(s: str) -> bool:
    n = 0
    for c in s:
        n = n * 58 + _B58.index(c)
    raw = n.to_bytes(25, "big") if n.bit_length() <= 200 else b""
    if len(raw) != 25:
        return False
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


def _bech32(s: str) -> bool:
    hrp, data = s[:2], [_B32.index(c) for c in s[3:]]
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk in (1, 0x2BC830A3)  # bech32, bech32m


def _vin_ok(vin: str) -> bool:
    """North American VIN check digit (49 CFR 565.15); needs letters and digits both."""
    if not (any(c.isdigit() for c in vin) and sum(c.isalpha() for c in vin) >= 2):
        return False
    values = "0123456789.ABCDEFGH..JKLMN.P.R..STUVWXYZ"
    weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    total = 0
    for c, w in zip(vin, weights, strict=True):
        v = int(c) if c.isdigit() else (values.index(c) - 10) % 10 + 1 if c in values else 0
        total += v * w
    check = total % 11
    return vin[8] == ("X" if check == 10 else str(check))


# First words of the keywords in _CONTEXT_IDS (whole words in the flat copy, see spans.py);
# "a/c" and "s/n" are looked up as they are written.
_KEYWORDS = (
    "mrn mr medical med chart patient hospital record records accession encounter visit member mbr "
    "mem membership subscriber policy insurance medicaid medicare mbi health plan beneficiary "
    "group rx rxbin pcn account acct bank checking savings invoice billing iban swift card cc "
    "driver drivers licence license dl dea certificate cert passport travel registration npi plate "
    "plates licen tag vin serial serials sn device udi imei meid lot model"
).split()
# Furthest a code's first digit lies from the start of its keyword ("medical record number:
# LFM-220847"): the longest keyword, a gap of three words and a code's 24 characters.
_CODE_REACH = 90

_PLATE_WORDS = frozenset({"plate", "plates", "tag", "tags"})  # whole words in every _PLATE match


@cache
def _bio_words() -> frozenset[str]:
    """First words of the biometric phrases ("finger prints", "fingerprint", "iris scan")."""
    phrases = expand(_BIOMETRIC.pattern.replace(r"\b", "").replace("(?i)", ""))
    if not phrases:
        raise ValueError("the biometric pattern must stay finite")
    return frozenset(p.split()[0] for p in phrases)


def anchor_words() -> list[str]:
    """Words an identifier keyword can start with (for the shared anchor scan in spans.py)."""
    return [*_KEYWORDS, *_bio_words(), *_PLATE_WORDS]


@cache
def _keyword_bytes() -> tuple[frozenset[str], tuple[bytes, ...]]:
    return frozenset(_KEYWORDS), tuple(w.encode() for w in _KEYWORDS)


def _context_starts(text: str, sc: Scan) -> list[int]:
    """Where a keyword-led code ("account #LFM-220847") can start: a keyword with a digit run
    close after it (the code needs three digits), or digits fused to one ("MRN00482913")."""
    words, prefixes = _keyword_bytes()
    runs = sc.starts
    starts: list[int] = []
    for w in words.intersection(sc.words):
        for p in sc.words[w]:
            i = bisect_right(runs, p)
            if i < len(runs) and runs[i] < p + _CODE_REACH:
                starts.append(p)
    fl = sc.flat
    for s, _ in sc.runs:
        if fl[s] != 32:
            ts = fl.rfind(b" ", 0, s + 1)
            if fl.startswith(prefixes, ts + 1):
                starts.append(ts)
    for key, flat_key in (("a/c", b" a c "), ("s/n", b" s n ")):
        if fl.find(flat_key) >= 0:  # not `in`: on bytes it tries the key as an int first
            low = text.lower()
            i = low.find(key)
            while i >= 0:
                starts.append(i)
                i = low.find(key, i + 1)
    return starts


def _numbers_fast(text: str, sc: Scan) -> list[Span]:
    """find_numbers, trying each pattern only where it can start (see spans.py)."""
    fl = sc.flat
    out: list[Span] = []
    if not _bio_words().isdisjoint(sc.words):
        out += [("BIOMETRIC", m.start(), m.end()) for m in _BIOMETRIC.finditer(text)]
    raw = sc.raw
    # `in` before count: most texts have no colon, and a MAC needs five
    if (":" in text and raw.count(b":") >= 5) or (
            "-" in text and raw.count(b"-") >= 5) or _DOTTED_HEX.search(raw):
        for m in _MAC.finditer(text):
            hexes = "".join(c for c in m.group().lower() if c not in ":-.")
            if hexes not in ("f" * 12, "0" * 12):
                out.append(("DEVICE_ID", m.start(), m.end()))
    if not sc.runs:
        return out
    # Where each shape can start, from the length of the digit run that opens it.
    ssn: list[int] = []  # 3-2-4, 5-4 or 9 digits
    card: list[int] = []  # 4-4-4-4, 4-6-5 or 12-19 digits
    mbi: list[int] = []  # a digit, then a letter
    iban: list[int] = []  # two capitals, then the check digits
    tokens: set[int] = set()  # tokens long enough for a VIN or a crypto address
    bech32: list[int] = []
    for s, e in sc.runs:
        n = e - s
        if fl[s] == 32:
            if n in (3, 5, 9):
                ssn.append(s)
            if n == 4 or 12 <= n <= 19:
                card.append(s)
            if n == 1 and text[s + 1 : s + 2].isalpha():
                mbi.append(s)
        if n >= 2 and s >= 2 and text[s - 2 : s].isupper():
            iban.append(s - 2)
        if fl[s] != 32 or fl[e + 1] != 32 or n >= 17:
            t = fl.rfind(b" ", 0, s + 1)
            if fl.find(b" ", t + 1) - t > 10:
                tokens.add(t)
            # s >= 1: a bytes slice from a negative start is empty in Python but not compiled
            if s >= 1 and fl[s - 1 : s + 1] == b"bc" and fl[s - 2] == 32 and text[s] == "1":
                bech32.append(s - 2)  # "bc1q..."
    if ssn and sc.digits >= 9:
        out += _ssns(text, matches_at(_SSN.match, text, ssn))
    if card and sc.digits >= 12:
        for m in matches_at(_CARD.match, text, card):
            if _card_ok("".join(c for c in m.group() if c.isdigit()), text, m.start()):
                out.append(("ACCOUNT", m.start(), m.end()))
    if mbi:
        out += [("HEALTH_PLAN_ID", m.start(), m.end()) for m in matches_at(_MBI.match, text, mbi)]
    for m in matches_at(_IBAN.match, text, iban) if iban else ():
        end = _iban_span(text, m.start(), m.end())
        if end is not None:
            out.append(("ACCOUNT", m.start(), end))
    if tokens:
        out += _crypto(text, matches_at(_CRYPTO.match, text, tokens))
        vins = matches_at(_VIN.match, text, [t for t in tokens if fl.find(b" ", t + 1) - t == 18])
        out += [("VEHICLE", m.start(), m.end()) for m in vins if _vin_ok(m.group())]
    for i in bech32:
        out += _crypto(text, matches_at(_CRYPTO.match, text, [i]))
    if not _PLATE_WORDS.isdisjoint(sc.words):
        out += [("VEHICLE", m.start("code"), m.end("code")) for m in _PLATE.finditer(text)]
    if sc.digits >= 3:
        found = _context_starts(text, sc)
        if found:
            out += _contexts(text, matches_at(_CONTEXT.match, text, found))
    return out


def _ssns(text: str, found: Iterable[regex.Match[str]]) -> list[Span]:
    out: list[Span] = []
    for m in found:
        d1, d2 = m.group(2), m.group(4)
        if (d1 and d2 and d1 != d2) or (bool(d1) != bool(d2) and "-" not in (d1 + d2)):
            continue  # mixed separators; a lone separator must be a dash ("078-051121")
        if _ssn_ok(m.group(1), m.group(3), m.group(5)):
            out.append(("SSN", m.start(), m.end()))
    return out


def _crypto(text: str, found: Iterable[regex.Match[str]]) -> list[Span]:
    out: list[Span] = []
    for m in found:
        c = m.group()
        if (c[0] in "13" and _base58check(c)) or (c.startswith("bc1") and _bech32(c)):
            out.append(("ACCOUNT", m.start(), m.end()))
    return out


def _contexts(text: str, found: Iterable[regex.Match[str]]) -> list[Span]:
    out: list[Span] = []
    for m in found:
        kind = next(k for k, _ in _CONTEXT_IDS if m.group(k))
        if kind == "LICENSE" and m.group(kind).lower() == "npi":
            continue  # a provider's number, not a patient's
        if kind == "VEHICLE" and m.group(kind).lower() != "vin":
            continue  # plates are matched with their state code by _PLATE
        code = m.group("code")
        if kind == "ACCOUNT" and _CARD_WORD.match(m.group(kind)) and not code.isalpha():
            digits = "".join(c for c in code if c.isdigit())
            if len(digits) >= 12 and digits == code.replace("-", "").replace(" ", "") and not luhn(
                digits
            ):
                continue  # a card number that fails its checksum is a typo, not a card
        out.append((kind, m.start("code"), m.end("code")))
    return out


def find_numbers(text: str) -> list[Span]:
    """Identifier number spans with their PHI type."""
    sc = scan(text)
    if not sc.exotic:
        return _numbers_fast(text, sc)
    out: list[Span] = _ssns(text, _SSN.finditer(text))
    for m in _CARD.finditer(text):
        if _card_ok("".join(c for c in m.group() if c.isdigit()), text, m.start()):
            out.append(("ACCOUNT", m.start(), m.end()))
    for m in _IBAN.finditer(text):
        end = _iban_span(text, m.start(), m.end())
        if end is not None:
            out.append(("ACCOUNT", m.start(), end))
    out += _crypto(text, _CRYPTO.finditer(text))
    out += [("HEALTH_PLAN_ID", m.start(), m.end()) for m in _MBI.finditer(text)]
    for m in _MAC.finditer(text):
        hexes = "".join(c for c in m.group().lower() if c not in ":-.")
        if hexes not in ("f" * 12, "0" * 12):
            out.append(("DEVICE_ID", m.start(), m.end()))
    out += [("VEHICLE", m.start(), m.end()) for m in _VIN.finditer(text) if _vin_ok(m.group())]
    out += [("VEHICLE", m.start("code"), m.end("code")) for m in _PLATE.finditer(text)]
    out += _contexts(text, _CONTEXT.finditer(text))
    out += [("BIOMETRIC", m.start(), m.end()) for m in _BIOMETRIC.finditer(text)]
    return out
