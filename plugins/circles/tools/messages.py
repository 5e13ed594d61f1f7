"""``make messages``: the words of schema/datapackage.json for the catalogues, as Babel extracts them.

The list-your-circle form labels its fields with the schema's titles and descriptions, and the open
data page lists every column with them: both are public pages in every language (issue 21), so these
words are translated like the templates'. babel.cfg names :func:`extract_schema` for the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO


def extract_schema(fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Each resource's and field's title and description, with the line it is on (Babel's extractor API)."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    descriptor = json.loads(text)

    def line_of(value: str) -> int:
        quoted = json.dumps(value, ensure_ascii=False)
        return next((number for number, line in enumerate(lines, 1) if quoted in line), 0)

    for resource in descriptor.get("resources", []):
        for part in (resource, *resource.get("schema", {}).get("fields", [])):
            for key in ("title", "description"):
                if isinstance(part.get(key), str) and part[key]:
                    yield line_of(part[key]), "_", part[key], [f"schema: {resource['name']}.{part.get('name', '')} {key}"]
