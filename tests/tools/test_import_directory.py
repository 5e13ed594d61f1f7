"""`circles import directory`: another directory's published data, fetched from a local HTTP server,
into records that validate here, that find themselves again, keep local edits and say where they
come from; and a package, file or redirect that is not to be trusted, refused."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from circles.directory.models import CURRENT
from circles.records.validate import validate_tree
from circles.tools.cli import main
from circles.tools.importing.federation import default_prefix, digest, import_directory
from circles.tools.importing.fetch import FetchError, Limits
from circles.tools.importing.package import Package, PackageError
from tests.browser import QuietHandler
from tests.browser import serve as served
from tests.conftest import BUILD_DATE, ROOT, build

FIXTURE = ROOT / "tests" / "fixtures" / "site"
SMALL = {"DIRECTORY": {"languages": ["en"], "sample": False, "flyer_pdfs": False}}
STREAMED = 10_000_000  # bytes /endless sends, without saying how many


class _Handler(QuietHandler):
    """Files from a folder, and on a few paths what an untrusted server might do."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        path = self.path.partition("?")[0]
        if path == "/to-file.json":
            return self._redirect("file:///etc/passwd")
        if path == "/to-https/data/datapackage.json":
            return self._redirect(f"https://127.0.0.1:{self.server.server_address[1]}/data/datapackage.json")
        if path.startswith("/moved/"):
            return self._redirect(path.removeprefix("/moved"))
        if path == "/slow.json":
            time.sleep(1.0)
        if path == "/endless.json":
            return self._stream()
        return super().do_GET()

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def _stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            for _ in range(STREAMED // 65536):
                self.wfile.write(b" " * 65536)
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: as it should
            pass


def serve(folder: Path):
    """``folder`` over HTTP on 127.0.0.1, with the untrusted paths of :class:`_Handler`."""
    return served(folder, _Handler)


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    """The small fixture directory, built: one network, one library, three circles (one cancelled)."""
    return build(FIXTURE, tmp_path_factory.mktemp("small") / "output", **SMALL)


@pytest.fixture
def source(small_site, tmp_path) -> Iterator[tuple[Path, str]]:
    """A copy of the small site's data/ served over HTTP: (its data folder, the package's address)."""
    data = shutil.copytree(small_site / "data", tmp_path / "served" / "data")
    with serve(tmp_path / "served") as base:
        yield data, base + "data/datapackage.json"


def rewrite(data: Path, kind: str, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> None:
    """Change the rows of one CSV of a package, and its size and hash in the descriptor, as a build would."""
    path = data / f"{kind}.csv"
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames)
    writer.writeheader()
    writer.writerows(change(list(reader)))
    raw = buffer.getvalue().encode()
    path.write_bytes(raw)
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == kind:
            resource.update(bytes=len(raw), hash=f"sha256:{hashlib.sha256(raw).hexdigest()}")
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def edit_row(row_id: str, **cells: str) -> Callable[[list[dict[str, str]]], list[dict[str, str]]]:
    return lambda rows: [row | cells if row["id"] == row_id else row for row in rows]


def record(content: Path, kind: str, record_id: str) -> dict:
    return yaml.load((content / kind / f"{record_id}.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def imported(content: Path, kind: str) -> dict[str, str]:
    """Id there → id here of the records imported into ``content``."""
    return {record(content, kind, p.stem)["provenance"]["id"]: p.stem for p in sorted((content / kind).glob("*.yml"))}


def errors_in(content: Path) -> list[tuple[str, str, str]]:
    data = validate_tree(content, today=BUILD_DATE)
    return [(p.path, p.field, p.code) for p in data.problems if p.is_error]


def run(url: str, content: Path, **options) -> object:
    return import_directory(url, content, today=BUILD_DATE, **options)


# The round trip


def _text(node) -> str:
    return " ".join(node.get_text(" ").split()) if node else ""


def _shown(page: Path) -> dict[str, object]:
    """What a circle's page tells a visitor: title, schedule, place and how to sign up."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    where = soup.find(id="where").parent
    join = soup.find(id="signup").parent
    return {
        "title": _text(soup.h1), "head": _text(soup.title),
        "schedule": [_text(soup.select_one(s)) for s in (".schedule__text", ".schedule__next", ".meetings", ".skipped")],
        "place": [_text(where.select_one(s)) for s in (".venue__name", ".venue__room", ".address")] + [_text(where.find_all("p")[-1])],
        "signup": _text(join), "links": sorted(a["href"] for a in join.find_all("a") if a["href"].startswith(("http", "mailto:"))),
        "status": _text(soup.select_one(".page-header__tags")),
        # a course with a file there is written out here (its courses are not imported): the same words
        "course": _text(soup.find(id="course").parent.find("p")),
    }


@pytest.mark.slow
def test_the_sample_goes_round_and_every_circle_page_says_the_same(tmp_path, monkeypatch, capsys):
    """Build the sample, import its published package into an empty directory, build that: each imported
    circle's page shows the same title, schedule, place and sign-up, and links to its page there."""
    first = build(ROOT / "content", tmp_path / "first", **SMALL)
    content = tmp_path / "content"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 11, 22, tzinfo=dt.UTC).timestamp())))
    with serve(first) as base:
        assert main(["import", "directory", base + "data/datapackage.json", "--content", str(content)]) == 0
    said = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO((first / "data" / "circles.csv").read_text(encoding="utf-8"), newline="")))
    current = sorted(row["id"] for row in rows if row["derived_status"] in CURRENT)
    circles = imported(content, "circles")
    assert sorted(circles) == current and len(current) > 20
    assert f"{len(rows) - len(current)} past or cancelled circles not imported" in said
    for kind in ("networks", "libraries", "circles"):  # 127.0.0.1 has no name: the prefix is the directory's
        assert all(record_id.startswith("learning-circles-") for record_id in imported(content, kind).values())
    assert errors_in(content) == []

    second = build(content, tmp_path / "second", **SMALL)
    for there, here in circles.items():
        page = second / "circles" / here / "index.html"
        assert _shown(page) == _shown(first / "circles" / there / "index.html"), there
        link = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("dd.provenance a")
        assert _text(link) == "Learning Circles Directory"
        assert link["href"] == f"{base}circles/{there}/"


