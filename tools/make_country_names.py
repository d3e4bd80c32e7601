"""Generate kzafrica/answers/country_names.py: every ISO 3166-1 country under the names
newspapers use.

    python tools/make_country_names.py           # rewrite the table from the installed sources
    python tools/make_country_names.py --check   # exit 1 if the table differs from them

The sources are the versions pinned in pyproject.toml's test extra (``pip install
'.[test]'``); tests/test_countries.py regenerates the table in memory and compares.

- pycountry: ISO 3166-1 (alpha-2 and alpha-3 codes, names, official and common names) and
  ISO 3166-3 (former names, each under the code that replaced it: Zaire under CD).
- countryinfo (the restcountries data): each country's name and alternative spellings
  ('DR Congo', 'Ivory Coast', 'Swaziland', 'Turkey'), for the ISO 3166-1 countries only,
  and only from an entry that shares a name with pycountry's country of the same code
  (so its 'Wales' entry, coded GB, is left out).

Names are compared by kzafrica.answers.countries.key, the rule the lookup uses. A key that the
sources give to two countries is an error. Variants derived here ('Republic of' added,
taken away or put after a comma, 'Congo, The Democratic Republic of the' turned round, a
bracket left out)
are kept only where unambiguous: no other country has the key, nor a name containing its
words ('Korea' from 'Republic of Korea' is dropped: 'North Korea' has the word).
Standard library plus the two sources.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
import textwrap
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: the folding rule is the package's

from kzafrica.answers.countries import key  # noqa: E402

TABLE = ROOT / "kzafrica" / "answers" / "country_names.py"
SOURCES = ("pycountry", "countryinfo")
_REPUBLIC = "republic "  # key("Republic of the ...") starts so; 'of' and 'the' fold away


class CollisionError(Exception):
    """Two countries under one key: the sources disagree, or the folding is too loose."""


class Table(NamedTuple):
    """The generated table: name keys -> code, code -> display name, and what was left out."""

    versions: dict[str, str]
    names: dict[str, str]
    display: dict[str, str]
    dropped: dict[str, str]  # derived key -> why it was left out


def build() -> Table:
    """The table from the installed sources."""
    import pycountry
    from countryinfo import CountryInfo

    versions = {name: importlib.metadata.version(name) for name in SOURCES}
    current = {c.alpha_2: c for c in pycountry.countries}
    codes: dict[str, set[str]] = defaultdict(set)  # code -> its alpha-2 and alpha-3
    given: dict[str, set[str]] = defaultdict(set)  # code -> names as the sources spell them
    short: dict[str, set[str]] = defaultdict(set)  # code -> names 'Republic of' may precede
    display: dict[str, str] = {}
    for code, country in current.items():
        codes[code] |= {country.alpha_2, country.alpha_3}
        iso = [_attr(country, a) for a in ("name", "official_name", "common_name")]
        given[code] |= {n for n in iso if n}
        short[code] |= {n for n in (iso[0], iso[2]) if n}
        display[code] = _attr(country, "common_name") or _turned(country.name) or country.name
    for former in pycountry.historic_countries:
        successor = former.alpha_4[2:]  # ISO 3166-3: ZRCD is ZR, now CD; HH is no one
        if successor in current:
            # pycountry spells these "Short, official": "Zaire, Republic of".
            given[successor] |= {former.name, former.name.split(",")[0]}
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2", "")
        spelled = {n.strip() for n in [info["name"], *(info.get("altSpellings") or [])]}
        spelled.discard("")
        if code in current and {key(n) for n in spelled} & {key(n) for n in given[code]}:
            given[code] |= spelled
            short[code].add(info["name"])
    for code in short:  # 'Republic of Togo' is Togo, 'Republic of Andorra' no one
        if not any("republic" in key(n).split() for n in given[code]):
            short[code] = set()
    names, dropped = _keys(codes, given, short)
    for code, shown in display.items():
        if names.get(key(shown)) != code:
            raise CollisionError(f"display name {shown!r} of {code} does not resolve to it")
    return Table(versions, names, display, dropped)


def _attr(country: object, name: str) -> str:
    return str(getattr(country, name, "") or "")


def _turned(name: str) -> str | None:
    """'Congo, The Democratic Republic of the' -> 'Democratic Republic of the Congo';
    'Virgin Islands, British' -> 'British Virgin Islands'; None where a comma lists
    ('Bonaire, Sint Eustatius and Saba') rather than inverts."""
    head, sep, tail = name.partition(", ")
    words = tail.split()
    if not sep or "," in tail or not words:
        return None
    if len(words) == 1 or words[-1].lower() in ("of", "the"):
        turned = f"{tail} {head}"
        return turned[4:] if turned.startswith("The ") else turned
    return None


def _spellings(name: str) -> Iterator[str]:
    """The name, and the same name with apostrophes as spaces ('Cote d Ivoire')."""
    yield name
    for mark in "'’":
        if mark in name:
            yield name.replace(mark, " ")


def _derived(name: str, short: bool) -> Iterator[str]:
    """Keys of variants of a source name, each to be checked for ambiguity."""
    forms = {name}
    turned = _turned(name)
    if turned:
        forms.add(turned)
    if "(" in name:
        forms.add(name.split("(")[0])
    for form in forms:
        for spelling in _spellings(form):
            k = key(spelling)
            yield k
            if k.startswith(_REPUBLIC):
                yield k[len(_REPUBLIC) :]  # 'Zaire'
                yield k[len(_REPUBLIC) :] + " republic"  # 'Congo, Republic of'
            elif short and "republic" not in k.split():
                yield _REPUBLIC + k


def _keys(
    codes: dict[str, set[str]], given: dict[str, set[str]], short: dict[str, set[str]]
) -> tuple[dict[str, str], dict[str, str]]:
    """Every key -> code: codes and source names (a collision is an error), then derived
    variants where unambiguous."""
    names: dict[str, str] = {}
    origin: dict[str, str] = {}
    for code in sorted(codes):
        sourced = [(c, f"code {c}") for c in codes[code]]
        sourced += [(s, repr(n)) for n in given[code] for s in _spellings(n)]
        for spelling, what in sorted(sourced):
            k = key(spelling)
            if not k:
                continue
            if names.setdefault(k, code) != code:
                raise CollisionError(f"{k!r} is both {names[k]} ({origin[k]}) and {code} ({what})")
            origin.setdefault(k, what)
    words = _word_runs(names)
    candidates: dict[str, set[str]] = defaultdict(set)
    for code in sorted(given):
        for name in given[code]:
            for k in _derived(name, name in short[code]):
                if k and names.get(k) != code:
                    candidates[k].add(code)
    dropped: dict[str, str] = {}
    for k, owners in sorted(candidates.items()):
        wanted_by = f"for {', '.join(sorted(owners))}"
        if k in names:
            dropped[k] = f"{wanted_by}, a name of {names[k]}"
        elif len(owners) > 1:
            dropped[k] = f"{wanted_by}, all of them"
        elif words.get(k, set()) - owners:
            dropped[k] = f"{wanted_by}, in a name of {', '.join(sorted(words[k] - owners))}"
        else:
            names[k] = next(iter(owners))
    return dict(sorted(names.items())), dropped


def _word_runs(names: dict[str, str]) -> dict[str, set[str]]:
    """Every run of whole words inside a key -> the codes whose keys contain it."""
    runs: dict[str, set[str]] = defaultdict(set)
    for k, code in names.items():
        words = k.split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                runs[" ".join(words[start:end])].add(code)
    return runs


def render(table: Table) -> str:
    """The text of kzafrica/answers/country_names.py.

    The names are one string of 'CODE key' lines, grouped by country, parsed on import:
    Python compiles that several times faster than a dict display of 1,600 entries, which
    counts wherever no bytecode is cached."""
    sources = ", ".join(f"{name} {version}" for name, version in table.versions.items())
    left_out = "; ".join(f"{k!r} {why}" for k, why in table.dropped.items()) or "none"
    by_country = sorted(table.names.items(), key=lambda item: (item[1], item[0]))
    names = [f"{code} {k}" for k, code in by_country]
    display = [f"{code} {name}" for code, name in sorted(table.display.items())]
    for line in names + display:
        if not line.isprintable() or '"' in line or "\\" in line:
            raise ValueError(f"cannot write {line!r} into the table")
    lines = [
        '"""Every ISO 3166-1 country under the names newspapers use, for --country.',
        "",
        "GENERATED by tools/make_country_names.py from the installed sources; do not edit,",
        "rerun it. tests/test_countries.py checks this file against them.",
        "",
        f"Sources: {sources}.",
        "- pycountry: ISO 3166-1 alpha-2 and alpha-3 codes, names, official and common names;",
        "  ISO 3166-3 former names, under the code that replaced them (Zaire: CD).",
        "- countryinfo: each country's name and alternative spellings ('DR Congo', 'Ivory",
        "  Coast', 'Swaziland', 'Turkey'), where the entry shares a name with pycountry's.",
        "Derived where unambiguous: 'Republic of' added (to a republic), taken away or put",
        "after a comma; inverted names turned round; brackets left out.",
        *textwrap.wrap(f"Derived but ambiguous, so left out: {left_out}.", 88),
        "",
        "NAMES: kzafrica.answers.countries.key() of each name or code -> ISO 3166-1 alpha-2 code.",
        "DISPLAY: alpha-2 code -> English name for messages (pycountry's common name or name).",
        '"""',
        "",
        f"SOURCES = {_literal(table.versions)}",
        "",
        f"# {len(names)} lines 'CODE key', by country.",
        '_NAMES = """\\',
        *names,
        '"""',
        "",
        f"# {len(display)} lines 'CODE name'.",
        '_DISPLAY = """\\',
        *display,
        '"""',
        "",
        "NAMES: dict[str, str] = {line[3:]: line[:2] for line in _NAMES.splitlines()}",
        "DISPLAY: dict[str, str] = {line[:2]: line[3:] for line in _DISPLAY.splitlines()}",
    ]
    return "\n".join(lines) + "\n"


def _literal(mapping: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_quoted(k)}: {_quoted(v)}" for k, v in mapping.items()) + "}"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a valid Python literal, double-quoted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on drift")
    parser.add_argument("--verbose", action="store_true", help="list the variants left out")
    args = parser.parse_args(argv)
    table = build()
    if args.verbose:
        for k, why in table.dropped.items():
            print(f"left out {k!r} {why}", file=sys.stderr)
    text = render(table)
    if args.check:
        same = TABLE.exists() and TABLE.read_text(encoding="utf-8") == text
        print(f"{TABLE.name} is {'up to date' if same else 'out of date: rerun without --check'}")
        return 0 if same else 1
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.name}: {len(table.names)} names of {len(table.display)} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
