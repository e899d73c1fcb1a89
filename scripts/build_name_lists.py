#!/usr/bin/env python3
"""Regenerate the guard's name and common-word lists from their public sources.

Run from a throwaway virtual environment (these packages are build-time only, never runtime
dependencies of bedside):

    python -m venv /tmp/namesvenv
    /tmp/namesvenv/bin/pip install names==0.3.0 faker wordfreq english-words
    /tmp/namesvenv/bin/python scripts/build_name_lists.py

Sources (see src/bedside/guard/data/NOTICE-names.md):
- US Census 1990 name frequency lists, as shipped by the PyPI package `names` (public domain).
- Per-locale first/last name providers of the PyPI package `faker` (MIT).
- English word frequencies from the PyPI package `wordfreq` (data CC BY-SA 4.0) and the Webster's
  Second International word list (web2, public domain) from the PyPI package `english-words`.
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
import unicodedata
from pathlib import Path

import faker.providers.address.en as faker_address_en
import faker.providers.address.en_US as faker_address_us
import faker.providers.person as faker_person
import names
from english_words import get_english_words_set
from wordfreq import top_n_list, zipf_frequency

OUT = Path(__file__).resolve().parents[1] / "src" / "bedside" / "guard" / "data"
CENSUS_LAST_LIMIT = 50_000  # the rarer tail of the 88,799 surnames is mostly noise
COMMON_ZIPF = 3.0  # about once per million words: "common" enough to need evidence
# A name's expected zipf frequency from its Census share: log10(share) + OFFSET, calibrated so
# that "john" (3.27% of men, zipf 5.4) scores about its real frequency.
OFFSET = 6.7
WORD_MARGIN = 0.3  # word sense must be about twice as frequent as the name sense
OBSCURE_ZIPF = 3.6  # a non-dictionary word rarer than this is read as a name
# Words that are also names but read as words unless there is evidence (a title, an adjacent
# name, a greeting): months, virtues and everyday words the frequency test can miss.
FORCED_COMMON = """
will may rose hope grant bill mark brown young king long hill park lane ward chase faith joy
dawn april june august max guy page best cure summer autumn winter spring sunny star love
grace honey candy bliss glory mercy charity patience destiny harmony melody sky river storm
""".split()


def _key(word: str) -> str:
    return unicodedata.normalize("NFKC", word).strip().lower()


def _fold(word: str) -> str:
    """The guard's lookup form (namelists.fold): lower case, accents stripped."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def census(filename: str) -> dict[str, float]:
    path = Path(os.path.dirname(names.__file__)) / filename
    out: dict[str, float] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if parts:
            out[_key(parts[0])] = float(parts[1])
    return out


def faker_names() -> tuple[set[str], set[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for mod in pkgutil.iter_modules(faker_person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        for attr, bucket in (("first_names", first), ("first_names_male", first),
                             ("first_names_female", first), ("last_names", last),
                             ("first_romanized_names", first), ("last_romanized_names", last)):
            values = getattr(provider, attr, ())
            if not isinstance(values, (list, tuple, dict, set, frozenset)):
                continue  # some locales compute these lists as properties
            for name in values:
                for part in _key(name).replace("-", " ").split():
                    if len(part) >= 2 and all(c.isalpha() or c == "'" for c in part):
                        bucket.add(part)
    return first, last


def write(name: str, header: str, words: set[str]) -> None:
    body = "\n".join(sorted({_fold(w) for w in words}))
    (OUT / name).write_text(f"# {header}\n{body}\n", encoding="utf-8")
    print(f"{name}: {len(words)} entries")


def main() -> None:
    male, female = census("dist.male.first"), census("dist.female.first")
    last_all = census("dist.all.last")
    last_census = dict(list(last_all.items())[:CENSUS_LAST_LIMIT])
    fk_first, fk_last = faker_names()
    first = set(male) | set(female) | fk_first
    last = set(last_census) | fk_last
    share = {k: max(male.get(k, 0.0), female.get(k, 0.0), last_all.get(k, 0.0)) for k in
             first | last}
    web2_lower = {w for w in get_english_words_set(["web2"], lower=False, alpha=True)
                  if w.islower()}

    common: set[str] = set()
    for word in top_n_list("en", 60_000):
        if not word.isalpha() or len(word) < 2:
            continue
        z = zipf_frequency(word, "en")
        if z < COMMON_ZIPF:
            break
        if word in share:
            name_z = math.log10(share[word] / 100) + OFFSET if share[word] > 0 else 0.0
            if word not in web2_lower:
                # Not a dictionary word: a place ("springfield") unless people bear it often
                # ("greg") or it is too rare to matter ("okafor").
                if z < OBSCURE_ZIPF or z - name_z <= 1.0:
                    continue
            elif z - name_z <= WORD_MARGIN:
                continue  # the name sense dominates: "mary"
        common.add(word)

    common.update(FORCED_COMMON)
    # Countries, US states and street types read as places, not names, unless they are also a
    # first name borne by at least 1 in 2,000 Americans ("Virginia", "Georgia").
    places = [*faker_address_en.Provider.countries, *faker_address_us.Provider.states,
              *faker_address_us.Provider.street_suffixes]
    for place in places:
        for part in _key(place).split():
            if part.isalpha() and max(male.get(part, 0.0), female.get(part, 0.0)) < 0.05:
                common.add(part)
    # Very frequent function words ("to", "he", "just") that some locales list as names.
    for word in list(first | last):
        if word in common and word not in FORCED_COMMON and zipf_frequency(word, "en") >= 5.0 and (
                max(male.get(word, 0.0), female.get(word, 0.0)) < 0.1):
            first.discard(word)
            last.discard(word)
    src = "US Census 1990 (public domain) via PyPI `names`; faker person providers (MIT)"
    write("names_first.txt", f"First names, lower case. {src}.", first)
    write("names_last.txt", f"Surnames, lower case. {src}.", last)
    write("words_common.txt",
          "Common English words (zipf >= 3) whose word sense outweighs any name sense. "
          "wordfreq (CC BY-SA 4.0) and web2 (public domain).", common)


if __name__ == "__main__":
    main()