# Re-running


def test_a_first_import_writes_records_that_validate_with_their_provenance(source, tmp_path, capsys):
    data, url = source
    content = tmp_path / "content"
    assert main(["import", "directory", url, "--content", str(content), "--dry-run"]) == 0
    assert not content.exists()
    assert "Dry run: nothing was written" in capsys.readouterr().out
    report = run(url, content, prefix="rv")
    assert [e.path.rpartition("/")[2] for e in report.added] == [
        "rv-riverside-libraries.yml", "rv-riverside-parkdale.yml", "rv-riverside-francais-2027-01.yml",
        "rv-riverside-python-2026-11.yml"]
    assert report.past == 1  # the cancelled online circle
    python = record(content, "circles", "rv-riverside-python-2026-11")
    assert python["library"] == "rv-riverside-parkdale"
    assert python["schedule"] == {"start_date": "2026-11-03", "weeks": "6", "weekdays": ["tuesday"], "start_time": "18:00",
                                  "duration": "90", "skip": ["2026-11-10"]}
    base = url.removesuffix("data/datapackage.json")
    assert python["provenance"] == {"source": "Learning Circles Directory", "id": "riverside-python-2026-11",
                                    "url": f"{base}circles/riverside-python-2026-11/", "licence": "CC0-1.0",
                                    "date": "2026-11-22", "digest": python["provenance"]["digest"]}
    text = (content / "circles" / "rv-riverside-python-2026-11.yml").read_text(encoding="utf-8")
    assert digest(text) == python["provenance"]["digest"]
    assert record(content, "libraries", "rv-riverside-parkdale")["network"] == "rv-riverside-libraries"
    assert errors_in(content) == []


