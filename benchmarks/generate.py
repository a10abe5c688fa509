"""Synthetic corpus generator for the benchmark: N raw documents and their curation files.

    python benchmarks/generate.py OUT --docs 1000 [--seed 0]

writes a folder shaped like the repository (raw/ with SHA256SUMS, build/*.yaml, build/actors.yaml,
validation/, pyproject.toml and CHANGELOG.md copied from the checkout), so `belarus_china.pipeline.build(OUT)`
runs on it unchanged. The curation files use the current format: dates are the document's words
(`date_as_reported`, with `date_anchor` where the words are relative) and the build computes every
window column (date_earliest/latest, precision, EDTF and the fixed days); every claimed column of a
shared record is supported by an excerpt of that file, and every place, country and actor value is
shown by a supporting excerpt (a country by a name or demonym of validation/countries.yaml, an actor
by one of its aliases) or marked as an inference. Every excerpt really occurs in its document
(exactly once, or with the `within:`/`occurrence:` the format offers); every record kind is there
(sources, actors, visits, visit events, agreements, trade figures, quotes, one of them by two
speakers, assessments, inferences read from the text and known from outside, claims that agree
and conflict, renamed ids, dismissals, a video summary's timestamps), and the coverage audit
passes: every candidate fact in the text lies inside an excerpt that supports a column of its kind
(or inside the record's own words), is the alias of a curated actor, or is dismissed.

Deterministic: the output depends only on --docs and --seed (no clock, no hash randomisation).
Document i does not depend on N except that the visits it shares with later documents are only
described by the documents that exist, so a smaller corpus is nearly a prefix of a larger one.

Shape of document i (about 43 evidence rows in 2,900 code points; the real documents have about
68 in 5,000):
- a source header (title, byline, publisher, URL for news; front matter for a video). The
  publication date is a day for news ("12 March 2001") and analysis ("March 12, 2001"), a month
  for opinion ("March 2001"); a video summary states none, so its window is two inferences (the
  earliest day read from the text, the latest known from outside);
- three visit accounts: it introduces visit i (its days fixed, either "between 3 January and
  5 January 2000", the first day's year read against the source, or "Arriving on 3 January 2000"
  with a "three-day" duration; a state visit hosted by the regional official R_i, with a
  delegation) and re-tells visits i-1 (month words, "in early March 2000", "in March 2000" or
  "Between January and February 2000": the curated window is the narrowest every source allows;
  sometimes another visit type: the majority rule decides) and i-2 ("Arriving on ..." with the
  duration; sometimes a start day one day late, which document i-2's `resolve: {dates: ...}`
  decides against, the late window being a conflict). Where visit i-1 would then have only two
  different windows (no document i+1, or the late start), document i re-tells it with its days:
  the build votes on each claim's derived date_precision and date_edtf, and two different
  windows tie (see the notes in `document`);
- the talks of visit i (a visit event with its venue, participants and day);
- the agreements signed on visit i, dated "After the talks" (anchored to the talks event and
  bounded by the visit), and re-told for visit i-1 with their count and no date (sometimes with a
  value that conflicts, resolved by the curator);
- three trade figures: total trade "last year" (the period read against the source), a company
  count about an industrial park (subject_id; its reporter an inference read from the text), a rank;
- an analyst and an institute named only in this document (their own `actors:` entries; the
  institute's canonical name is an inference known from outside), four quotations (one said
  "on Monday" read against the source in news and analysis, a joint statement of two speakers
  "At the talks" anchored to the event), and an assessment held by the analyst;
- boilerplate that is dismissed, and filler sentences with no candidate fact.
The actors the documents share (leaders, minister, governments, news agencies, the regional
officials) are in build/actors.yaml, each country code shown by an excerpt it cites.
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
DURATIONS = {2: "two", 3: "three", 4: "four", 5: "five"}
SYLLABLES = ["ka", "lo", "mi", "ra", "ven", "dor", "sel", "tan", "bri", "cor", "fel", "gar", "hol", "jun", "kes",
             "lum", "mor", "nal", "pir", "qua", "ros", "sul", "tor", "val", "wen", "zar"]
# Host countries: ISO code, name (as validation/countries.yaml spells it) and cities.
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
# Assessments: topic, answer, and the stance in the words the document prints.
ASSESSMENTS = [
    ("trade_trend", "yes", "trade with {country} keeps growing despite sanctions pressure"),
    ("room_for_manoeuvre", "open", "the government may yet keep a diplomatic balance between its neighbours"),
    ("talks_agenda", "mixed", "the talks focused on transit routes as much as on regional security"),
]


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


def month_year(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _part(day: date) -> str:
    return "early" if day.day <= 10 else "mid-" if day.day <= 20 else "late"


def stay_in_month_words(start: date, end: date) -> tuple[str, bool]:
    """Month words whose window holds the whole stay, and whether they are read against an anchor:
    'in early March 2000', 'in March 2000', or 'between January and February 2000' (no year on the
    first month: it is the latest January on or before the end)."""
    if (start.year, start.month) == (end.year, end.month):
        part = _part(start)
        if part == _part(end):
            return f"in {part}{'' if part.endswith('-') else ' '}{month_year(start)}", False
        return f"in {month_year(start)}", False
    return f"between {MONTHS[start.month - 1]} and {month_year(end)}", True


def stay_words(start: date, end: date) -> tuple[str, bool]:
    """'between 3 January and 5 January 2000' (the first day's year read against an anchor), or with
    both years when the stay crosses a new year; and whether the words need an anchor."""
    if start.year == end.year:
        return f"between {start.day} {MONTHS[start.month - 1]} and {dmy(end)}", True
    return f"between {dmy(start)} and {dmy(end)}", False


def visit_of(j: int) -> dict:
    """Everything about visit j that any document describing it may state."""
    code, country, cities = HOSTS[j % len(HOSTS)]
    # Three days apart, never wrapping: a host is visited every 12 days (four hosts) and a stay is at most six
    # days, so no two visits (nor their agreements) of one host overlap and none looks like another; the
    # weekday varies. Wrapping at 9,000 days made visits of one host overlap from about 1,300 documents on.
    start = date(2000, 1, 3) + timedelta(days=3 * j)
    days = 2 + j % 4
    return {
        "id": f"v{j:06d}-{GLOBAL_PEOPLE[0].surname.lower()}-{code.lower()}-{start.isoformat()}",
        "code": code, "country": country, "city": cities[j % len(cities)],
        "start": start, "end": start + timedelta(days=days - 1), "days": days,
        "talks": start + timedelta(days=1),
        "event_id": f"e{j:06d}-talks-{(start + timedelta(days=1)).isoformat()}",
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


def _capital(words: str) -> str:
    return words[0].upper() + words[1:]


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
    place = place_name(i)
    institute = f"{place} Institute"
    published = own["end"] + timedelta(days=1 + i % 3)   # within a week after the visit ends
    day_precise = kind in ("news", "analysis")            # the dateline fixes the publication day
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
        byline = doc.add(f"Summary of a video by {publisher}, which looks back on the visit.")
        source_evidence.append(_ev(byline, ["publisher", "date_earliest"]))
        # No date in the text: the window is two inferences, one read from it, one from outside.
        source.update(publisher=publisher, date_earliest=own["end"].isoformat(),
                      date_latest=f"{own['end'].year}-12-31", doc_kind=kind, language="en", video_id=video_id)
        source["inferred"] = {
            "date_earliest": "The summary states no date; it looks back on the visit that ended on "
                             f"{dmy(own['end'])}, so it was written on that day at the earliest.",
            "date_latest": {"basis": "external",
                            "reason": f"The video page, outside the summary, lists the video among the channel's "
                                      f"uploads of {own['end'].year}."},
        }
    else:
        author = Person(23 + 4 * i)
        source_evidence.append(_ev(doc.add(f"# {title}"), ["title"]))
        byline = doc.add(f"By {author.full}")
        source_evidence.append(_ev(byline, ["author"]))
        if kind == "news":
            words = f"on {WEEKDAYS[published.weekday()]}, {dmy(published)}"   # the weekday is part of the date's words
            dateline = doc.add(f"Published by {publisher} {words}")
        elif kind == "analysis":
            words = f"{MONTHS[published.month - 1]} {published.day}, {published.year}"
            dateline = doc.add(f"Published by {publisher} on {words}")
        else:  # opinion: the month only
            words = month_year(published)
            dateline = doc.add(f"Published by {publisher} in {words}")
        source_evidence.append(_ev(dateline, ["date_as_reported"]))
        # The publisher's name occurs again in the footer: the curator says which occurrence.
        source_evidence.append(_ev(publisher, ["publisher"], occurrence="1"))
        source.update(publisher=publisher, author=author.full, date_as_reported=words, doc_kind=kind, language="en")
        if kind == "news":
            url = f"https://{publisher.split()[0].lower()}.example.org/{published.year}/{i:06d}/belarus-visit"
            source_evidence.append(_ev(doc.add(f"Source: {url}"), ["url"]))
            source["url"] = url
    # The year the source's window lies in (every kind's window is within one calendar year).
    pub_year = published.year if not video else own["end"].year
    doc.add("")
    doc.filler(rng)
    doc.add(f"The talks were followed closely by Chinese President {chn_leader.full} and Russian President "
            f"{rus_leader.full}, and reported by {MEDIA[0]}, {MEDIA[1]} and {MEDIA[2]}.")

    visits: list[dict] = []
    events: list[dict] = []
    agreements: list[dict] = []
    # --- visit i, introduced here: its first and last day fixed
    v = own
    host = v["host"]
    duration = f"{DURATIONS[v['days']]}-day"
    vwords = f"{duration} state visit"
    record: dict = {"visit_id": v["id"], "guest_id": leader.id, "guest_country": "BLR", "host_id": host.id,
                    "host_country": v["code"], "city": v["city"], "delegation_ids": [minister.id]}
    if i % 2 == 0:  # a stay from a first to a last day; the first day's year is read against the source
        when, anchored = stay_words(v["start"], v["end"])
        a1 = doc.add(f"Belarusian President {leader.full} paid a {vwords} to {v['city']}, {v['country']}, {when}, "
                     f"at the invitation of {host.full}.")
        record.update(date_as_reported=when, duration_as_reported=duration)
        if anchored:
            record["date_anchor"] = "source"
    else:           # the first day and a duration fix the last
        when = f"Arriving on {dmy(v['start'])}"
        a1 = doc.add(f"{when} in {v['city']}, {v['country']}, Belarusian President {leader.full} began a {vwords} "
                     f"at the invitation of {host.full}.")
        record.update(date_as_reported=when, duration_as_reported=duration)
    a2 = doc.add(f"Belarusian Foreign Minister {minister.full} was part of the delegation, which {host.full}, "
                 f"a regional governor of {v['country']}, welcomed.")
    record.update({
        "visit_type": "state_visit", "visit_type_as_reported": vwords,
        "summary": f"{leader.surname}'s {vwords} to {v['city']}, hosted by {host.full}.",
        "evidence": [_ev(a1, ["guest_id", "guest_country", "host_id", "host_country", "city", "date_as_reported",
                              "duration_as_reported", "visit_type", "visit_type_as_reported"]),
                     _ev(a2, ["delegation_ids", "host_id"])],
    })
    if i % 5 == 2:  # document i+2 gives another start day; this one is the curator's choice
        record["resolve"] = {"dates": "the introducing report gives the schedule day by day"}
    if i % 7 == 0:  # an id that replaced a vaguer one, which stays resolvable (renamed_ids)
        record["replaces"] = [f"{v['id']}-first-report"]
    if i % 7 == 1:  # declared distinct from the visit before it, naming the column that differs (distinctions)
        record["distinct_from"] = {visit_of(i - 1)["id"]: {
            "differs_in": ["date_earliest"], "reason": "Another stay, three days earlier, to another host."}}
    visits.append(record)
    t1 = doc.add(f"Talks between {leader.surname} and {host.surname} were held at the {v['venue']} on "
                 f"{dmy(v['talks'])}.")
    events.append({
        "event_id": v["event_id"], "visit_id": v["id"], "event_kind": "talks", "venue": v["venue"],
        "participant_ids": [leader.id, host.id], "date_as_reported": f"on {dmy(v['talks'])}",
        "summary": f"Talks of {leader.surname} and {host.surname} at the {v['venue']}.",
        "evidence": [_ev(t1, ["visit_id", "event_kind", "venue", "participant_ids", "date_as_reported"])],
    })
    doc.filler(rng)
    qual_words, qualifier = v["money"]
    money = money_words(qual_words, v["billions"])
    count_words = f"{v['agreements']} intergovernmental agreements"
    programme = f"{v['city']} Cooperation Programme"
    d1 = doc.add(f"After the talks, the Government of Belarus and the Government of {v['country']} signed "
                 f"{count_words} worth {money}, together called the {programme}.")
    agreement = {
        "agreement_id": v["agreement_id"], "title": programme,
        "agreement_type": "intergovernmental_agreement",
        "parties": ["government-of-belarus", f"government-of-{v['country'].lower()}"],
        "date_as_reported": "After the talks", "date_anchor": f"visit_events/{v['event_id']}", "visit_id": v["id"],
        "document_count": str(v["agreements"]), "count_as_reported": count_words,
        "value_usd": usd(v["billions"]), "value_qualifier": qualifier, "value_as_reported": money,
        "evidence": [_ev(d1, ["title", "agreement_type", "parties", "date_as_reported", "visit_id", "document_count",
                              "count_as_reported", "value_usd", "value_qualifier", "value_as_reported"])],
    }
    if i % 6 == 3:  # document i+1 states the value without the qualifier; this one is right
        agreement["resolve"] = {"value": "the signing ceremony's own figure carries the qualifier"}
    agreements.append(agreement)

    # --- visit i-1, re-told; sometimes with another visit type (outvoted)
    if i >= 1:
        v = visit_of(i - 1)
        late_start = (i - 1) % 5 == 2 and i + 1 < docs  # document i+1 gives a start day one day late
        # Month words when a third document (i+1) gives the days too: the build derives each claim's
        # date_precision and date_edtf and votes on them, so two claims with different windows tie.
        if i + 1 < docs and not late_start:
            words, anchored = stay_in_month_words(v["start"], v["end"])
        else:
            words, anchored = stay_words(v["start"], v["end"])
        # Outvoted 2 to 1 when document i+1 exists and agrees with the introducing one.
        outvoted = (i - 1) % 4 == 1 and i + 1 < docs
        vtype, vwords = ("official_visit", "official visit") if outvoted else ("state_visit", "state visit")
        b1 = doc.add(f"{_capital(words)}, {v['host'].surname} received {leader.surname} in {v['city']} "
                     f"for what officials called {'an' if outvoted else 'a'} {vwords}.")
        retold: dict = {"visit_id": v["id"], "guest_id": leader.id, "host_id": v["host"].id, "city": v["city"],
                        "date_as_reported": _capital(words)}
        if anchored:
            retold["date_anchor"] = "source"
        retold.update(visit_type=vtype, visit_type_as_reported=vwords,
                      evidence=[_ev(b1, ["guest_id", "host_id", "city", "date_as_reported", "visit_type",
                                         "visit_type_as_reported"])])
        visits.append(retold)
        # The agreements of visit i-1: their count (and sometimes a value), no date (a second window
        # would tie with the first on the derived columns, as above).
        count_words = f"{v['agreements']} agreements"
        if (i - 1) % 6 == 3:
            d2 = doc.add(f"The {count_words} signed in {v['city']} were worth ${v['billions']} billion.")
            extra = {"value_usd": usd(v["billions"]), "value_qualifier": "exact",
                     "value_as_reported": f"${v['billions']} billion"}
        else:
            d2 = doc.add(f"The {count_words} signed in {v['city']} covered trade and transit.")
            extra = {}
        agreements.append({"agreement_id": v["agreement_id"], "document_count": str(v["agreements"]),
                           "count_as_reported": count_words, **extra,
                           "evidence": [_ev(d2, ["document_count", "count_as_reported", *extra])]})
        doc.filler(rng)
    # --- visit i-2, re-told with its first day and duration, sometimes one day late (resolved in i-2)
    if i >= 2:
        v = visit_of(i - 2)
        start = v["start"] + timedelta(days=1 if (i - 2) % 5 == 2 else 0)
        when = f"Arriving on {dmy(start)}"
        duration = f"{DURATIONS[v['days']]}-day"
        c1 = doc.add(f"{when}, {leader.surname} met {v['host'].surname} in {v['city']} during the {duration} "
                     "state visit.")
        # The duration too: a claim that fixed the first day only would conflict through its empty last day.
        visits.append({"visit_id": v["id"], "guest_id": leader.id, "host_id": v["host"].id, "city": v["city"],
                       "date_as_reported": when, "duration_as_reported": duration, "visit_type": "state_visit",
                       "visit_type_as_reported": "state visit",
                       "evidence": [_ev(c1, ["guest_id", "host_id", "city", "date_as_reported", "duration_as_reported",
                                             "visit_type", "visit_type_as_reported"])]})

    # --- trade figures of this document
    v = own
    figures: list[dict] = []
    pct = f"{1 + i % 60}.{i % 10}"
    trade = f"{1 + i % 7}.{(i * 13) % 100:02d}"
    f1 = doc.add(f"Trade between Belarus and {v['country']} reached ${trade} billion last year, up {pct} percent, "
                 f"according to {media}.")
    figures.append({"figure_id": f"f{i:06d}-total-trade-{pub_year - 1}", "measure": "total_trade", "reporter": "BLR",
                    "partner": v["code"], "period_as_reported": "last year", "period_anchor": "source",
                    "value": usd(trade), "unit": "USD", "value_qualifier": "exact", "change_pct": pct,
                    "change_as_reported": f"up {pct} percent", "value_as_reported": f"${trade} billion",
                    "reported_by": media, "reported_by_id": media.lower(),
                    "evidence": [_ev(f1, ["measure", "reporter", "partner", "period_as_reported", "value", "unit",
                                          "change_pct", "change_as_reported", "value_as_reported", "reported_by",
                                          "reported_by_id"])]})
    companies = 10 + i % 90
    park = f"the {place} industrial park"
    f2 = doc.add(f"Some {companies} foreign companies from {v['country']} operate in {park}, according to {media}.")
    figures.append({"figure_id": f"f{i:06d}-company-count", "measure": "company_count",
                    "subject_id": f"{place.lower()}-industrial-park", "subject_as_reported": park,
                    "reporter": "BLR", "partner": v["code"], "value": str(companies), "unit": "count",
                    "value_qualifier": "approximately", "value_as_reported": f"Some {companies} foreign companies",
                    "reported_by": media, "reported_by_id": media.lower(),
                    "inferred": {"reporter": "The sentence does not say where the park is; the document describes it "
                                             "among the projects in Belarus."},
                    "evidence": [_ev(f2, ["measure", "subject_id", "subject_as_reported", "partner", "value",
                                          "value_as_reported", "reported_by", "reported_by_id"])]})
    rank = i % len(ORDINALS)
    year = own["start"].year
    f3 = doc.add(f"{v['country']} was the {ORDINALS[rank]}-largest trading partner of Belarus in {year}.")
    figures.append({"figure_id": f"f{i:06d}-partner-rank-{year}", "measure": "trading_partner_rank",
                    "reporter": "BLR", "partner": v["code"], "period_as_reported": f"in {year}",
                    "value": str(rank + 2), "unit": "rank", "value_qualifier": "exact",
                    "value_as_reported": f"{ORDINALS[rank]}-largest",
                    "evidence": [_ev(f3, ["measure", "reporter", "partner", "period_as_reported", "value",
                                          "value_as_reported"])]})
    doc.filler(rng)

    # --- the analyst, the institute, the quotations and the assessment
    x1 = doc.add(f"{expert.full}, an analyst at the {institute}, follows the relationship closely.")
    institute_id = f"{place.lower()}-institute"
    actors = [
        {"actor_id": expert.id, "name": expert.full, "aliases": [expert.full, expert.surname], "actor_kind": "person",
         "role": f"Analyst at the {institute}",
         "evidence": [_ev(f"an analyst at the {institute}", ["role"], within=x1)]},
        {"actor_id": institute_id, "name": f"{institute} for Regional Studies", "aliases": [institute],
         "actor_kind": "research", "role": f"Research institute where {expert.full} works",
         "inferred": {"name": {"basis": "external",
                               "reason": f"The document calls it only the {institute}; the full name is the one the "
                                         "institute itself uses, known from outside the document."}},
         "evidence": [_ev(x1, ["name", "role"])]},
    ]
    quotes: list[dict] = []
    qt1 = " ".join(rng.sample(VOCABULARY, 9)).capitalize()
    q1 = doc.add(f"“{qt1},” {expert.surname} said.")
    quotes.append({"quote_id": f"q{i:06d}-{expert.id}-1", "text": qt1, "speaker_ids": [expert.id],
                   "quote_kind": "speech", "channel": "told_publisher",
                   "evidence": [_ev(q1, ["text", "speaker_ids", "quote_kind", "channel"])]})
    qt2 = " ".join(rng.sample(VOCABULARY, 7))
    said = v["end"]
    said_words = f"on {WEEKDAYS[said.weekday()]}" if day_precise else f"on {dmy(said)}"
    q2 = doc.add(f"Speaking to {v['host'].surname} in {v['city']} {said_words}, {leader.surname} said that “{qt2}”.")
    quote = {"quote_id": f"q{i:06d}-{leader.id}", "text": qt2, "speaker_ids": [leader.id],
             "addressee_id": v["host"].id, "date_as_reported": said_words}
    if day_precise:  # the latest such weekday on or before the publication day: the visit's last day
        quote["date_anchor"] = "source"
    quote.update({"quote_kind": "fragment", "channel": "public_remarks", "visit_id": v["id"],
                  "evidence": [_ev(q2, ["text", "speaker_ids", "addressee_id", "date_as_reported", "visit_id"])]})
    quotes.append(quote)
    qt3 = " ".join(rng.sample(VOCABULARY, 8))
    q3 = doc.add(f"At the talks, {leader.surname} and {v['host'].surname} issued a joint statement saying that "
                 f"“{qt3}”.")
    quotes.append({"quote_id": f"q{i:06d}-joint-statement", "text": qt3, "speaker_ids": [leader.id, v["host"].id],
                   "date_as_reported": "At the talks", "date_anchor": f"visit_events/{v['event_id']}",
                   "quote_kind": "document_text", "channel": "joint_statement", "visit_id": v["id"],
                   "event_id": v["event_id"],
                   "evidence": [_ev(q3, ["text", "speaker_ids", "date_as_reported", "quote_kind", "channel",
                                         "visit_id", "event_id"])]})
    qt4 = " ".join(rng.sample(VOCABULARY, 8))
    q4 = doc.add(f"{expert.surname} added that “{qt4}”.")
    quotes.append({"quote_id": f"q{i:06d}-{expert.id}-2", "text": qt4, "speaker_ids": [expert.id],
                   "quote_kind": "fragment", "channel": "told_publisher",
                   "evidence": [_ev(f"“{qt4}”", ["text"], within=q4), _ev(q4, ["speaker_ids"])]})
    topic, answer, stance = ASSESSMENTS[i % len(ASSESSMENTS)]
    stance = stance.format(country=v["country"])
    s1 = doc.add(f"{expert.surname} argued that {stance}.")
    assessments = [{"assessment_id": f"{source_slug}-{topic.replace('_', '-')}", "topic": topic, "answer": answer,
                    "stance": stance, "holder_id": expert.id,
                    "evidence": [_ev(s1, ["topic", "answer", "stance", "holder_id"])]}]
    doc.filler(rng)

    # --- boilerplate, dismissed
    dismissed = [{"excerpt": doc.add(f"More from {publisher}"), "reason": "site navigation"}]
    if not video:
        dismissed.append({"excerpt": doc.add("Leave a Reply"), "reason": "comment-form boilerplate"})

    source["evidence"] = source_evidence
    curation = {"raw_file": None, "source": source, "actors": actors, "visits": visits, "visit_events": events,
                "agreements": agreements, "trade_figures": figures, "quotes": quotes, "assessments": assessments,
                "dismissed": dismissed}
    return doc.text(), curation


RECORD_SECTIONS = ("actors", "visits", "visit_events", "agreements", "trade_figures", "quotes", "assessments")


def shared_actors(docs: int, seed: int = 0) -> dict:
    """build/actors.yaml: the leaders, the minister, governments, news agencies and regional officials.
    Each country code is shown by an excerpt of a document that names the country (with its raw_file)."""
    leader, chn_leader, rus_leader, minister = GLOBAL_PEOPLE
    first = raw_name(0, seed)
    people = [
        (leader, "BLR", "President of Belarus", f"Belarusian President {leader.full}"),
        (chn_leader, "CHN", "President of China", f"Chinese President {chn_leader.full}"),
        (rus_leader, "RUS", "President of Russia", f"Russian President {rus_leader.full}"),
        (minister, "BLR", "Minister of Foreign Affairs of Belarus", f"Belarusian Foreign Minister {minister.full}"),
    ]
    actors = [{"actor_id": p.id, "name": p.full, "aliases": [p.full, p.surname], "actor_kind": "person",
               "country_code": code, "role": role, "wikidata_id": f"Q{900000 + k}",
               # a made-up id with a made-up address: the shape a verified id takes, never a real claim
               "wikidata_source": f"https://example.org/wikidata-check/Q{900000 + k}",
               "evidence": [{"raw_file": first, "excerpt": excerpt, "supports": ["country_code", "role"]}]}
              for k, (p, code, role, excerpt) in enumerate(people)]
    countries = [("BLR", "Belarus")] + [(code, country) for code, country, _ in HOSTS]
    for code, country in countries:
        # The first visit to the country (Belarus: visit 0, whose agreements name both governments).
        j = next((j for j in range(min(docs, len(HOSTS))) if code == "BLR" or visit_of(j)["code"] == code), None)
        if j is None:
            continue
        actors.append({"actor_id": f"government-of-{country.lower()}", "name": f"Government of {country}",
                       "aliases": [f"Government of {country}"], "actor_kind": "government",
                       "country_code": code, "role": f"The government of {country}",
                       "evidence": [{"raw_file": raw_name(j, seed), "excerpt": f"the Government of {country}",
                                     "supports": ["country_code", "role"]}]})
    for name in MEDIA:
        actors.append({"actor_id": name.lower(), "name": name, "aliases": [name], "actor_kind": "state_media",
                       "role": "State news agency"})
    for j in range(docs):
        v = visit_of(j)
        p = v["host"]
        actors.append({"actor_id": p.id, "name": p.full, "aliases": [p.full, p.surname], "actor_kind": "person",
                       "country_code": v["code"], "role": f"Regional governor in {v['country']} who hosted visit {j}",
                       "evidence": [{"raw_file": raw_name(j, seed), "excerpt": f"{p.full}, a regional governor of "
                                                                                f"{v['country']}",
                                     "supports": ["country_code", "role"]}]})
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
    for name in ("pyproject.toml", "CHANGELOG.md"):  # the version and its release heading
        shutil.copy2(REPO / name, out / name)
    sums, counts = [], {"docs": docs, "raw_chars": 0, "yaml_bytes": 0, "curated_excerpts": 0}
    for i in range(docs):
        text, curation = document(i, docs, seed)
        name = raw_name(i, seed)
        curation["raw_file"] = name
        if check:
            _check_excerpts({name: text}, [curation["source"], *(r for s in RECORD_SECTIONS for r in curation[s])],
                            name)
        data = text.encode("utf-8")
        (out / "raw" / name).write_bytes(data)
        sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
        yaml_text = to_yaml(curation).encode("utf-8")
        (out / "build" / f"{Path(name).stem}.yaml").write_bytes(yaml_text)
        counts["raw_chars"] += len(text)
        counts["yaml_bytes"] += len(yaml_text)
        counts["curated_excerpts"] += sum(len(r.get("evidence", [])) for section in RECORD_SECTIONS
                                          for r in curation[section]) + len(curation["source"]["evidence"])
    (out / "raw" / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    shared = shared_actors(docs, seed)
    if check:
        cited = {item["raw_file"] for actor in shared["actors"] for item in actor.get("evidence", [])}
        texts = {name: (out / "raw" / name).read_text(encoding="utf-8") for name in sorted(cited)}
        _check_excerpts(texts, shared["actors"], "build/actors.yaml")
    actors_yaml = to_yaml(shared).encode("utf-8")
    (out / "build" / "actors.yaml").write_bytes(actors_yaml)
    counts["yaml_bytes"] += len(actors_yaml)
    counts["curated_excerpts"] += sum(len(a.get("evidence", [])) for a in shared["actors"])
    return counts


def _check_excerpts(texts: dict[str, str], records: list[dict], name: str) -> None:
    """Generator self-check: every plain excerpt occurs exactly once (the build would say so too)."""
    default = next(iter(texts))  # a document file's own text; a shared file's excerpts name their raw_file
    for record in records:
        for item in record.get("evidence", []):
            excerpt = item if isinstance(item, str) else item["excerpt"]
            within = None if isinstance(item, str) else item.get("within")
            if isinstance(item, dict) and "occurrence" in item:
                continue
            text = texts[item.get("raw_file", default) if isinstance(item, dict) else default]
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
