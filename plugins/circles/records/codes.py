"""Language tags as records give them: the rule that `circles validate` and the list-your-circle form
(pages/contribute.py, which hands the form the same list) both apply, so that the form never accepts
what the pull request's check then rejects (issue 23)."""

from __future__ import annotations

import re
from functools import cache

#: The shape of a BCP 47 tag: a language of two or three letters, then subtags (script, region, variant).
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


@cache
def language_codes() -> frozenset[str]:
    """The languages CLDR has data for, and the other codes it knows them by (``fra``, ``iw``)."""
    from babel.core import get_global
    from babel.localedata import locale_identifiers

    codes = {identifier.split("_")[0] for identifier in locale_identifiers()}
    codes |= {alias.lower() for alias, target in get_global("language_aliases").items()
              if alias.isalpha() and target.replace("-", "_").split("_")[0] in codes}
    return frozenset(codes)


def is_language_tag(tag: str) -> bool:
    """What a record may give as a language: a BCP 47 tag whose language CLDR knows, whatever its region
    or script (``pt-BR``, ``af-NA``, ``zh-Hant-TW``). The list-your-circle form checks the same rule
    with the same list (pages/contribute.py)."""
    return bool(re.match(LANGUAGE_TAG, tag)) and tag.split("-", 1)[0].lower() in language_codes()
