"""The YAML loader reads records as a contributor means them, or says clearly why not."""

import pytest

from circles.records.load import MAX_BYTES, load_file, parse


def load(tmp_path, content: bytes | str, name="rec.yml"):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    record, problems = load_file(path, name, "circles")
    return record, [(p.line, p.code) for p in problems]


@pytest.mark.parametrize("text, key, expected", [
    ("country: NO\n", "country", "NO"),  # Norway, not False
    ("x: yes\n", "x", "yes"),
    ("x: off\n", "x", "off"),
    ("start_time: 18:30\n", "start_time", "18:30"),  # not sexagesimal 1110
    ("postal_code: 0123\n", "postal_code", "0123"),  # not octal 83
    ("postal_code: 02116\n", "postal_code", "02116"),
    ("start_date: 2026-03-03\n", "start_date", "2026-03-03"),  # text for the schema to type
    ("weeks: 6\n", "weeks", "6"),
    ("latitude: -79.40\n", "latitude", "-79.40"),
    ("x: ~\n", "x", None),
    ("x:\n", "x", None),
    ("x: 'null'\n", "x", "null"),
])
def test_scalars_stay_as_written(text, key, expected):
    data, _ = parse(text)
    assert data[key] == expected


def test_lines_of_keys_and_items_are_kept():
    data, lines = parse("title: A\nschedule:\n  weeks: 6\n  skip:\n    - 2026-01-01\n    - 2026-01-08\n")
    assert lines["title"] == 1 and lines["schedule"] == 2 and lines["schedule.weeks"] == 3
    assert lines["schedule.skip[1]"] == 6
    assert data["schedule"]["skip"] == ["2026-01-01", "2026-01-08"]


@pytest.mark.parametrize("content, expected", [
    ("a: 1\nb: 2\na: 3\n", [(3, "duplicate-key")]),
    ("s:\n  w: 1\n  w: 2\n", [(3, "duplicate-key")]),
    ("a: &x [1]\nb: *x\n", [(2, "alias")]),
    ('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', [(2, "alias")]),  # billion laughs stops at the first alias
    ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", [(1, "too-deep")]),  # libyaml's composer would crash
    ("title: A\n\tweeks: 6\n", [(2, "tab-indent")]),
    ("title: A\nb: \xff\n".encode("latin-1"), [(2, "not-utf8")]),
    (b"title: A\n\x00\x01", [(2, "binary")]),
    ("x: " + "a" * MAX_BYTES + "\n", [(1, "too-large")]),
    ("a: 1\n---\nb: 2\n", [(2, "many-documents")]),
    ("- a\n- b\n", [(1, "not-a-mapping")]),
    ("", [(1, "empty")]),
    ("# nothing but a comment\n", [(1, "empty")]),
    ("title: Python: the basics\n", [(1, "yaml-syntax")]),
    ("a: !!python/object:os.system x\n", [(1, "yaml-tag")]),
    ("? [a, b]\n: c\n", [(1, "bad-key")]),
    ("title: A\nname: a\x07b\n", [(2, "control-character")]),
])
def test_bad_files_get_one_clear_problem(tmp_path, content, expected):
    record, problems = load(tmp_path, content)
    assert record is None
    assert problems == expected


def test_byte_order_mark_is_a_warning_and_the_record_is_kept(tmp_path):
    record, problems = load(tmp_path, b"\xef\xbb\xbftitle: A\n")
    assert record is not None and record.data == {"title": "A"}
    assert problems == [(1, "byte-order-mark")]


def test_every_problem_has_a_fix(tmp_path):
    path = tmp_path / "rec.yml"
    path.write_text("a: 1\na: 2\n")
    _, problems = load_file(path, "rec.yml", "circles")
    assert problems[0].hint and problems[0].message
