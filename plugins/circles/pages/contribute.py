"""The "List your circle" page: a form made from schema/, which writes a circle's record in the browser.

Every field of the form comes from the circles resource of the data package: its YAML
name, label (title), help (description), placeholder (example) and constraints. The
checks the schema cannot express are the validator's own (rules.py), handed to the
browser as patterns. theme/static/js/contribute.js checks what it can, previews the
listing and the exact YAML, and opens GitHub's new-file page pre-filled with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from circles.directory.models import Directory
from circles.i18n import FORMAT_LABELS, WEEKDAY_NAMES, Texts, _, name_order
from circles.pages import contribute_library as new
from circles.records.codes import LANGUAGE_TAG, language_codes
from circles.records.rules import DROP_IN, EMAIL, FIRST_DAY, LAST_DAY, PLACEHOLDER_HOSTS, PLACEHOLDERS, TOPIC, timezones
from circles.records.schema import Column, Resource, load_schema

#: Where the page is written.
URL = "list-your-circle/"
#: The file name: asked under the form, where it is suggested from the other fields.
FILE_NAME = "id"
#: Not asked: a status override changes a listing after it is listed.
LATER = ("status",)
#: Not asked: written by `circles import` (the start of their column names).
IMPORTED = "provenance_"
#: Filled in by the page with the day the listing is made.
TODAY = ("listed", "last_verified")
#: Lists whose items come from a fixed set: checkboxes rather than a text box.
CHOICES = {"schedule.weekdays": WEEKDAY_NAMES}
#: Labels of enum values that the site already translates; other values are shown as written.
ENUM_LABELS = {"format": FORMAT_LABELS}
#: Headings of the nested mappings' fieldsets.
GROUPS = {"course": _("A course that is not listed yet"), "schedule": _("Schedule")}
#: Checks the validator makes beyond the schema (rules.py), by column name.
CHECKS = {"signup": "signup", "topics": "topic", "language": "language", "course_language": "language",
          "timezone": "timezone", "address_country": "country"}
#: The pickers' help in a librarian's words: the schema's speaks of files in content/, which the form writes.
PICKER_HELP = {
    "library": _("The library where the circle meets. If it is not in the list, choose “My library is not listed” "
                 "and describe it: the page writes its listing too. An online circle with no library leaves this empty."),
    "network": _("The library system or organization that runs the circle, if it is in the list. Needed for an "
                 "online circle that has no library; otherwise the library's is used."),
    "course": _("The course the group takes together, if it is in the list. If it is not, describe it below."),
    "course_title": _("The course the group takes together, when it is not in the list above."),
}
#: Text this long gets a text area.
LONG_TEXT = 1000
#: GitHub refuses very long addresses; a longer listing is copied and pasted instead.
MAX_URL = 8000


@dataclass
class Field:
    """One control of the form, as the template draws it and the script checks it."""

    name: str  # the control's name: the YAML path (schedule.start_date), a new library's with new.PREFIX
    id: str  # HTML id
    label: str
    help: str
    placeholder: str
    widget: str  # text, textarea, url, number, date, time, select, checkboxes
    type: str  # the schema's type
    item_type: str | None
    required: bool
    constraints: dict[str, Any]
    check: str = ""
    picker: str = ""  # the kind of record a picker lists: libraries or networks
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of a select or checkboxes
    today: bool = False
    record: str = "circle"  # the file it is written to: the circle's, or a new library's

    def spec(self) -> dict[str, Any]:
        """What contribute.js needs to build and check the value."""
        return {"name": self.name, "key": self.name.removeprefix(new.PREFIX), "record": self.record, "id": self.id, "label": self.label, "example": self.placeholder,
                "widget": self.widget, "type": self.type, "item": self.item_type, "required": self.required,
                "check": self.check, "today": self.today, **self.constraints}


@dataclass
class Section:
    """Fields in a row of the schema: a nested mapping's (with a legend) or top-level ones (without)."""

    group: str
    legend: str
    fields: list[Field] = field(default_factory=list)


def form_field(column: Column, texts: Texts, pickers: dict[str, str], prefix: str = "") -> Field:
    """The control for one schema column; ``prefix`` names a new library's apart from the circle's."""
    c = column.constraints
    constraints = {key: c[key] for key in ("pattern", "minLength", "maxLength", "minimum", "maximum") if key in c}
    options: list[tuple[str, str]] = []
    if column.yaml in CHOICES:
        options = list(zip(CHOICES[column.yaml], weekday_names(texts)))
    elif column.name == "address_country":
        options = new.country_options(texts)
    elif "enum" in c:
        labels = ENUM_LABELS.get(column.name, {})
        options = [(value, texts.gettext(labels[value]) if value in labels else value) for value in c["enum"]]
    check = "url" if column.format == "uri" else CHECKS.get(column.name, "")
    help_text = (new.HELP if prefix else PICKER_HELP).get(column.name, column.description)
    name = prefix + column.yaml
    return Field(
        name=name, id="f-" + name.replace(":", "-").replace(".", "-").replace("_", "-"),
        label=texts.gettext(column.title), help=texts.gettext(help_text),
        placeholder=column.example.strip("[]"), widget=_widget(column, pickers), type=column.type,
        item_type=column.item_type, required=column.required, constraints=constraints, check=check,
        picker=pickers.get(column.name, ""), options=options, today=column.name in TODAY and not prefix,
        record="library" if prefix else "circle",
    )


