"""The field reference, docs/records.md, generated from schema/ so it never drifts."""

from __future__ import annotations

from .schema import load_schema


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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
