"""Synthetic corpus generator for the benchmark: N raw documents and their curation files.

    python benchmarks/generate.py OUT --docs 1000 [--seed 0]

writes a folder shaped like the repository (raw/ with SHA256SUMS, build/*.yaml, build/actors.yaml,
validation/ and pyproject.toml copied from the checkout), so `belarus_china.pipeline.build(OUT)`
runs on it unchanged: every excerpt really occurs in its document (exactly once, or with the
`within:`/`occurrence:` the curation format offers), every record kind is there (sources, actors,
visits, agreements, trade figures, quotes, inferences, claims with agreeing and conflicting
sources, dismissals, a video summary's timestamps), and the coverage audit passes: every
candidate fact in the text lies inside an evidence excerpt, is the alias of a curated actor, or
is dismissed.

Deterministic: the output depends only on --docs and --seed (no clock, no hash randomisation).
Document i does not depend on N except that the visits it shares with later documents are only
described by the documents that exist, so a smaller corpus is nearly a prefix of a larger one.

Shape of document i (about 36 evidence rows in 2,300 code points; the real documents have about
42 in 5,000):
- a source header (title, byline, publisher, date; a URL for news; front matter for a video);
- three visit accounts: it introduces visit i (day-precise dates, a state visit, hosted by the
  regional official R_i) and re-tells visits i-1 (month precision, sometimes another visit type:
  the majority rule decides) and i-2 (day precision, sometimes another start day: the curator's
  `resolve` in document i-2 decides);
- the agreements signed on visit i (value and day) and on visit i-1 (month; sometimes a value
  that conflicts, resolved by the curator);
- three trade figures (money with change in percent, a company count, a rank);
- an analyst named only in this document (its own `actors:` entry) and three quotations;
- boilerplate that is dismissed, and filler sentences with no candidate fact.
The actors the documents share (leaders, governments, news agencies, the regional officials)
are in build/actors.yaml.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SYLLABLES = ["ka", "lo", "mi", "ra", "ven", "dor", "sel", "tan", "bri", "cor", "fel", "gar", "hol", "jun", "kes",
             "lum", "mor", "nal", "pir", "qua", "ros", "sul", "tor", "val", "wen", "zar"]
# Host countries: ISO code, name (a word the audit treats as a place) and cities.
HOSTS = [
    ("CHN", "China", ["Beijing", "Chengdu", "Wuhan", "Harbin", "Shanghai"]),
    ("RUS", "Russia", ["Moscow", "Kazan", "Sochi"]),
    ("KAZ", "Kazakhstan", ["Astana", "Almaty"]),
    ("UZB", "Uzbekistan", ["Tashkent", "Samarkand"]),
]
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
DOC_KINDS = ["news", "analysis", "news", "video_summary", "opinion", "news", "analysis"]
# Filler: lowercase words that make no candidate fact (no numbers, number words, dates, names).
VOCABULARY = (
    "partnership remains uneven officials discussed logistics transit routes industrial cooperation energy supply "
    "regional security observers noted that and depends on investment projects agriculture machinery exports "
    "markets analysts argue talks focused broader strategy sanctions pressure diplomatic balance neighbours "
    "infrastructure loans banks credit railway corridor customs procedures technology transfer students "
    "universities culture tourism leaders stressed mutual trust stable growth joint plans practical steps"
).split()


def syllables(n: int, count: int) -> str:
    """A capitalised made-up word of `count` syllables; distinct n below 26**count give distinct words."""
    n = (n * 104729 + 4099) % len(SYLLABLES) ** count  # a bijection that spreads neighbouring indices
    out = []
    for _ in range(count):
        n, digit = divmod(n, len(SYLLABLES))
        out.append(SYLLABLES[digit])
    return "".join(out).capitalize()


@dataclass(frozen=True)
class Person:
    """A generated person: the 4-syllable surname is unique per index, so no two people share an alias."""
    n: int

    @property
    def first(self) -> str:
        return syllables(self.n * 7919 % 676, 2)

    @property
    def surname(self) -> str:
        return syllables(self.n, 4)

    @property
    def full(self) -> str:
        return f"{self.first} {self.surname}"

    @property
    def id(self) -> str:
        return f"{self.first}-{self.surname}".lower()


# Index ranges of the generated names (surname index n must stay below 26**4).
GLOBAL_PEOPLE = [Person(0), Person(1), Person(2), Person(3)]  # BLR leader, CHN leader, RUS leader, BLR minister
MEDIA = [syllables(4 + k, 4) for k in range(3)]               # state news agencies, one word each
PUBLISHERS = [f"{syllables(7 + k, 4)} Herald" for k in range(6)]


def regional(j: int) -> Person:
    """The host official of visit j (shared by the documents that describe visit j)."""
    return Person(20 + 4 * j)


def analyst(i: int) -> Person:
    """The analyst only document i names."""
    return Person(21 + 4 * i)


def place_name(i: int) -> str:
    return syllables(22 + 4 * i, 4)


def dmy(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_phrase(day: date) -> tuple[str, date]:
    """'early/mid-/late March 2023' and the earliest day it allows."""
    if day.day <= 10:
        return f"early {MONTHS[day.month - 1]} {day.year}", day.replace(day=1)
    if day.day <= 20:
        return f"mid-{MONTHS[day.month - 1]} {day.year}", day.replace(day=11)
    return f"late {MONTHS[day.month - 1]} {day.year}", day.replace(day=21)


def visit_of(j: int) -> dict:
    """Everything about visit j that any document describing it may state."""
    code, country, cities = HOSTS[j % len(HOSTS)]
    start = date(2000, 1, 3) + timedelta(days=(j * 7) % 9000)
    days = 2 + j % 4
    return {
        "id": f"v{j:06d}-{GLOBAL_PEOPLE[0].surname.lower()}-{code.lower()}-{start.isoformat()}",
        "code": code, "country": country, "city": cities[j % len(cities)],
        "start": start, "end": start + timedelta(days=days - 1), "days": days,
        "venue": f"{syllables(30 + 3 * j, 3)} Palace", "host": regional(j),
        "agreement_id": f"a{j:06d}-agreements-{code.lower()}-{start.isoformat()}",
        "agreements": 2 + j % 30,
        # value in words, its USD amount, its qualifier
        "money": [("about", "approximately"), ("", "exact"), ("more than", "more_than")][j % 3],
        "billions": f"{1 + j % 9}.{(j * 37) % 100:02d}",
    }


def money_words(qualifier_words: str, billions: str) -> str:
    return f"{qualifier_words} ${billions} billion".strip()


def usd(billions: str) -> str:
    whole, frac = billions.split(".")
    return str(int(whole) * 10**9 + int(frac) * 10**7)


# --- YAML, written directly (JSON strings are valid YAML double-quoted scalars) -------------------

def _scalar(value) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _yaml(value, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) or (isinstance(item, list) and item and isinstance(item[0], dict)):
                out.append(f"{pad}{key}:")
                _yaml(item, indent + 2, out)
            elif isinstance(item, list):
                out.append(f"{pad}{key}: [{', '.join(_scalar(v) for v in item)}]")
            else:
                out.append(f"{pad}{key}: {_scalar(item)}")
    else:  # a list of mappings or scalars
        for item in value:
            if isinstance(item, dict):
                lines: list[str] = []
                _yaml(item, indent + 2, lines)
                out.append(f"{pad}- {lines[0].lstrip()}")
                out.extend(lines[1:])
            else:
                out.append(f"{pad}- {_scalar(item)}")


def to_yaml(data: dict) -> str:
    out: list[str] = []
    _yaml(data, 0, out)
    return "\n".join(out) + "\n"


# --- one document ---------------------------------------------------------------------------------

class _Doc:
    """Text assembled line by line; every excerpt is taken from the lines themselves."""

    def __init__(self, video: bool):
        self.lines: list[str] = []
        self.video = video
        self.clock = 13 * 60 + 30

    def add(self, line: str) -> str:
        if self.video and line and not line.startswith(("---", "title:", "videoId:", "#")):
            self.clock += 17
            stamp = f"{self.clock // 3600:02d}:{self.clock // 60 % 60:02d}:{self.clock % 60:02d}"
            self.lines.append(f'{line} <a class="yt-timestamp" data-t="{stamp}">[{stamp}]</a>')
        else:
            self.lines.append(line)
        return line  # what a curator copies: the sentence, without the anchor that follows it

    def filler(self, rng: random.Random) -> None:
        words = rng.sample(VOCABULARY, 12)
        self.add(" ".join(words).capitalize() + ".")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _ev(excerpt: str, supports: list[str] | None = None, **extra) -> dict | str:
    if not supports and not extra:
        return excerpt
    item: dict = {"excerpt": excerpt}
    item.update(extra)
    if supports:
        item["supports"] = supports
    return item


def document(i: int, docs: int, seed: int) -> tuple[str, dict]:
    """The raw text of document i and its curation file (as data)."""
    rng = random.Random(seed * 1_000_003 + i)
    kind = DOC_KINDS[i % len(DOC_KINDS)]
    video = kind == "video_summary"
    doc = _Doc(video)
    leader, chn_leader, rus_leader, minister = GLOBAL_PEOPLE
    own = visit_of(i)
    publisher = PUBLISHERS[i % len(PUBLISHERS)]
    media = MEDIA[i % len(MEDIA)]
    expert = analyst(i)
    institute = f"{place_name(i)} Institute"
    published = own["end"] + timedelta(days=1 + i % 3)
    weekday = WEEKDAYS[published.weekday()]
    title = f"{leader.surname} in {own['city']}: what the visit means for Belarus and {own['country']} ({i})"
    source_slug = f"{publisher.split()[0].lower()}-{i:06d}"

    source: dict = {"source_id": source_slug, "title": title}
    source_evidence: list = []
    if video:
        video_id = hashlib.sha256(f"{seed}-{i}".encode()).hexdigest()[:11]
        doc.add("---")
        source_evidence.append(_ev(doc.add(f"title: {title}"), ["title"]))
        source_evidence.append(_ev(doc.add(f"videoId: {video_id}"), ["video_id"]))
        doc.add("---")
        doc.add("")
        source.update(publisher=publisher, published_date=f"{own['start'].year}-01-01", date_precision="year",
                      doc_kind=kind, language="en", video_id=video_id)
        source["inferred"] = {"published_date": "The summary states no date; it describes the visit of "
                                                f"{dmy(own['start'])} in the past tense, so it is from that year or later."}
        byline = doc.add(f"Summary of a video by {publisher}.")
        source_evidence.append(_ev(byline, ["publisher"]))
    else:
        author = Person(23 + 4 * i)
        source_evidence.append(_ev(doc.add(f"# {title}"), ["title"]))
        byline = doc.add(f"By {author.full}")
        source_evidence.append(_ev(byline, ["author"]))
        dateline = doc.add(f"Published by {publisher} on {weekday}, {dmy(published)}")
        source_evidence.append(_ev(dateline, ["published_date"]))
        # The publisher's name occurs again in the footer: the curator says which occurrence.
        source_evidence.append(_ev(publisher, ["publisher"], occurrence="1"))
        source.update(publisher=publisher, author=author.full, published_date=published.isoformat(),
                      date_precision="day", doc_kind=kind, language="en")
        if kind == "news":
            url = f"https://{publisher.split()[0].lower()}.example.org/{published.year}/{i:06d}/belarus-visit"
            source_evidence.append(_ev(doc.add(f"Source: {url}"), ["url"]))
            source["url"] = url
    doc.add("")
    doc.filler(rng)
    doc.add(f"The talks were followed closely by {chn_leader.full}, {rus_leader.full} and {minister.full}, "
            f"and reported by {MEDIA[0]}, {MEDIA[1]} and {MEDIA[2]}.")

    visits: list[dict] = []
    agreements: list[dict] = []
    # --- visit i, introduced here
    v = own
    host = v["host"]
    nd_words = f"{v['days']}-day state visit"
    a1 = doc.add(f"{leader.full} began a {nd_words} to {v['city']} on {dmy(v['start'])}, hosted by {host.full}.")
    a2 = doc.add(f"The visit ended on {dmy(v['end'])} with talks at the {v['venue']}.")
    record = {
        "visit_id": v["id"], "guest_id": leader.id, "guest_country": "BLR", "host_country": v["code"],
        "city": v["city"], "venue": v["venue"], "start_date": v["start"].isoformat(),
        "end_date": v["end"].isoformat(), "date_precision": "day", "visit_type": "state_visit",
        "visit_type_as_reported": nd_words,
        "summary": f"{leader.surname}'s {nd_words} to {v['city']}, hosted by {host.full}.",
        "evidence": [_ev(a1, ["guest_id", "city", "start_date", "visit_type", "visit_type_as_reported"]),
                     _ev(a2, ["end_date", "venue"])],
    }
    if i % 5 == 2:  # document i+2 gives another start day; this one is the curator's choice
        record["resolve"] = {"dates": "the introducing report gives the schedule day by day"}
    visits.append(record)
    doc.filler(rng)
    qual_words, qualifier = v["money"]
    words = money_words(qual_words, v["billions"])
    d1 = doc.add(f"On {dmy(v['start'])} the government of Belarus and the government of {v['country']} signed "
                 f"{v['agreements']} intergovernmental agreements worth {words}.")
    agreement = {
        "agreement_id": v["agreement_id"], "title": f"Intergovernmental agreements signed in {v['city']}",
        "agreement_type": "intergovernmental_agreement",
        "parties": ["government-of-belarus", f"government-of-{v['country'].lower()}"],
        "signed_date": v["start"].isoformat(), "date_precision": "day", "visit_id": v["id"],
        "document_count": str(v["agreements"]), "value_usd": usd(v["billions"]), "value_qualifier": qualifier,
        "value_as_reported": words, "evidence": [d1],
    }
    if i % 6 == 3:  # document i+1 states the value without the qualifier; this one is right
        agreement["resolve"] = {"value": "the signing ceremony's own figure carries the qualifier"}
    agreements.append(agreement)

    # --- visit i-1, re-told a month-precise, sometimes with another visit type (outvoted)
    if i >= 1:
        v = visit_of(i - 1)
        phrase, earliest = month_phrase(v["start"])
        # Outvoted 2 to 1 when document i+1 exists and agrees with the introducing one.
        outvoted = (i - 1) % 4 == 1 and i + 1 < docs
        vtype, vwords = ("official_visit", "official visit") if outvoted else ("state_visit", "state visit")
        b1 = doc.add(f"In {phrase} {v['host'].surname} received {leader.surname} in {v['city']} "
                     f"for what officials called a {vwords}.")
        visits.append({
            "visit_id": v["id"], "guest_id": leader.id, "host_country": v["code"], "city": v["city"],
            "start_date": earliest.isoformat(), "date_precision": "month", "date_as_reported": phrase,
            "visit_type": vtype, "visit_type_as_reported": vwords, "evidence": [b1],
        })
        month = f"{MONTHS[v['start'].month - 1]} {v['start'].year}"
        if (i - 1) % 6 == 3:
            d2 = doc.add(f"The {v['agreements']} agreements signed in {v['city']} in {month} were worth "
                         f"${v['billions']} billion.")
            extra = {"value_usd": usd(v["billions"]), "value_qualifier": "exact",
                     "value_as_reported": f"${v['billions']} billion"}
        else:
            d2 = doc.add(f"The {v['agreements']} agreements signed in {v['city']} in {month} covered trade and transit.")
            extra = {}
        agreements.append({"agreement_id": v["agreement_id"], "signed_date": v["start"].replace(day=1).isoformat(),
                           "date_precision": "month", "date_as_reported": month, **extra,
                           "document_count": str(v["agreements"]), "evidence": [d2]})
        doc.filler(rng)
    # --- visit i-2, re-told day-precise, sometimes with a start day one day late (resolved in i-2)
    if i >= 2:
        v = visit_of(i - 2)
        start = v["start"] + timedelta(days=1 if (i - 2) % 5 == 2 else 0)
        c1 = doc.add(f"{v['host'].surname} and {leader.surname} met in {v['city']} from {dmy(start)} "
                     "during the state visit.")
        visits.append({"visit_id": v["id"], "guest_id": leader.id, "host_country": v["code"], "city": v["city"],
                       "start_date": start.isoformat(), "date_precision": "day", "visit_type": "state_visit",
                       "visit_type_as_reported": "state visit",
                       "evidence": [_ev(c1, ["start_date", "city", "visit_type"])]})

    # --- trade figures of this document
    v = own
    figures: list[dict] = []
    year = v["start"].year
    pct = f"{1 + i % 60}.{i % 10}"
    trade = f"{1 + i % 7}.{(i * 13) % 100:02d}"
    f1 = doc.add(f"Trade between Belarus and {v['country']} reached ${trade} billion in {year}, up {pct} percent, "
                 f"according to {media}.")
    figures.append({"figure_id": f"f{i:06d}-total-trade-{year}", "measure": "total_trade", "reporter": "BLR",
                    "partner": v["code"], "period_start": f"{year}-01-01", "period_end": f"{year}-12-31",
                    "value": usd(trade), "unit": "USD", "value_qualifier": "exact", "change_pct": pct,
                    "change_as_reported": f"up {pct} percent", "period_as_reported": f"in {year}",
                    "value_as_reported": f"${trade} billion", "reported_by": media,
                    "reported_by_id": media.lower(), "evidence": [f1]})
    companies = 10 + i % 90
    f2 = doc.add(f"Some {companies} foreign companies from {v['country']} operate in the {place_name(i)} "
                 f"industrial park, according to {media}.")
    figures.append({"figure_id": f"f{i:06d}-company-count", "measure": "company_count", "reporter": "BLR",
                    "partner": v["code"], "value": str(companies), "unit": "count",
                    "value_qualifier": "approximately", "value_as_reported": f"some {companies} foreign companies",
                    "reported_by": media, "reported_by_id": media.lower(),
                    "evidence": [_ev(f2, ["value", "value_as_reported", "partner"])]})
    rank = i % len(ORDINALS)
    f3 = doc.add(f"{v['country']} was the {ORDINALS[rank]}-largest trading partner of Belarus in {year}.")
    figures.append({"figure_id": f"f{i:06d}-partner-rank-{year}", "measure": "trading_partner_rank",
                    "reporter": "BLR", "partner": v["code"], "period_start": f"{year}-01-01",
                    "period_end": f"{year}-12-31", "value": str(rank + 2), "unit": "rank",
                    "value_qualifier": "exact", "value_as_reported": f"{ORDINALS[rank]}-largest",
                    "evidence": [f3]})
    doc.filler(rng)

    # --- the analyst and the quotations
    x1 = doc.add(f"{expert.full}, an analyst at the {institute}, follows the relationship closely.")
    actors = [{
        "actor_id": expert.id, "name": expert.full, "aliases": [expert.full, expert.surname], "actor_kind": "person",
        "role": f"Analyst at the {institute}",
        "evidence": [_ev(f"an analyst at the {institute}", ["role"], within=x1)],
    }]
    quotes: list[dict] = []
    qt1 = " ".join(rng.sample(VOCABULARY, 9)).capitalize()
    q1 = doc.add(f"“{qt1},” {expert.surname} said.")
    quotes.append({"quote_id": f"q{i:06d}-{expert.id}-1", "text": qt1, "speaker_id": expert.id,
                   "quote_kind": "speech", "channel": "told_publisher", "evidence": [q1]})
    qt2 = " ".join(rng.sample(VOCABULARY, 7))
    speaking = WEEKDAYS[v["start"].weekday()]
    q2 = doc.add(f"Speaking in {v['city']} on {speaking}, {leader.surname} said that “{qt2}”.")
    quotes.append({"quote_id": f"q{i:06d}-{leader.id}", "text": qt2, "speaker_id": leader.id,
                   "addressee_id": v["host"].id, "said_date": v["start"].isoformat(), "date_precision": "day",
                   "date_as_reported": f"on {speaking}", "quote_kind": "fragment", "channel": "public_remarks",
                   "visit_id": v["id"],
                   "inferred": {"said_date": f"“On {speaking}” read as the first day of the visit, {dmy(v['start'])}."},
                   "evidence": [q2]})
    qt3 = " ".join(rng.sample(VOCABULARY, 8))
    q3 = doc.add(f"{expert.surname} added that “{qt3}”.")
    quotes.append({"quote_id": f"q{i:06d}-{expert.id}-2", "text": qt3, "speaker_id": expert.id,
                   "quote_kind": "fragment", "channel": "told_publisher",
                   "evidence": [_ev(f"“{qt3}”", ["text"], within=q3)]})
    doc.filler(rng)

    # --- boilerplate, dismissed
    dismissed = [{"excerpt": doc.add(f"More from {publisher}"), "reason": "site navigation"}]
    if not video:
        dismissed.append({"excerpt": doc.add("Leave a Reply"), "reason": "comment-form boilerplate"})

    source["evidence"] = source_evidence
    curation = {"raw_file": None, "source": source, "actors": actors, "visits": visits,
                "agreements": agreements, "trade_figures": figures, "quotes": quotes, "dismissed": dismissed}
    return doc.text(), curation


def shared_actors(docs: int) -> dict:
    """build/actors.yaml: the leaders, governments, news agencies and regional officials."""
    leader, chn_leader, rus_leader, minister = GLOBAL_PEOPLE
    people = [
        (leader, "BLR", "President of Belarus"), (chn_leader, "CHN", "President of China"),
        (rus_leader, "RUS", "President of Russia"), (minister, "BLR", "Minister of Foreign Affairs of Belarus"),
    ]
    actors = [{"actor_id": p.id, "name": p.full, "aliases": [p.full, p.surname], "actor_kind": "person",
               "country_code": code, "role": role, "wikidata_id": f"Q{900000 + k}"}
              for k, (p, code, role) in enumerate(people)]
    countries = [("BLR", "Belarus")] + [(code, country) for code, country, _ in HOSTS]
    for code, country in countries:
        if code == "BLR" or any(visit_of(j)["code"] == code for j in range(min(docs, len(HOSTS)))):
            actors.append({"actor_id": f"government-of-{country.lower()}", "name": f"Government of {country}",
                           "aliases": [f"government of {country}"], "actor_kind": "government",
                           "country_code": code, "role": f"The government of {country}"})
    for name in MEDIA:
        actors.append({"actor_id": name.lower(), "name": name, "aliases": [name], "actor_kind": "state_media",
                       "role": "State news agency"})
    for j in range(docs):
        v = visit_of(j)
        p = v["host"]
        actors.append({"actor_id": p.id, "name": p.full, "aliases": [p.full, p.surname], "actor_kind": "person",
                       "country_code": v["code"], "role": f"Official of {v['country']} who hosted visit {j}"})
    return {"actors": actors}


def raw_name(i: int, seed: int) -> str:
    return f"{i:06d}_{hashlib.sha256(f'{seed}:{i}'.encode()).hexdigest()[:16]}.txt"


def generate(out: Path, docs: int, seed: int = 0, *, check: bool = False) -> dict:
    """Write the corpus under `out` (replacing it) and return counts of what was written."""
    if docs < 3:
        raise ValueError("at least 3 documents (the shared visits need them)")
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "raw").mkdir(parents=True)
    (out / "build").mkdir()
    shutil.copytree(REPO / "validation", out / "validation")
    shutil.copy2(REPO / "pyproject.toml", out / "pyproject.toml")
    sums, counts = [], {"docs": docs, "raw_chars": 0, "yaml_bytes": 0, "curated_excerpts": 0}
    for i in range(docs):
        text, curation = document(i, docs, seed)
        name = raw_name(i, seed)
        curation["raw_file"] = name
        if check:
            _check_excerpts(text, curation, name)
        data = text.encode("utf-8")
        (out / "raw" / name).write_bytes(data)
        sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
        yaml_text = to_yaml(curation).encode("utf-8")
        (out / "build" / f"{Path(name).stem}.yaml").write_bytes(yaml_text)
        counts["raw_chars"] += len(text)
        counts["yaml_bytes"] += len(yaml_text)
        counts["curated_excerpts"] += sum(len(r.get("evidence", [])) for section in
                                          ("actors", "visits", "agreements", "trade_figures", "quotes")
                                          for r in curation[section]) + len(curation["source"]["evidence"])
    (out / "raw" / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    actors_yaml = to_yaml(shared_actors(docs)).encode("utf-8")
    (out / "build" / "actors.yaml").write_bytes(actors_yaml)
    counts["yaml_bytes"] += len(actors_yaml)
    return counts


def _check_excerpts(text: str, curation: dict, name: str) -> None:
    """Generator self-check: every plain excerpt occurs exactly once (the build would say so too)."""
    records = [curation["source"], *(r for s in ("actors", "visits", "agreements", "trade_figures", "quotes")
                                     for r in curation[s])]
    for record in records:
        for item in record.get("evidence", []):
            excerpt = item if isinstance(item, str) else item["excerpt"]
            within = None if isinstance(item, str) else item.get("within")
            if isinstance(item, dict) and "occurrence" in item:
                continue
            haystack = within if within is not None else text
            if haystack.count(excerpt) != 1 or (within is not None and text.count(within) != 1):
                raise AssertionError(f"{name}: excerpt {excerpt!r} is not unique")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    parser.add_argument("--docs", type=int, required=True, help="number of raw documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="check every excerpt is unique while writing")
    args = parser.parse_args(argv)
    counts = generate(args.out, args.docs, args.seed, check=args.check)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