def _widget(column: Column, pickers: dict[str, str]) -> str:
    if column.yaml in CHOICES:
        return "checkboxes"
    if column.name in pickers or "enum" in column.constraints or column.name == "address_country":
        return "select"
    if column.type in ("date", "time"):
        return column.type
    if column.type in ("integer", "number"):
        return "number"
    if column.format == "uri":
        return "url"
    return "textarea" if column.constraints.get("maxLength", 0) >= LONG_TEXT else "text"


def weekday_names(texts: Texts) -> list[str]:
    """Monday to Sunday in the site's language."""
    return list(texts.weekday_names)


def form_sections(resource: Resource, texts: Texts) -> list[Section]:
    """The asked fields in schema order, a nested mapping's fields together in one section."""
    pickers = dict(resource.foreign_keys)
    sections: list[Section] = []
    for path, column in resource.columns.items():
        if column.name == FILE_NAME or column.name in LATER or column.name in TODAY or column.name.startswith(IMPORTED):
            continue
        group = path.partition(".")[0] if "." in path else ""
        if not sections or sections[-1].group != group:
            legend = texts.gettext(GROUPS.get(group, group.capitalize())) if group else ""
            sections.append(Section(group, legend))
        sections[-1].fields.append(form_field(column, texts, pickers))
    return sections


def field_specs(resource: Resource, texts: Texts) -> list[dict[str, Any]]:
    """Every field the record is written from, in schema order: the asked ones, the id and today's."""
    pickers = dict(resource.foreign_keys)
    return [form_field(column, texts, pickers).spec() for column in resource.columns.values()
            if column.name not in LATER and not column.name.startswith(IMPORTED)]


def new_library(schema: dict[str, Resource], texts: Texts) -> dict[str, Any]:
    """The fields of a library not listed yet (contribute_library.py), in sections as the circle's."""
    resource = schema["libraries"]
    pickers = dict(resource.foreign_keys)
    fields, id_field = new.library_fields(resource, lambda column: form_field(column, texts, pickers, new.PREFIX))
    sections: list[Section] = []
    for f in fields:
        group = f.name.removeprefix(new.PREFIX).partition(".")[0] if "." in f.name else ""
        if not sections or sections[-1].group != group:
            sections.append(Section(group, texts.gettext(new.GROUPS[group]) if group else ""))
        sections[-1].fields.append(f)
    return {"sections": sections, "id_field": id_field, "specs": [f.spec() for f in [*fields, id_field]]}


def library_choices(directory: Directory) -> list[dict[str, str]]:
    """``Name — City (id)`` of every library, with the name and city apart for the preview."""
    choices = [{"id": lib.id, "label": f"{lib.name} — {lib.address.city} ({lib.id})", "name": lib.name,
                "city": lib.address.city} for lib in directory.libraries]
    return sorted(choices, key=lambda choice: (name_order(choice["label"]), choice["id"]))


def course_choices(directory: Directory) -> list[dict[str, str]]:
    """``Title — Provider (id)`` of every course, with the title and provider apart for the preview."""
    choices = [{"id": course.id, "label": f"{course.title} — {course.provider} ({course.id})", "title": course.title,
                "provider": course.provider, "language": course.language} for course in directory.courses]
    return sorted(choices, key=lambda choice: (name_order(choice["label"]), choice["id"]))


def network_choices(directory: Directory) -> list[dict[str, str]]:
    choices = [{"id": net.id, "label": f"{net.name} ({net.id})", "name": net.name} for net in directory.networks]
    return sorted(choices, key=lambda choice: (name_order(choice["label"]), choice["id"]))


def suggestions(directory: Directory, texts: Texts) -> dict[str, list[tuple[str, str]]]:
    """Values already used in the directory, offered as the language and timezone fields' datalists."""
    tags = {circle.language for circle in directory.circles}
    tags.update(tag for net in directory.networks for tag in net.languages)
    zones = {lib.timezone for lib in directory.libraries if lib.timezone}
    return {"language": [(tag, texts.language_name(tag)) for tag in sorted(tags)],
            "timezone": [(zone, "") for zone in sorted(zones)]}


def checks() -> dict[str, Any]:
    """The validator's own patterns, for the browser (JavaScript reads these regular expressions alike)."""
    return {"email": EMAIL.pattern, "topic": TOPIC.pattern, "language": LANGUAGE_TAG, "languages": sorted(language_codes()),
            "placeholder": PLACEHOLDERS.pattern, "placeholder_host": PLACEHOLDER_HOSTS.pattern,
            "drop_in": sorted(DROP_IN), "weekdays": list(WEEKDAY_NAMES), "timezones": sorted(timezones()),
            "first_day": FIRST_DAY.isoformat(), "last_day": LAST_DAY.isoformat(), "new_library": new.NEW,
            "countries": new.country_codes()}


