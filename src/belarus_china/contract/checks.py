"""Named domain checks the registry refers to (`check:` in fields.yaml), vectorised over a Series.

Each has its problem code, the phrase that completes "must be ...", and the test itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd


@lru_cache(maxsize=1)
def _iso3166_alpha3() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_3 for country in pycountry.countries)


def _fullmatch(pattern: str):
    return lambda s: s.str.fullmatch(pattern).fillna(False).astype(bool)


# Characters no text of the package may hold, curated or published: C0 and C1 controls except tab, LF and CR;
# the bidirectional embeddings, overrides and isolates; the directional marks. They can make a value display as
# something it is not. The build refuses them in curation files (with the line) and every text column is
# checked for them (`unsafe-character`), on a fresh build and on any package validated.
UNSAFE_CHARACTERS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
UNSAFE_CHARACTER = re.compile(UNSAFE_CHARACTERS)


def no_unsafe_character(values: pd.Series) -> pd.Series:
    """True where a present text holds none of UNSAFE_CHARACTERS (vectorised: Arrow's regular expressions)."""
    return ~values.astype("string").str.contains(UNSAFE_CHARACTERS, regex=True).fillna(False).astype(bool)


WIKIDATA_QID = "wikidata_qid"  # also checks the Wikidata ids of countries.yaml

DOMAIN_CHECKS = {
    "iso3166_alpha3": ("country-code", "an ISO 3166-1 alpha-3 country code", lambda s: s.isin(_iso3166_alpha3())),
    WIKIDATA_QID: ("wikidata-id", "a Wikidata item id such as Q2866", _fullmatch(r"Q[1-9][0-9]*")),
    "sha256_hex": ("sha256-format", "64 lowercase hexadecimal digits", _fullmatch(r"[0-9a-f]{64}")),
    "video_time": ("video-time-format", "a video time HH:MM:SS", _fullmatch(r"[0-9]{2}:[0-5][0-9]:[0-5][0-9]")),
}


def domain_check(name: str, values: pd.Series) -> pd.Series:
    """True where a present value passes the named check."""
    return DOMAIN_CHECKS[name][2](values.astype("string"))
