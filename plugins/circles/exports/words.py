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
    """``search/words.json``: ``{word: how many circles have it}``, counted only when the file is made: it is
    made from the circles listed and the languages, which a rebuild fingerprints without reading their words
    (issue 24: counting them took 0.1 s of each rebuild of 10,000 circles)."""
    listed = [circle for circle in directory.circles if not circle.archived]

    def make(names: list[str]):
        counts = Counter(word for circle in listed for word in circle_words(circle, languages))
        data = json.dumps(dict(sorted(counts.items())), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        for name in names:
            yield name, data

    return Files("search-words", {"search/words.json": (listed, [str(texts.locale) for texts in languages])}, make)