def contribute_messages(texts: Texts) -> dict[str, Any]:
    """The words contribute.js shows, translated here; ``{name}`` fields are filled in by the script."""
    one, other = (texts.ngettext("%(num)d week", "%(num)d weeks", n) % {"num": 0} for n in (1, 2))
    words = {
        "required": _("{label} is required."),
        "required_library": _("Choose the library where the circle meets, or choose the format Online."),
        "required_online": _("{label} is required for an online circle that has no library."),
        "required_course": _("Choose the course, or describe it below if it is not listed yet."),
        "too_short": _("{label} needs at least {min} characters."),
        "too_long": _("{label} can have at most {max} characters; it has {count}."),
        "pattern": _("{label} is not written the right way. For example: {example}"),
        "integer": _("{label} must be a whole number, such as {example}."),
        "number": _("{label} must be a number, such as {example}."),
        "range": _("{label} must be between {min} and {max}."),
        "date": _("{label} must be a date, written YYYY-MM-DD, such as {example}."),
        "date_item": _("“{value}” is not a date: write dates as YYYY-MM-DD, such as {example}."),
        "date_range": _("{value} is not between {first} and {last}: check the year."),
        "time": _("{label} must be a time on a 24-hour clock, written HH:MM, such as {example}."),
        "url": _("{label} must be a web address starting with https://, such as {example}."),
        "placeholder_host": _("{host} is an example address. Give the real one."),
        "placeholder": _("“{value}” is a placeholder. Give the real value, or leave the field empty."),
        "signup": _("Give an https:// sign-up page, an email address of the library, or drop-in."),
        "topic": _("“{value}” is not a topic: use lowercase letters, digits and hyphens, such as {tag}."),
        "language": _("“{value}” is not a language tag. Use a BCP 47 tag such as en, fr, sw or pt-BR."),
        "timezone": _("“{value}” is not a timezone. Use an IANA name such as America/Toronto."),
        "no_length": _("Give the number of weeks, an end date or the list of meeting dates."),
        "many_lengths": _("Give only one of these: weeks, end date or meeting dates."),
        "end_before_start": _("The end date is before the start date."),
        "weekday_mismatch": _("The start date is a {weekday}, which is not among the days chosen."),
        "weekday_moved": _("{weekday} was unticked: tick it again if the circle meets on both days."),
        "dates_start": _("The first of the meeting dates must be the start date."),
        "skip_not_meeting": _("{date} is not a meeting day of this circle."),
        "summary_one": _("1 thing to fix before listing the circle"),
        "summary_other": _("{count} things to fix before listing the circle"),
        "ready": _("The listing is ready."),
        "copied": _("Copied. Paste it into a new file named {file}."),
        "copy_failed": _("This browser did not allow copying. Select the text of the file and copy it."),
        "downloaded": _("Downloaded {file}."),
        "too_long_for_link": _("This listing is too long to hand to GitHub in a link, so it is copied: "
                               "paste it into the file GitHub opens."),
        "untitled": _("Your circle's title"),
        "online": _("Online"),
        "hybrid": _("{where}, and online"),
        "when_weeks": _("{days}, {times}, {weeks} from {date}"),
        "when_until": _("{days}, {times}, {date} to {end}"),
        "when_from": _("{days}, {times}, from {date}"),
        "when_dates": _("{times} on {dates}"),
        "course_by": _("{course}, by {provider}"),
    }
    words |= new.library_messages()
    translated = {key: texts.gettext(value) for key, value in words.items()}
    translated |= {"weeks_one": one.replace("0", "{count}", 1), "weeks_other": other.replace("0", "{count}", 1),
                   "weekdays": [texts.weekdays([day]) for day in range(7)],
                   "weekday_names": weekday_names(texts)}
    return translated


def contribute_context(directory: Directory, options: dict[str, Any], texts: Texts) -> dict[str, Any]:
    """Everything contribute.html needs: the form, the pickers' choices, the words and the GitHub target."""
    schema = load_schema()
    resource = schema["circles"]
    # The folder in the repository; a build from elsewhere (PATH) still proposes to content/.
    folder = "content" if Path(options["content"]).is_absolute() else options["content"].strip("/")
    config = {"repository": options["repository"].strip("/"), "branch": options["branch"],
              "folder": f"{folder}/{resource.name}/", "library_folder": f"{folder}/{schema['libraries'].name}/",
              "file": FILE_NAME, "library_file": new.PREFIX + FILE_NAME, "max_url": MAX_URL}
    library = new_library(schema, texts)
    return {
        "sections": form_sections(resource, texts),
        "id_field": form_field(resource.columns[FILE_NAME], texts, {}),
        "specs": field_specs(resource, texts) + library["specs"],
        "library_sections": library["sections"],
        "library_id_field": library["id_field"],
        "new_library": new.NEW,
        "libraries": library_choices(directory),
        "networks": network_choices(directory),
        "courses": course_choices(directory),
        "suggestions": suggestions(directory, texts),
        "checks": checks(),
        "messages": contribute_messages(texts),
        "config": config,
    }
