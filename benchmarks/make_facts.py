"""Generate a synthetic but valid kzafrica fact file of about N records, for speed tests.

    python benchmarks/make_facts.py --records 10000 -o facts-10k.yaml
    python benchmarks/make_facts.py --records 100000 --articles 1000 -o big/facts.yaml

The records are made up, but they follow every rule of ``kzafrica.factfile.models.FactsFile`` and
of validation: every collection is present, ids are unique, references point at records
of the right kind, dates and ranges are valid, every excerpt of ``evidence`` is a sentence
of the shipped article (chosen at random, so it does not state the record), and quotes
are the article's quotes, in the sentence that holds them. Most records are visits,
spread over 54 African countries and Kazakhstan (``--country Rwanda`` finds some). The
output is deterministic for a given ``--seed`` and has no YAML anchors, aliases or tags,
so the project's strict loader accepts it.

With ``--articles M`` above 1 the records are spread over M synthetic articles whose texts
(the sentences their records cite) are written to ``sources/`` beside the output file, and
listed in ``articles``: see synthetic_articles.py. With 1 (the default) the one article is
the shipped one, in the single ``article`` form.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from kzafrica.factfile import articles, excerpts

Rec = dict[str, Any]
HERE = Path(__file__).resolve().parent

try:
    from yaml import CSafeDumper as _FastDumper  # libyaml emitter: about 10x faster
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _FastDumper  # type: ignore[assignment]


class NoAliasDumper(_FastDumper):
    """A safe dumper that writes repeated objects out in full instead of as aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


# (name, ISO 3166-1 alpha-2 and alpha-3 codes, capital, aliases): a data file beside this.
AFRICA: list[tuple[str, str, str, str, list[str]]] = [
    (name, code, code3, capital, aliases.split("|") if aliases else [])
    for name, code, code3, capital, aliases in (
        line.split("\t")
        for line in (Path(__file__).with_name("african_countries.tsv"))
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    )
]
KZ = "kazakhstan"
# The collections of facts.yaml, in the order of kzafrica.factfile.models.COLLECTIONS.
ORDER = ["countries", "places", "people", "organizations", "visits", "events", "trade"]
ORDER += ["goods", "missions", "memberships", "strategies", "figures", "initiatives"]
ORDER += ["areas", "quotes", "statements"]
KZ_CITIES = ["Astana", "Almaty", "Shymkent"]

# Share of the non-country records each collection gets; visits take the rest.
SHARES: dict[str, float] = {
    "places": 0.04,
    "people": 0.08,
    "organizations": 0.03,
    "events": 0.06,
    "trade": 0.015,
    "goods": 0.015,
    "missions": 0.015,
    "memberships": 0.015,
    "strategies": 0.015,
    "figures": 0.015,
    "initiatives": 0.015,
    "areas": 0.015,
    "quotes": 0.015,
    "statements": 0.015,
}

# Names to combine; written compactly (one per line they would fill a screen).
# fmt: off
FIRST = ["Amina", "Kwame", "Fatou", "Jean", "Aisha", "Moussa", "Grace", "Ibrahim", "Thandiwe",
         "Samuel", "Nadia", "Oumar"]
LAST = ["Diallo", "Mensah", "Okafor", "Traoré", "Mwangi", "Banda", "Ndlovu", "Keita", "Haile",
        "Sow", "Abebe", "Nkosi"]
KZ_FIRST = ["Aibek", "Murat", "Dana", "Yerlan", "Aigerim", "Askar", "Saule", "Nurlan"]
KZ_LAST = ["Nurtleu", "Smadiyarov", "Zhaksybekov", "Abenova", "Tokayev", "Sultanov", "Bekova",
           "Omarov"]
SYLLABLES = ["ka", "ni", "bo", "la", "mu", "se", "ro", "ta", "ga", "di", "we", "ya", "zu", "me",
             "ko"]
GOODS = ["wheat flour", "sunflower oil", "fertilizers", "steel", "cotton", "cocoa", "coffee",
         "copper ore"]
