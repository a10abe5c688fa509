"""What a candidate fact looks like in a document's text: the coverage audit's vocabulary.

English word lists and patterns for quotations, money, percentages, counts, dates and names of
people; `audit` uses them to find candidates. A vocabulary module: its words are not registry names.
"""

from __future__ import annotations

import re

KINDS = ("quotation", "money", "percentage", "count", "date", "person_name")

_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundred|dozens?|several|a few")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_RELATIVE = (r"last year|this year|next year|last week|this week|last month|this month|the other day|yesterday|"
             r"today|tomorrow|earlier this year|recent years|past (?:few )?(?:years|decades?|months)|"
             r"a few (?:days|weeks|months) (?:before|ago|earlier)|yearlong|decades?")

PATTERNS = {
    "money": re.compile(r"(?:US)?\$\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:billion|million|thousand|trillion|bn|mn)\b)?",
                        re.IGNORECASE),
    "percentage": re.compile(r"\b\d+(?:\.\d+)?\s*(?:%|percent\b|per cent\b)", re.IGNORECASE),
    "count": re.compile(rf"(?<![\d:.,])\b(?:\d{{1,3}}(?:,\d{{3}})*(?!\d)(?![.:,]\d)|(?:{_NUMBER_WORDS})\b)[ \xa0-]+"
                        rf"(?!(?:{_MONTHS})\b)(?!percent\b|per cent\b|billion\b|million\b)[A-Za-z][a-z]+",
                        re.IGNORECASE),
    # Month and weekday names are matched with their capital ("may" is a verb); relative phrases in any case.
    "date": re.compile(rf"\b(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?|(?:19|20)\d{{2}}s?"
                       rf"|(?:[Oo]n\s+)?(?:{_WEEKDAYS})|(?i:{_RELATIVE}))\b"),
    # Capitalised words joined by spaces on one line; leading titles and place words are dropped below.
    "person_name": re.compile(r"\b[A-Z][a-z]+(?:[’']s)?(?:[ \xa0]+[A-Z][a-z]+(?:[’']s)?)+\b"),
}
QUOTES = [
    re.compile(r"“([^”\n]+)”"),
    re.compile(r"(?<![\w])‘([^’\n]+?)’(?![\w])"),
    re.compile(r"(?<![=\w])\"([^\"\n<>=]+)\"(?![\w>])"),
]
# Words that begin capitalised sequences that are not people (titles, places, institutions).
NOT_PEOPLE = {
    "President", "Chinese", "Russian", "Belarusian", "Prime", "Minister", "Foreign", "First", "Deputy", "Great",
    "Hall", "People", "Republic", "Central", "Asia", "Shanghai", "Cooperation", "Organisation", "Organization",
    "Belt", "Road", "Initiative", "Industrial", "Park", "State", "Guesthouse", "Union", "Western", "Eastern",
    "Europe", "East", "Affairs", "United", "States", "Joint", "Statement", "China", "Russia", "Belarus", "Ukraine", "Kremlin",
    "Beijing", "Moscow", "Minsk", "Tiananmen", "Square", "Diaoyutai", "Comtrade", "Newsweek", "Xinhua", "Daily",
    "World", "Service", "Radio", "Free", "Liberty", "Realities", "Leave", "Reply", "Comment", "Home", "Opinions",
    "Voice", "About", "Read", "Photo", "Copyright", "Policy", "Magazine", "Post", "Morning", "South", "North",
    "Technology", "University", "Virginia", "Tech", "London", "British", "Columbia", "Group", "Wagner", "Between",
    "And", "The", "In", "On", "As", "But", "After", "Before", "During", "Despite", "This", "That", "It", "Both",
    "Some", "Kyiv", "Washington", "Yahoo", "News", "Taipei", "Taiwan", "Prague", "Atlantic", "Federation",
    "Objectives", "Visit", "Reaction", "Motivations", "Soviet", "Sino", "Kazakhstan", "Uzbekistan", "Crimea",
    "Georgia", "Abkhazia", "Sukhumi", "Donetsk", "Mogilev", "Vitebsk", "Lukashenkos", "Xinjiang", "Africa", "By",
}
