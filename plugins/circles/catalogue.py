"""Every kind of problem the checker reports: its code, message template and hint template.

A key is a code, or ``code:variant`` for another wording of the same code (a report
shows only the code). Templates are ``str.format`` strings marked for extraction by
``make messages``; :func:`circles.problems.problem` translates and fills them in.
``docs/errors.md`` is generated from :data:`SECTIONS`, in this order.
"""

from __future__ import annotations

from dataclasses import dataclass

from circles.i18n import _

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Kind:
    message: str  # what is wrong
    hint: str  # how to fix it
    severity: str = ERROR


# Replaces a Kind's hint when a problem is given a close match as `suggestion`.
DID_YOU_MEAN = _("did you mean '{suggestion}'?")

FILES = {
    "no-content": Kind(_("the content folder does not exist"), _("run the command from the repository's top folder")),
    "wrong-folder": Kind(_("the record is not in a record folder"), _("move it into {folders}")),
    "wrong-extension": Kind(_("record files end in .yml"), _("rename it to {stem}.yml")),
    "no-such-file": Kind(_("there is no such file or folder"), _("check the spelling of its name and folders")),
    "unreadable": Kind(_("cannot read the file ({reason})"), _("check the file exists and is readable")),
    "too-large": Kind(_("the file is {size} KiB, over the {limit} KiB limit"),
                      _("a record is a few dozen lines; split or shorten it")),
    "binary": Kind(_("the file is not text (it holds NUL bytes)"), _("upload the YAML text file, not a document or image")),
    "not-utf8": Kind(_("the file is not valid UTF-8"), _("save it as UTF-8 (in most editors: Save as… → Encoding: UTF-8)")),
    "byte-order-mark": Kind(_("the file starts with a byte-order mark (BOM)"),
                            _("save it as UTF-8 without BOM; it was read anyway"), WARNING),
    "control-character": Kind(_("the file holds an invisible control character ({character})"),
                              _("retype the line: it was probably pasted from a word processor")),
    "tab-indent": Kind(_("the line is indented with a tab"), _("indent with spaces only (two per level)")),
    # {error} is the YAML parser's own (English) description; the hint depends on it.
    "yaml-syntax": Kind(_("the file is not valid YAML ({error})"), _("check the indentation and colons")),
    "yaml-syntax:quotes": Kind(_("the file is not valid YAML: {error}"),
                               _("put quotes around a value that contains ': ', e.g. title: \"Python: the basics\"")),
    "yaml-syntax:indentation": Kind(_("the file is not valid YAML: {error}"),
                                    _("check the indentation: nested fields are indented by two spaces under their parent")),
    "yaml-syntax:line": Kind(_("the file is not valid YAML: {error}"),
                             _("check quotes, colons and indentation on this line and the one before")),
    "yaml-syntax:colon": Kind(_("the file is not valid YAML: there is no ':' after '{key}'"),
                              _("write it as '{key}: value', with a space after the colon")),
    "yaml-syntax:indent": Kind(_("the file is not valid YAML: the line does not line up with the lines around it"),
                               _("line it up with the fields around it: nested fields go two spaces under their parent")),
    "yaml-syntax:nbsp": Kind(_("the file is not valid YAML: the line holds a non-breaking space (pasted from the web?)"),
                             _("delete the spaces at the start of the line and after the colon, and type them again")),
    "many-documents": Kind(_("the file holds more than one YAML document"),
                           _("keep one record per file and remove the '---' line")),
    "alias": Kind(_("aliases (*{anchor}) are not allowed in records"), _("write the value out in full")),
    "yaml-tag": Kind(_("YAML tags such as {tag} are not allowed in records"), _("remove the tag; write the value as plain text")),
    "too-many-values": Kind(_("the file holds too many values"), _("a record is a few dozen lines")),
    "too-deep": Kind(_("values are nested too deeply"),
                     _("records use at most one level of nesting (address, course, schedule)")),
    "bad-key": Kind(_("a field name must be plain text"), _("write 'name: value' with the name in lowercase letters")),
    "duplicate-key": Kind(_("'{key}' is given twice (first on line {first})"), _("keep one of them and delete the other")),
    "empty": Kind(_("the file is empty"), _("fill in the fields; see CONTRIBUTING.md for an example")),
    "not-a-mapping": Kind(_("the file must be a list of 'field: value' lines"),
                          _("start each line with a field name, e.g. 'title: Python for beginners'")),
    "not-a-mapping:field": Kind(_("'{field}' must hold indented fields ({subkeys})"),
                                _("write '{field}:' on its own line and its fields below it, indented by two spaces")),
}