# fmt: on
# (role template, level)
ROLES: list[tuple[str, str]] = [
    ("President of {c}", "head of state"),
    ("Prime Minister of {c}", "head of state"),
    ("Minister of Foreign Affairs of {c}", "minister"),
    ("Minister of Trade of {c}", "minister"),
    ("Minister of Agriculture of {c}", "minister"),
    ("Ambassador of {c}", "envoy"),
    ("Special Representative of the President of {c}", "envoy"),
]
# (name template, type); None: the name gives no type the model offers.
ORG_TEMPLATES: list[tuple[str, str | None]] = [
    ("Ministry of Foreign Affairs of {c}", "ministry"),
    ("Ministry of Trade of {c}", "ministry"),
    ("Investment Promotion Agency of {c}", None),
    ("Mining Board of {c}", None),
    ("National Development Fund of {c}", "fund"),
    ("{c} Business Forum", "forum"),
]
AREAS = ["trade", "technology", "agriculture", "critical minerals", "education", "health", "energy"]
# Evidence must be the article's words: its sentences, and quotes found in them.
ARTICLE = articles.text("article.txt", None) or ""
SENTENCES = [ARTICLE[s.start : s.end] for s in excerpts.sentences(ARTICLE)]
PHRASES = [
    "Our two countries are good friends and partners",
    "our two countries are eager to learn from each other",
    "benefit immensely from Kazakhstan’s know-how",
    "We view Africa as an equal partner",
    "Africa represents 54 out of 193 UN member states",
]
STATEMENT = "The African continent is taking on an increasingly important role"


def holding(words: str) -> str:
    """The article's sentence that holds ``words``."""
    return next(sentence for sentence in SENTENCES if words in sentence)