def test_a_second_import_changes_nothing_then_follows_what_changed_there(source, tmp_path):
    data, url = source
    content = tmp_path / "content"
    run(url, content, prefix="rv")
    before = {p: p.read_bytes() for p in content.rglob("*.yml")}
    again = run(url, content, prefix="rv")
    assert (again.added, again.updated, again.unchanged) == ([], [], 4)
    assert {p: p.read_bytes() for p in content.rglob("*.yml")} == before

    rewrite(data, "circles", edit_row("riverside-python-2026-11", title="Python for beginners, again", capacity="14"))
    later = import_directory(url, content, prefix="other-prefix", today=dt.date(2026, 11, 23))
    assert [(e.path.rpartition("/")[2], e.message) for e in later.updated] == [
        ("rv-riverside-python-2026-11.yml", "capacity, title")]  # found by its provenance, not by its id
    python = record(content, "circles", "rv-riverside-python-2026-11")
    assert (python["title"], python["capacity"], python["provenance"]["date"]) == ("Python for beginners, again", "14", "2026-11-23")
    assert later.unchanged == 3 and not list(content.rglob("other-prefix-*"))


def test_a_record_edited_here_is_never_overwritten(source, tmp_path, capsys):
    data, url = source
    content = tmp_path / "content"
    run(url, content, prefix="rv")
    path = content / "circles" / "rv-riverside-python-2026-11.yml"
    edited = path.read_text(encoding="utf-8").replace("capacity: 12", "capacity: 10  # our room is smaller")
    path.write_text(edited, encoding="utf-8")
    assert run(url, content, prefix="rv").kept == 1  # nothing new there: kept, and nothing to say
    assert path.read_text(encoding="utf-8") == edited

    rewrite(data, "circles", edit_row("riverside-python-2026-11", title="Python for beginners, again"))
    assert main(["import", "directory", url, "--content", str(content), "--prefix", "rv"]) == 0
    said = capsys.readouterr().out
    assert ("rv-riverside-python-2026-11.yml: edited here since the last import, so not updated; Learning Circles "
            "Directory now differs in capacity, title — to take its version, delete the file and import again") in said
    assert "1 edited here and not updated" in said
    assert path.read_text(encoding="utf-8") == edited

    path.unlink()  # what the report says to do, to take the source's version
    assert [e.path.rpartition("/")[2] for e in run(url, content, prefix="rv").added] == ["rv-riverside-python-2026-11.yml"]
    assert record(content, "circles", "rv-riverside-python-2026-11")["title"] == "Python for beginners, again"


def test_a_circle_withdrawn_there_is_reported_and_kept(source, tmp_path, capsys):
    data, url = source
    content = tmp_path / "content"
    run(url, content, prefix="rv")
    rewrite(data, "circles", lambda rows: [row for row in rows if row["id"] != "riverside-francais-2027-01"])
    assert main(["import", "directory", url, "--content", str(content), "--prefix", "rv"]) == 0
    said = capsys.readouterr().out
    assert ("rv-riverside-francais-2027-01.yml: no longer listed by Learning Circles Directory (its id there: "
            "riverside-francais-2027-01): left as it is — delete the file if it has been withdrawn — "
            "Conversation en français") in said
    assert "1 no longer at the source." in said
    assert (content / "circles" / "rv-riverside-francais-2027-01.yml").is_file()


def test_a_cancellation_there_reaches_a_circle_imported_before(source, tmp_path):
    data, url = source
    content = tmp_path / "content"
    run(url, content, prefix="rv")
    rewrite(data, "circles", edit_row("riverside-francais-2027-01", status="cancelled", derived_status="cancelled"))
    report = run(url, content, prefix="rv")
    assert [e.message for e in report.updated] == ["status"]
    assert record(content, "circles", "rv-riverside-francais-2027-01")["status"] == "cancelled"