FIELDS = {
    "id-mismatch": Kind(_("the id '{value}' differs from the file name '{id}'"), _("delete the id line: the file name is the id")),
    "unknown-field": Kind(_("'{field}' is not a field of {resource}"), _("see docs/records.md for the fields of {resource}")),
    "wrong-shape": Kind(_("expected a single value, found indented fields"), _("write it on one line, e.g. {name}: {example}")),
    "wrong-shape:list": Kind(_("expected a single value, found a list"), _("write it on one line, e.g. {name}: {example}")),
    "wrong-shape:item": Kind(_("item {number} of the list is empty or not a single value"),
                             _("write each item as plain text, e.g. {name}: {example}")),
    "missing": Kind(_("'{field}' is required"), _("add a line '{name}: {example}'")),
    "missing:empty": Kind(_("'{field}' is empty"), _("fill it in, e.g. '{name}: {example}'")),
    "missing:nested": Kind(_("'{field}' is required"), _("add a line '{name}: {example}' under '{parent}:'")),
    "missing:library": Kind(_("'{field}' is required unless the format is online"),
                            _("add '{field}: <id of a file in content/libraries>' or 'format: online'")),
    "missing:online": Kind(_("a circle without a library needs '{field}'"), _("add '{field}: {example}'")),
    "missing:course": Kind(_("'course' is required: the course the group takes"),
                           _("add 'course: <id of a file in content/courses>', or describe it under 'course:' with "
                             "'title:', 'provider:' and 'url:'")),
    "wrong-type": Kind(_("{value} is not a valid {type}"), _("see docs/records.md")),
    "wrong-type:date": Kind(_("{value} is not a valid date"), _("write the date as YYYY-MM-DD, e.g. {example}")),
    "wrong-type:time": Kind(_("{value} is not a valid time"), _("write the time as HH:MM on a 24-hour clock, e.g. {example}")),
    "wrong-type:integer": Kind(_("{value} is not a valid integer"), _("write a whole number, e.g. {example}")),
    "wrong-type:number": Kind(_("{value} is not a valid number"), _("write a decimal number, e.g. {example}")),
    "wrong-type:string": Kind(_("{value} is not a valid string"), _("write plain text, e.g. {example}")),
    "not-allowed": Kind(_("{value} is not one of: {options}"), _("use one of: {options}")),
    # {description} is the field's description from the schema.
    "bad-format": Kind(_("{value} is not in the expected form"), _("{description} For example: {example}")),
    "bad-format:file-name": Kind(_("a file name holds only lowercase letters, digits and hyphens"),
                                 _("rename it to {stem}.yml")),
    "curly-quotes": Kind(_("{value} is written with curly quotes"), _("remove them: {name}: {bare}")),
    "out-of-range": Kind(_("{value} is outside {minimum} to {maximum}"),
                         _("write a number from {minimum} to {maximum}, e.g. {example}")),
    "out-of-range:date": Kind(_("{value} is outside {minimum} to {maximum}"),
                              _("check the year: write a date from {minimum} to {maximum}")),
    "bad-length": Kind(_("the text must be {minimum} to {maximum} characters long"), _("write it out in full")),
    "bad-length:long": Kind(_("the text must be {minimum} to {maximum} characters long"), _("shorten it")),
    "invalid": Kind(_("{value} is not valid ({notes})"), _("{description}")),
}