def slug(text: str) -> str:
    """A valid id from a name: 'Côte d'Ivoire' -> 'cote-d-ivoire'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class Builder:
    """Builds the collections in dependency order; each method appends one record."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.data: dict[str, list[Rec]] = {}
        self.names: dict[str, str] = {}  # id -> name, for evidence sentences
        self.places_in: dict[str, list[str]] = {}
        self.people_of: dict[str, list[str]] = {}
        self.level_of: dict[str, str] = {}
        self.forums: list[str] = []

    def add(self, key: str, record: Rec) -> str:
        self.data.setdefault(key, []).append(record)
        return str(record["id"])

    def new_id(self, key: str) -> str:
        return f"{key.rstrip('s')}-{len(self.data.get(key, [])) + 1}"

    def date(self, rec: Rec, lo: int = 2012, hi: int = 2027) -> str:
        """Set a date of random precision (sometimes a range) on ``rec``; return it."""
        year = self.rng.randint(lo, hi)
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 25)
        precision = self.rng.random()
        if precision < 0.15:
            rec["date"] = f"{year}"
        elif precision < 0.35:
            rec["date"] = f"{year}-{month:02d}"
        else:
            rec["date"] = f"{year}-{month:02d}-{day:02d}"
            if self.rng.random() < 0.3:
                rec["end"] = f"{year}-{month:02d}-{day + self.rng.randint(1, 3):02d}"
        if self.rng.random() < 0.1:
            rec["approximate"] = True
        return str(rec["date"])

    def status(self, date: str) -> str:
        return "planned" if date > "2025-06-03" else "held"

    def excerpt(self) -> str:
        """A sentence of the article, as a record's evidence."""
        return self.rng.choice(SENTENCES)

    def pick(self, key: str) -> str:
        return str(self.rng.choice(self.data[key])["id"])

    def country(self, name: str, code: str, code3: str, aliases: list[str]) -> None:
        rec: Rec = {"id": slug(name), "name": name, "code": code, "code3": code3}
        if aliases:
            rec["aliases"] = list(aliases)
        rec["evidence"] = [self.excerpt()]
        self.names[self.add("countries", rec)] = name

    def place(self, name: str, country: str) -> None:
        pid = self.add(
            "places",
            {
                "id": self.new_id("places"),
                "name": name,
                "country": country,
                "evidence": [self.excerpt()],
            },
        )
        self.names[pid] = name
        self.places_in.setdefault(country, []).append(pid)

    def organization(self, name: str, kind: str | None, country: str | None, **extra: str) -> str:
        rec: Rec = {"id": self.new_id("organizations"), "name": name}
        if kind is not None:
            rec["type"] = kind
        if country is not None:
            rec["country"] = country
            if self.rng.random() < 0.5:
                rec["place"] = self.places_in[country][0]
        rec.update(extra)
        rec["evidence"] = [self.excerpt()]
        oid = self.add("organizations", rec)
        self.names[oid] = name
        if kind == "forum":
            self.forums.append(oid)
        return oid

    def person(self, country: str) -> None:
        kz = country == KZ
        first = self.rng.choice(KZ_FIRST if kz else FIRST)
        name = f"{first} {self.rng.choice(KZ_LAST if kz else LAST)}"
        template, level = self.rng.choice(ROLES)
        role = template.format(c=self.names[country])
        rec: Rec = {"id": self.new_id("people"), "name": name, "role": role}
        if self.rng.random() < 0.1:
            rec["former"] = True
        rec["country"] = country
        if self.rng.random() < 0.5:
            rec["organization"] = self.pick("organizations")
        rec["evidence"] = [self.excerpt()]
        pid = self.add("people", rec)
        self.names[pid] = name
        self.level_of[pid] = level
        self.people_of.setdefault(country, []).append(pid)

    def visit(self, partner: str) -> None:
        inbound = self.rng.random() < 0.6
        origin, destination = (partner, KZ) if inbound else (KZ, partner)
        rec: Rec = {"id": self.new_id("visits")}
        date = self.date(rec)
        form = self.rng.choice(["visit", "official visit", "delegation", "forum attendance"])
        rec.update(status=self.status(date), form=form)
        candidates = self.people_of.get(origin, [])
        if candidates and self.rng.random() < 0.8:
            visitors = self.rng.sample(candidates, min(len(candidates), self.rng.choice([1, 1, 2])))
            rec.update(level=self.level_of[visitors[0]], visitors=visitors)
            who = " and ".join(self.names[v] for v in visitors)
        else:
            who = f"the Foreign Minister of {self.names[origin]}"
            rec.update(level="minister", visitor_role=who)
        rec["origin"] = [origin]
        rec["destination"] = destination
        place = self.rng.choice(self.places_in[destination])
        rec["place"] = place
        if form == "forum attendance" and self.forums:
            rec["occasion"] = self.rng.choice(self.forums)
        if self.rng.random() < 0.2:
            rec.update(ordinal=2, note="second visit")
        rec["as_stated"] = f"on {date}"
        rec["evidence"] = [self.excerpt()]
        self.add("visits", rec)

    def event(self) -> None:
        kind = self.rng.choice(
            ["meeting", "address", "agreement", "press briefing", "shipment", "expo"]
        )
        rec: Rec = {"id": self.new_id("events"), "type": kind}
        date = self.date(rec)
        place = self.pick("places")
        rec.update(status=self.status(date), title=f"{kind} in {self.names[place]}")
        people = self.rng.sample(self.data["people"], min(2, len(self.data["people"])))
        rec["people"] = [p["id"] for p in people]
        rec["countries"] = [KZ, self.rng.choice(self.data["countries"][1:])["id"]]
        rec["organizations"] = [self.pick("organizations")]
        rec.update(place=place, subject=self.rng.choice(AREAS))
        rec["evidence"] = [self.excerpt()]
        self.names[self.add("events", rec)] = rec["title"]

    def quote(self) -> None:
        speaker = self.pick("people")
        text = self.rng.choice(PHRASES)
        rec: Rec = {"id": self.new_id("quotes"), "speaker": speaker, "text": text}
        rec["date"] = f"{self.rng.randint(2015, 2025)}-{self.rng.randint(1, 12):02d}"
        rec["occasion"] = self.pick("events")
        if self.rng.random() < 0.3:
            rec["partial"] = True
        if len(self.data.get("quotes", [])) % 4 == 0:  # some values derived, as the real file has
            why = "said at that event"  # (no random draw: the rest of the file stays as it was)
            rec["derived"] = [{"field": "date", "from": rec["occasion"], "why": why}]
        rec["evidence"] = [holding(text)]
        self.add("quotes", rec)

    def other(self, key: str) -> None:
        """One record of a small collection: trade, goods, missions and the rest."""
        if key == "quotes":
            self.quote()
            return
        rng = self.rng
        rec: Rec = {"id": self.new_id(key)}
        if key == "trade":
            year = rng.randint(2000, 2024)
            value = rng.randint(50, 900)
            rec["date"] = f"{year}"
            rec["amount"] = {"value": value * 1_000_000, "currency": "USD"}
            qualifier = rng.choice([None, "around", "more than"])
            if qualifier is not None:
                rec["amount"]["qualifier"] = qualifier
            rec["amount"]["as_stated"] = f"${value} million"
            rec["record_high"] = rng.random() < 0.1
        elif key == "goods":
            name = rng.choice(GOODS)
            rec.update(name=name, direction=rng.choice(["export", "import"]))
            rec["countries"] = [self.pick("countries")]
        elif key == "missions":
            self.date(rec)
            count = rng.randint(1, 12)
            rec.update(type=rng.choice(["diplomatic missions", "honorary consuls"]), country=KZ)
            rec["count"] = count
        elif key == "memberships":
            country, org, year = (
                self.pick("countries"),
                self.pick("organizations"),
                rng.randint(1995, 2024),
            )
            rec.update(member=country, organization=org, status="observer")
            rec.update(date=f"{year}", as_stated=f"Since {year}")
        elif key == "strategies":
            start = rng.randint(2020, 2030)
            rec.update(date=f"{start}", end=f"{start + 5}", name=f"Africa Strategy {start}")
            rec.update(owner=self.pick("organizations"), status="currently developing")
        elif key == "figures":
            value = rng.randint(1, 54)
            rec.update(subject="African states among UN members", value=value, total=193)
            rec["organization"] = self.pick("organizations")
        elif key == "initiatives":
            event = self.pick("events")
            rec.update(name=self.names[event], event=event, supported_by="African countries")
            rec["mentioned_by"] = self.pick("people")
        elif key == "areas":
            name = rng.choice(AREAS)
            rec.update(name=name, named_by=self.pick("people"))
        else:  # statements
            speaker = self.pick("people")
            rec.update(speaker=speaker, date=f"{rng.randint(2015, 2025)}")
            rec["text"] = STATEMENT
        rec["evidence"] = [holding(STATEMENT) if key == "statements" else self.excerpt()]
        self.add(key, rec)


