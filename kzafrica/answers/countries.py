"""Which country a ``--country`` value names, under any name a newspaper uses.

The fact base's own countries come first: their names, aliases, codes and demonyms
(kzafrica/answers/demonyms.py). Then every ISO 3166-1 country under its official, short, common
and former names, from the table in kzafrica/answers/country_names.py, which
tools/make_country_names.py generates from well-kept sources. That table is imported
only when the fact base does not know the value, so the common case never pays for it.

Every name is compared by :func:`key` (the one folding of text,
:func:`kzafrica.answers.textfold.comparable`, with its own marks), which the generator uses
too: 'Côte d’Ivoire', "COTE D'IVOIRE" and 'Cote dIvoire' are one key, and so are
'Republic of the Congo' and 'Republic of Congo', but never 'Democratic Republic of the
Congo'. No Typer, no Rich, no printing.
"""

import functools
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from kzafrica.answers.demonyms import DEMONYMS
from kzafrica.answers.textfold import APOSTROPHES, comparable
from kzafrica.store.factbase import Record

# Apostrophes of every kind ("d'Ivoire", "d’Ivoire", "People's"; the ʻokina too, which
# fold keeps as a letter) and the full stops of abbreviations ("U.S.", "St.", "Rep.") are
# left out; "&" is "and". Every other character that is not a letter or digit (hyphens,
# dashes, commas, brackets, slashes) parts words.
_SPELLING = {**dict.fromkeys(map(ord, f"'{APOSTROPHES}ʻ."), None), ord("&"): " and "}
# Words that never tell two countries apart: "The Gambia" is Gambia, "Republic of the
# Congo" is "Republic of Congo". "Democratic" and "Republic" are kept: they do.
_NOISE = frozenset({"the", "of"})
# Abbreviations a newspaper uses in country names, read as the word they stand for.
_WORDS = {"st": "saint", "ste": "sainte", "rep": "republic", "dem": "democratic"}


def key(text: str) -> str:
    """The form in which names are compared: case, accents, apostrophes and punctuation
    do not count, '&' is 'and'; in a name of several words 'the' and 'of' do not count
    either, and 'St.', 'Rep.' and 'Dem.' stand for their words."""
    # The one folding of text, with this comparison's marks: spelling marks count for
    # nothing here (fold makes them plain), as 'Cote dIvoire' is how a name gets typed.
    spaced = "".join(c if c.isalnum() else " " for c in comparable(text, _SPELLING))
    words = spaced.split()
    if len(words) > 1:  # alone, 'ST' is São Tomé and Príncipe's code
        words = [_WORDS.get(word, word) for word in words if word not in _NOISE]
    return " ".join(words)


class CountryMatch(NamedTuple):
    """A resolved --country value: the fact-base id, or None for a real country the
    fact base does not mention (an empty result, not an error)."""

    id: str | None
    name: str
    code: str


def resolve(countries: Iterable[Record], text: str) -> CountryMatch | None:
    """The country ``text`` names, or None when it names none.

    ``countries`` are the fact base's country records; they are searched first.
    """
    wanted = key(text)
    if not wanted:
        return None
    known = {record["code"]: record for record in countries}
    code = _index(known.values()).get(wanted) or _demonyms().get(wanted)
    if code is None:
        code = _table()[0].get(wanted)  # only now the whole world's names
    if code is None:
        return None
    record = known.get(code)
    if record is not None:
        return CountryMatch(record["id"], record["name"], code)
    return CountryMatch(None, _table()[1][code], code)


def suggest(countries: Iterable[Record], text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` country names close to ``text``, best first: the fact base's
    names for its own countries, the table's display names for the rest."""
    import difflib  # only for a name that is no country

    records = list(countries)
    known = {record["code"]: record["name"] for record in records}
    names, display = _table()
    candidates = {**names, **_demonyms(), **_index(records)}
    # Codes are no suggestion: 'KEN' is not close to 'Kenya' in any useful way.
    words = [name for name in candidates if len(name) > 3]
    close = difflib.get_close_matches(key(text), words, n=limit * 4, cutoff=0.6)
    out: list[str] = []
    for name in close:
        code = candidates[name]
        shown = known.get(code) or display[code]
        if shown not in out:
            out.append(shown)
    return out[:limit]


def _index(countries: Iterable[Record]) -> dict[str, str]:
    """Key of every name, alias, code or demonym -> alpha-2 code, for the fact base's
    countries."""
    index: dict[str, str] = {}
    for record in countries:
        # The id too, as `countries` shows it: 'burkina-faso' names Burkina Faso.
        names = [record["id"], record["name"], record["code"], record.get("code3", "")]
        names += [*record.get("aliases", []), *DEMONYMS.get(record["code"], ())]
        index.update((key(name), record["code"]) for name in names if name)
    return index


@functools.cache
def _demonyms() -> dict[str, str]:
    """Key of every demonym -> alpha-2 code, for any country: the table has none."""
    return {key(name): code for code, names in DEMONYMS.items() for name in names}


@functools.cache
def _table() -> tuple[Mapping[str, str], Mapping[str, str]]:
    """(key of every known name or code -> alpha-2 code, alpha-2 code -> display name)."""
    from kzafrica.answers import country_names  # generated; imported only when the fact base misses

    return country_names.NAMES, country_names.DISPLAY
