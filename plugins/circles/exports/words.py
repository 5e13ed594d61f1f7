"""Export stage: ``search/words.json``, the words the directory's circles are found by, for the
search page's "Did you mean …?" when a search finds nothing (issue 23; read by search.js).

The words of each circle listed (not archived): its title, its course's title, its topics and their
labels in each of the site's languages (the search index holds them all: search.search_record), its
library's name and town, folded to lower case, each with the number of circles it is in, so that
a typo is put right to the more frequent of two words as near.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from circles.directory.models import Circle, Directory
from circles.i18n import Texts
from circles.incremental.layer import Files

#: Shorter words are too near too many others for a suggestion to be worth making.
SHORTEST = 3
WORD = re.compile(r"[^\W\d_]+")


def circle_words(circle: Circle, languages: list[Texts]) -> set[str]:
    """The words of a circle that its search record holds and someone may misspell, its topics named
    in each of ``languages`` ("programmation", "programación")."""
    library = circle.library
    texts = [circle.title, circle.course.title, *circle.topics,
             *(words.topic(topic) for words in languages for topic in circle.topics),
             *((library.name, library.address.city) if library else ())]
    return {word for text in texts for word in WORD.findall(text.lower()) if len(word) >= SHORTEST}


def word_files(directory: Directory, languages: list[Texts]) -> Files:
    """``search/words.json``: ``{word: how many circles have it}``."""
    counts = Counter(word for circle in directory.circles if not circle.archived
                     for word in circle_words(circle, languages))
    words = dict(sorted(counts.items()))

    def make(names: list[str]):
        for name in names:
            yield name, json.dumps(words, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    return Files("search-words", {"search/words.json": (words,)}, make)