def town(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def build(records: int, seed: int = 1) -> Rec:
    """The whole fact file as plain data, with about ``records`` records."""
    b = Builder(seed)
    b.country("Kazakhstan", "KZ", "KAZ", ["Republic of Kazakhstan"])
    for name, code, code3, _capital, aliases in AFRICA:
        b.country(name, code, code3, aliases)
    rest = max(records - len(b.data["countries"]), len(SHARES) + 1)
    counts = {key: max(1, int(share * rest)) for key, share in SHARES.items()}

    for city in KZ_CITIES:
        b.place(city, KZ)
    for name, _code, _code3, capital, _aliases in AFRICA:
        b.place(capital, slug(name))
    while len(b.data["places"]) < counts["places"]:
        b.place(town(b.rng), b.pick("countries"))

    b.organization("Astana International Forum", "forum", KZ)
    b.organization("African Union", "union", None, place=b.places_in["ethiopia"][0])
    un = b.organization("United Nations", None, None)
    b.organization("UN General Assembly", "UN body", None, parent=un)
    b.organization("Ministry of Foreign Affairs of Kazakhstan", "ministry", KZ)
    b.organization("Samruk Kazyna Sovereign Wealth Fund", "fund", KZ)
    while len(b.data["organizations"]) < counts["organizations"]:
        country = b.pick("countries")
        template, kind = b.rng.choice(ORG_TEMPLATES)
        # A parent chosen among earlier organizations: a shallow tree, never a cycle.
        parent = {"parent": b.pick("organizations")} if b.rng.random() < 0.3 else {}
        b.organization(template.format(c=b.names[country]), kind, country, **parent)

    for i in range(counts["people"]):
        b.person(b.data["countries"][i % len(b.data["countries"])]["id"])
    for _ in range(counts["events"]):
        b.event()
    # Visits make up the rest: N minus what is built and what is still to come.
    built = sum(len(collection) for collection in b.data.values())
    later = sum(count for key, count in counts.items() if key not in b.data)
    for i in range(max(1, records - built - later)):
        b.visit(slug(AFRICA[i % len(AFRICA)][0]))
    for key in ORDER[ORDER.index("trade") :]:
        for _ in range(counts[key]):
            b.other(key)

    article = {
        "date": "2025-06-03",
        "dateline": "Astana",
        "source": "article.txt",
        "evidence": ["date 2025-06-03 ASTANA"],
    }
    return {"article": article} | {key: b.data[key] for key in ORDER}


def build_many(records: int, seed: int, articles: int) -> tuple[Rec, dict[str, str]]:
    """The fact file with its records spread over ``articles`` synthetic articles, and the
    articles' texts by file name (for ``sources/``)."""
    data = build(records, seed)
    del data["article"]
    if str(HERE) not in sys.path:  # also when this file is loaded by path, not run
        sys.path.insert(0, str(HERE))
    from synthetic_articles import spread

    cities = KZ_CITIES + [capital for _name, _code, _code3, capital, _aliases in AFRICA]
    entries, texts = spread(data, articles, SENTENCES, cities, seed)
    return {"articles": entries} | data, texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=1000, help="about how many records")
    parser.add_argument("-o", "--output", type=Path, required=True, help="YAML file to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--articles",
        type=int,
        default=1,
        help="synthetic articles to spread the records over, their texts written to sources/"
        " beside the output (default 1: the shipped article alone)",
    )
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be at least 1")
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    start = time.perf_counter()
    if args.articles == 1:
        data = build(args.records, args.seed)
    else:
        data, texts = build_many(args.records, args.seed, args.articles)
        sources = args.output.parent / "sources"
        sources.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (sources / name).write_text(text, encoding="utf-8")
    with args.output.open("w", encoding="utf-8") as out:
        gc.disable()  # dumping builds millions of nodes; collecting them halves the speed
        yaml.dump(data, out, Dumper=NoAliasDumper, sort_keys=False, allow_unicode=True)
        gc.enable()
    total = sum(len(v) for k, v in data.items() if k not in ("article", "articles"))
    elapsed = time.perf_counter() - start
    cited = f" citing {args.articles} articles" if args.articles > 1 else ""
    print(f"wrote {total} records{cited} to {args.output} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
