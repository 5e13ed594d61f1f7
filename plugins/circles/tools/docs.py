"""The references in docs/, generated so they never drift: fields from schema/, problems from the catalogue."""

from __future__ import annotations

from circles.catalogue import DID_YOU_MEAN, SECTIONS
from circles.problems import REPEATED, format_text, problem
from circles.records.schema import load_schema


def field_reference() -> str:
    out = [
        "# Record fields",
        "",
        "<!-- Generated from schema/datapackage.json by `circles docs`; edit the schema, not this file. -->",
        "",
        "Each record is one YAML file in `content/<kind>/`; its file name without `.yml` is its id.",
        "Fields written as `group.field` go indented under `group:` in the file.",
        "",
    ]
    for resource in load_schema().values():
        out += [f"## {resource.title} (`content/{resource.name}/`)", "", resource.description, ""]
        out += ["| field | type | required | description | example |", "|---|---|---|---|---|"]
        for path, column in resource.columns.items():
            kind = f"list of {column.item_type}" if column.is_list else column.type
            if column.format not in ("default", "uri") and column.type == "time":
                kind += " (HH:MM)"
            allowed = column.constraints.get("enum")
            text = column.description + (f" One of: {', '.join(f'`{v}`' for v in allowed)}." if allowed else "")
            out.append(f"| `{path}` | {kind} | {'yes' if column.required else ''} | {_cell(text)} | `{_cell(column.example)}` |")
        if resource.foreign_keys:
            refs = ", ".join(f"`{resource.by_name[c].yaml}` → {t}" for c, t in resource.foreign_keys)
            out += ["", f"References: {refs}."]
        out.append("")
    return "\n".join(out)


def error_reference() -> str:
    """Every problem code with its message and fix, grouped as in the catalogue, for contributors."""
    sample = problem("wrong-type:time", "content/circles/tpl-parkdale-python-2027-03.yml", 12, "schedule.start_time",
                     value="'6pm'", type="time", example="18:00")
    out = [
        "# Problems the checker reports",
        "",
        "<!-- Generated from plugins/circles/catalogue.py by `circles docs`; edit the catalogue, not this file. -->",
        "",
        "`circles validate` lists each problem on one line:",
        "",
        "```",
        format_text([sample]).splitlines()[0],
        "```",
        "",
        "that is `file:line: field: message — fix`: the file and the line to open, the field to change (left",
        "out when the problem is with the whole file), what is wrong and, after the dash, how to fix it.",
        "Errors stop the site from being built until they are fixed; warnings say `warning:` before the",
        "message and do not.",
        "",
        f"A kind of warning found more than {REPEATED} times is shown on one line, with how many there are and",
        "the first of them; `circles validate --warnings all` lists each one, `--warnings none` only counts",
        "them, and `--format json` always lists each one.",
        "",
        "Each kind of problem has a short code, shown in pull-request annotations and by",
        "`circles validate --format json`. The tables list every code with its message and its fix; words",
        "in braces, such as `{value}`, are filled in from your file; `{description}` and `{example}` are the",
        "field's description and example in [records.md](records.md). A code listed more than once is",
        "worded for each case. When what you wrote is close to a known field name, id, timezone, weekday",
        f"or allowed value, the fix reads instead `{DID_YOU_MEAN}`.",
        "",
    ]
    for title, kinds in SECTIONS.items():
        out += [f"## {title}", "", "| code | severity | message | fix |", "|---|---|---|---|"]
        for key, kind in kinds.items():
            code = key.partition(":")[0]
            out.append(f"| `{code}` | {kind.severity} | `{_cell(kind.message)}` | `{_cell(kind.hint)}` |")
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
