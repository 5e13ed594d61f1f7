"""A record's YAML text: written new, or with some fields changed and every other byte kept.

An import owns the fields its mapping fills; the rest of a file (comments, a description someone
wrote, accessibility notes) is the coordinator's. So a re-import replaces only the lines of the
fields that changed, adds a field where the schema's order puts it, and then reads the file back
to make sure nothing else moved. Values are written by records/yamlwriter.py, as every record is.
"""

from __future__ import annotations

from typing import Any

from circles.records.load import parse
from circles.records.schema import Resource
from circles.records.yamlwriter import field


class EditError(ValueError):
    """The change cannot be made without touching other fields; the file is left as it was."""


def flat(data: dict[str, Any]) -> dict[str, Any]:
    """``{"address.city": "Toronto", …}``: a parsed record by YAML path, one level of nesting."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update({f"{key}.{sub}": v for sub, v in value.items()})
        else:
            out[key] = value
    return out


def _line(path: str, value: str, resource: Resource, indent: str = "") -> list[str]:
    column = resource.columns[path]
    return field(path.rpartition(".")[2], value, column.type, column.item_type, indent=indent)


def new_text(values: dict[str, str], resource: Resource, header: list[str] = ()) -> str:
    """A record of ``values`` (by YAML path), fields in the schema's order, after ``header`` comment lines."""
    lines = [f"# {line}" for line in header]
    group = ""
    for path in resource.columns:
        if not values.get(path):
            continue
        parent, _, _ = path.rpartition(".")
        if parent and parent != group:
            lines.append(f"{parent}:")
        group = parent
        lines.extend(_line(path, values[path], resource, "  " if parent else ""))
    return "\n".join(lines) + "\n"


def update_text(text: str, changes: dict[str, str], resource: Resource) -> str:
    """``text`` with each field of ``changes`` (YAML path → value) set; nothing else changed."""
    result = text
    for path, value in changes.items():
        result = _set(result, path, value, resource)
    before, after = flat(parse(text)[0]), flat(parse(result)[0])
    for path in before.keys() | after.keys():
        expected = changes[path] if path in changes else before.get(path)
        if after.get(path) != expected:
            raise EditError(f"changing {', '.join(changes)} would change {path} too; the file was left as it was")
    return result


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int) -> int:
    """The index after the key at ``start``, its value's lines and anything indented under it."""
    end, depth = start + 1, _indent(lines[start])
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > depth):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines before the next key belong to neither
    return end


def _set(text: str, path: str, value: str, resource: Resource) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    _, keys = parse(text)
    parent = path.rpartition(".")[0]
    if path in keys:
        start = keys[path] - 1
        lines[start:_block_end(lines, start)] = _line(path, value, resource, " " * _indent(lines[start]))
    elif parent and parent in keys:
        start = keys[parent] - 1
        end = _block_end(lines, start)
        children = [line for line in lines[start + 1:end] if line.strip() and not line.lstrip().startswith("#")]
        indent = " " * (_indent(children[0]) if children else 2)
        at = _child_place(lines, keys, path, resource, start, end)
        lines[at:at] = _line(path, value, resource, indent)
    else:
        at = _top_place(lines, keys, parent or path, resource)
        lines[at:at] = ([f"{parent}:"] if parent else []) + _line(path, value, resource, "  " if parent else "")
    return newline.join(lines)


def _child_place(lines: list[str], keys: dict[str, int], path: str, resource: Resource, start: int, end: int) -> int:
    """Where a new ``address.x`` goes: after the sibling the schema puts before it, else first."""
    parent = path.rpartition(".")[0]
    order = [p for p in resource.columns if p.startswith(parent + ".")]
    before = [p for p in order[:order.index(path)] if p in keys]
    return _block_end(lines, keys[before[-1]] - 1) if before else start + 1


def _top_place(lines: list[str], keys: dict[str, int], key: str, resource: Resource) -> int:
    """Where a new top-level key goes: after the key the schema puts before it, else at the end."""
    order = list(dict.fromkeys(p.partition(".")[0] for p in resource.columns))
    before = [k for k in order[:order.index(key)] if k in keys]
    if before:
        return _block_end(lines, keys[before[-1]] - 1)
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return end