def test_ids_never_clash_with_the_records_here(source, tmp_path):
    _, url = source
    content = shutil.copytree(FIXTURE, tmp_path / "content")  # the same records, under the ids they have there
    # …and a library written here with the id an import would give: the import takes the next one.
    (content / "libraries" / "riverside-riverside-parkdale.yml").write_text(
        (FIXTURE / "libraries" / "riverside-parkdale.yml").read_text(encoding="utf-8").replace(
            "1303 Queen Street West", "1303 Queen St W"), encoding="utf-8")
    local = {p: p.read_bytes() for p in content.rglob("*.yml")}
    report = run(url, content, prefix="riverside")
    assert {p: p.read_bytes() for p in local} == local
    assert imported_ids(report, "libraries") == ["riverside-riverside-parkdale-2"]
    circles = imported_ids(report, "circles")
    assert circles == ["riverside-riverside-francais-2027-01", "riverside-riverside-python-2026-11"]
    assert {record(content, "circles", c)["library"] for c in circles} == {"riverside-riverside-parkdale-2"}
    assert errors_in(content) == []


def imported_ids(report, kind: str) -> list[str]:
    return sorted(e.path.rpartition("/")[2].removesuffix(".yml") for e in report.added if e.kind == kind)


def test_a_record_that_does_not_validate_here_is_skipped_with_why(source, tmp_path):
    data, url = source
    rewrite(data, "circles", edit_row("riverside-francais-2027-01", signup="TBD"))
    report = run(url, tmp_path / "first", prefix="rv")
    assert [(e.kind, e.id, e.message.partition(":")[0]) for e in report.skipped] == [
        ("circles", "riverside-francais-2027-01", "not a valid record")]
    assert "signup: " in report.skipped[0].message and len(report.added) == 3

    rewrite(data, "libraries", edit_row("riverside-parkdale", address_country="XX"))
    report = run(url, tmp_path / "second", prefix="rv")
    skipped = {(e.kind, e.id): e.message for e in report.skipped}
    assert skipped[("libraries", "riverside-parkdale")].startswith("not a valid record: address.country:")
    assert skipped[("circles", "riverside-python-2026-11")] == "its library 'riverside-parkdale' was not imported"
    assert sorted(p.name for p in (tmp_path / "second").rglob("*.yml")) == ["rv-riverside-libraries.yml"]


# What is not to be trusted


def test_a_package_frictionless_rejects_writes_nothing(source, tmp_path):
    data, url = source
    content = tmp_path / "content"
    rewrite(data, "circles", edit_row("riverside-python-2026-11", library="nowhere"))
    with pytest.raises(PackageError, match="frictionless rejects this data package") as caught:
        run(url, content)
    assert "circles.csv: row" in str(caught.value) and "nowhere" in str(caught.value)
    (data / "networks.csv").write_bytes((data / "networks.csv").read_bytes() + b"x\r\n")  # not what the hash says
    with pytest.raises(PackageError, match="frictionless rejects"):
        run(url, content)
    assert not content.exists()


def test_a_file_over_the_size_limit_is_refused(source, tmp_path):
    data, url = source
    with pytest.raises(FetchError, match="larger than 2,000 bytes: not read"):
        run(url, tmp_path / "content", limits=Limits(max_bytes=2000))
    base = url.removesuffix("data/datapackage.json")
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"endless.json: larger than 1.0 MB"):  # no Content-Length: counted as it comes
        run(base + "endless.json", tmp_path / "content", limits=Limits(max_bytes=1_000_000))
    assert time.monotonic() - start < 5
    assert not (tmp_path / "content").exists()


def test_a_slow_server_is_given_up(source, tmp_path):
    _, url = source
    with pytest.raises(FetchError, match="no answer within 0.2 seconds"):
        run(url.removesuffix("data/datapackage.json") + "slow.json", tmp_path / "content", limits=Limits(seconds=0.2))