VALUES = {
    "placeholder": Kind(_("looks like a placeholder, not a real value"),
                        _("give the real value, or delete the line if it is not known yet")),
    "placeholder:host": Kind(_("'{host}' is a placeholder address"), _("give the real web address")),
    "insecure-url": Kind(_("the link uses http://"), _("use https://{rest} if the site supports it"), WARNING),
    "bad-url": Kind(_("'{value}' is not a web address starting with https://"),
                    _("copy the address from the browser's address bar, e.g. https://www.example.org/page")),
    "bad-contact": Kind(_("'{value}' is not an https:// link or an email address"),
                        _("e.g. https://www.library.org/events, circles@library.org")),
    "bad-contact:drop-in": Kind(_("'{value}' is not an https:// link, an email address or drop-in"),
                                _("e.g. https://www.library.org/events, circles@library.org, or drop-in")),
    "unknown-country": Kind(_("'{value}' is not an ISO 3166-1 country code"), _("use two capital letters, e.g. CA, US, KE, GB")),
    "unknown-language": Kind(_("'{value}' is not a known language tag"), _("use a BCP 47 tag such as en, fr, es, sw or pt-BR")),
    "unknown-licence": Kind(_("'{value}' is not an SPDX licence identifier"),
                            _("write its SPDX identifier (CC-BY-4.0, CC-BY-SA-4.0, MIT), 'proprietary' when the course "
                              "is free to take but not to reuse, or 'unknown'")),
    # A public page is indexed for good: a person on it is findable by anyone, and a personal address
    # gets spam and leaves with the person (rules.Checker.privacy).
    "full-name": Kind(_("'{value}' looks like a full name or a title"),
                      _("use first names only: the page is public and indexed for good"), WARNING),
    "personal-email": Kind(_("'{value}' looks like a person's own address"),
                           _("use the library's or network's own address (circles@…): a personal one gets spam and "
                             "leaves with the person"), WARNING),
    "bad-topic": Kind(_("the topic '{value}' is not a lowercase tag"), _("write it as '{tag}'")),
    "half-coordinates": Kind(_("{field} is missing while the other coordinate is given"),
                             _("give both latitude and longitude, or neither to have them geocoded")),
    "placeholder-coordinates": Kind(_("({latitude}, {longitude}) is a placeholder location"),
                                    _("copy the real coordinates from a map, or delete both lines to have them geocoded")),
    "unknown-timezone": Kind(_("'{value}' is not an IANA timezone name"),
                             _("use a name such as America/Toronto or Africa/Nairobi")),
    "no-length": Kind(_("the schedule gives no length"), _("add 'weeks: 6' (or end_date, or a list of dates) under 'schedule:'")),
    "many-lengths": Kind(_("give only one of weeks, end_date and dates (found {given})"), _("delete '{extra}'")),
    "bad-weekday": Kind(_("'{value}' is not a day of the week"), _("use monday … sunday")),
    "weekday-mismatch": Kind(_("{date} is a {weekday}, but the circle meets on {weekdays}"),
                             _("correct the start date or the weekdays")),
    "end-before-start": Kind(_("the end date {end} is before the start date {start}"),
                             _("check the year and month of both dates")),
    "too-long": Kind(_("the circle would run for more than a year"),
                     _("check the year of the end date; list each run of a circle as its own file")),
    "dates-start": Kind(_("the first meeting date differs from start_date"),
                        _("make start_date {earliest}, the earliest date in the list")),
    "skip-not-meeting": Kind(_("{date} is not a meeting day"), _("list only dates on which the circle would otherwise meet")),
}

REFERENCES = {
    "unknown-reference": Kind(_("there is no {target} '{value}'"), _("use the name of a file in content/{folder}/ without .yml")),
    "unknown-reference:network": Kind(_("there is no network '{value}'"),
                                      _("use the name of a file in content/networks/ without .yml")),
    "unknown-reference:library": Kind(_("there is no library '{value}'"),
                                      _("use the name of a file in content/libraries/ without .yml")),
    "unknown-reference:course": Kind(_("there is no course '{value}'"),
                                     _("use the name of a file in content/courses/ without .yml, or add that course with "
                                       "'circles new course'")),
}

