""""My library is not listed": the library's own fields on the list-your-circle form, from schema/.

A library new to the directory is the common case for a new library (issue 23). The form then asks
for the library too, from the libraries resource of the data package as it asks for the circle's
fields, and writes a second file, content/libraries/<id>.yml, that the circle's ``library:`` names.
Coordinates are not asked: the form has no way to know them, and a library without them is placed
at its town's centre until `circles geocode` or a maintainer places the building (rules.py warns).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel import Locale

from circles.i18n import Texts, _, known_country, name_order
from circles.records.schema import Column, Resource

#: The value of the library picker's option for a library the directory does not list yet: never an id
#: (ids are lowercase letters, digits and hyphens), so no library can be mistaken for it.
NEW = "*"
#: The form's fields of the new library are named ``new-library:<YAML path>``, apart from the circle's.
PREFIX = "new-library:"
#: Not asked of a librarian: coordinates (not invented by the form; the town places the library until
#: `circles geocode` places the building) and the timezone (derived from where the library is).
NOT_ASKED = ("latitude", "longitude", "coordinates_source", "coordinates_precision", "coordinates_date", "timezone")
#: Headings of the nested mappings' fieldsets, and the file name's.
GROUPS = {"address": _("Address")}
#: Help in a librarian's words where the schema's speaks of files in content/.
HELP = {"network": _("The library system the library belongs to, if it is in the list.")}


def library_fields(resource: Resource, make: Callable[[Column], Any]) -> tuple[list, Any]:
    """The asked fields of a new library, in schema order, and its file-name field; ``make(column)``
    draws one control as contribute.form_field does for the circle."""
    asked = [column for column in resource.columns.values()
             if column.name not in NOT_ASKED and column.name != "id" and not column.name.startswith("provenance_")]
    return [make(column) for column in asked], make(resource.columns["id"])


def country_codes() -> list[str]:
    """Every country code the validator knows (i18n.known_country)."""
    return sorted(code for code in Locale("en").territories if known_country(code))


def country_options(texts: Texts) -> list[tuple[str, str]]:
    """Every country the validator knows, by its name in the site's language: the code is never typed."""
    return sorted(((code, texts.country_name(code)) for code in country_codes()), key=lambda option: (name_order(option[1]), option[0]))


def library_messages() -> dict[str, str]:
    """The words contribute.js shows about a new library; translated with the form's other words."""
    return {
        "new_library_taken": _("{value} is the file name of a library already listed: choose it in the list "
                               "above, or give this library another file name."),
    }