def test_a_redirect_is_followed_only_to_the_same_scheme(source, tmp_path):
    _, url = source
    base = url.removesuffix("data/datapackage.json")
    with pytest.raises(FetchError, match=r"redirected to file:///etc/passwd, another scheme \(file\): not followed"):
        run(base + "to-file.json", tmp_path / "content")
    with pytest.raises(FetchError, match="another scheme \\(https\\): not followed — give that address instead"):
        run(base + "to-https/data/datapackage.json", tmp_path / "content")
    with pytest.raises(FetchError, match="only https:// .* and local paths can be read, not file:"):
        run("file:///etc/passwd", tmp_path / "content")
    assert len(run(base + "moved/data/datapackage.json", tmp_path / "content").added) == 4  # same scheme: followed


def test_a_descriptor_cannot_send_the_import_elsewhere(small_site, tmp_path):
    data = shutil.copytree(small_site / "data", tmp_path / "site" / "data")
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for path in ("../secret.csv", "/etc/passwd", "https://elsewhere.example.org/circles.csv", "file:///etc/passwd"):
        descriptor["resources"][2]["path"] = path
        (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        with pytest.raises(FetchError, match="only a file beside it or in a folder below it is read"):
            run(str(tmp_path / "site"), tmp_path / "content")  # a local site folder: its data/datapackage.json
    (data / "link.csv").symlink_to(tmp_path / "secret.csv")
    descriptor["resources"][2]["path"] = "link.csv"
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(FetchError, match="which leads out of its folder: not read"):
        run(str(data / "datapackage.json"), tmp_path / "content")
    descriptor["resources"][2]["path"] = "circles.csv"
    descriptor["resources"][2]["schema"] = "https://elsewhere.example.org/schema.json"
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(PackageError, match="its schema must be written in the descriptor"):
        run(str(data / "datapackage.json"), tmp_path / "content")
    (data / "datapackage.json").write_text('{"resources": [{"name": "books"}]}', encoding="utf-8")
    with pytest.raises(PackageError, match="no resource networks, libraries, circles"):
        run(str(data), tmp_path / "content")
    assert not (tmp_path / "content").exists()


# The circle's page


def test_the_page_of_an_imported_circle_names_its_directory_escaped(source, tmp_path):
    data, url = source
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "Riverside <script>alert(1)</script> Circles: open data"
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    content = tmp_path / "content"
    run(url, content, prefix="rv")
    site = build(content, tmp_path / "output", **SMALL)
    soup = BeautifulSoup((site / "circles" / "rv-riverside-python-2026-11" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    term = next(dt_ for dt_ in soup.select("dl.facts dt") if _text(dt_) == "Listed by")
    link = term.find_next_sibling("dd").a
    assert _text(link) == "Riverside <script>alert(1)</script> Circles"
    assert link["href"] == url.removesuffix("data/datapackage.json") + "circles/riverside-python-2026-11/"
    assert not soup.select("dl.facts script")


def test_the_guide_explains_federation():
    guide = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    assert "circles import directory" in guide and "provenance" in guide


def test_where_new_ids_start_and_where_links_lead(small_site, source, tmp_path, capsys):
    _, url = source
    package = Package("https://www.riverside.example.org/data/datapackage.json", "Riverside Circles", "", "")
    assert default_prefix(package) == "riverside"
    assert default_prefix(replace(package, location=str(small_site / "data" / "datapackage.json"))) == "riverside-circles"
    assert main(["import", "directory", url, "--content", str(tmp_path / "c"), "--prefix", "Not an id"]) == 1
    assert "--prefix 'Not an id': lowercase letters, digits and hyphens only" in capsys.readouterr().err

    # From a folder: the site's pages have no address, so the records link to none.
    report = run(str(small_site), tmp_path / "from-folder")
    assert len(report.added) == 4
    assert "url" not in record(tmp_path / "from-folder", "circles", report.added[-1].path.rpartition("/")[2][:-4])["provenance"]
    # From localhost: a placeholder address no record here may link to.
    report = run(url.replace("127.0.0.1", "localhost"), tmp_path / "from-localhost", prefix="rv")
    assert len(report.added) == 4
    assert report.notes == ["no links to the records' pages there: localhost is not a public address"]