PLACES = {
    "outside-country": Kind(_("({latitude}, {longitude}) is not in {country_name}"),
                            _("the point is in {found}: if the library is there, write 'country: {country_code}'; "
                              "if not, check latitude and longitude on a map")),
    "outside-country:sea": Kind(_("({latitude}, {longitude}) is not in {country_name}"),
                                _("check latitude and longitude on a map: the point is at sea")),
    "outside-country:sign": Kind(_("({latitude}, {longitude}) is not in {country_name}"),
                                 _("did you drop or add a minus sign? ({fixed_latitude}, {fixed_longitude}) is in {country_name}")),
    "cannot-place": Kind(_("no coordinates, and the gazetteer has no town '{city}' in {country}: the library is "
                           "listed without a map and left out of searches near a place"),
                         _("run 'circles geocode --write {id}', or copy latitude and longitude from a map"), WARNING),
    "cannot-place:timezone": Kind(_("no coordinates, and the gazetteer has no town '{city}' in {country}: the library "
                                    "is listed without a map and left out of searches near a place, and its circles' "
                                    "times are taken to be in {timezone}"),
                                  _("add 'timezone:' if that is wrong; run 'circles geocode --write {id}', or copy "
                                    "latitude and longitude from a map"), WARNING),
    "approximate": Kind(_("no coordinates: maps will show the centre of {city}"),
                        _("run 'circles geocode --write {id}' to place the building, or copy latitude and longitude from a map"),
                        WARNING),
    "timezone-country": Kind(_("'{value}' is not a timezone of {country_name}"), _("use {expected}, the timezone at the library")),
    "same-coordinates": Kind(_("the same coordinates as {other}, which has another address"),
                             _("check which of the two is right"), WARNING),
    "same-address": Kind(_("the page of {city} would have the same address ({url}) as the page of {other} in {files}"),
                         _("write the town's name as the other file does if they are one town; if not, add the region "
                           "to the address"))
}

LISTINGS = {
    "duplicate": Kind(_("the same course at the same library, starting the same day and time, as {other}"),
                      _("remove one of the two files, or correct its library, start date or time"), WARNING),
    "similar-title": Kind(_("a title very like '{title}' in {other}, at the same library within {days} days"),
                          _("if both files list one circle, remove one; if not, make the titles tell them apart"), WARNING),
    "course-listed": Kind(_("the course is written out here, and {file} lists it"),
                          _("replace the lines under 'course:' with 'course: {id}'"), WARNING),
    "duplicate-course": Kind(_("the same course link as {other}"),
                             _("keep one of the two files and name it from the circles that take this course"), WARNING),
    "stale": Kind(_("last checked on {date}, more than a year ago"),
                  _("check the listing is still right and set last_verified to today's date"), WARNING),
}

# A draft is reported once, with all that is left to do: a missing required field of a draft is part
# of this warning, not an error of its own (rules.as_draft).
DRAFTS = {
    "draft": Kind(_("a draft imported from {source}, not published until a librarian checks it; still to fill in: "
                    "{fill}"),
                  _("fill these in, check the title, schedule, room, language and description against the "
                    "calendar, then delete the line 'draft: true'"), WARNING),
    "draft:filled": Kind(_("a draft imported from {source}, not published until a librarian checks it"),
                         _("check the title, schedule, room, language and description against the calendar, then "
                           "delete the line 'draft: true'"), WARNING),
}

SECTIONS: dict[str, dict[str, Kind]] = {
    "The file and its YAML": FILES,
    "Fields and their values": FIELDS,
    "Links, codes, places and schedules": VALUES,
    "Where libraries are": PLACES,
    "References between records": REFERENCES,
    "Duplicates and freshness": LISTINGS,
    "Drafts": DRAFTS,
}

CATALOGUE: dict[str, Kind] = {key: kind for section in SECTIONS.values() for key, kind in section.items()}
