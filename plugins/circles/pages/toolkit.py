"""The open toolkit: guides for organizers, from Markdown in ``content/toolkit/`` to pages,
PDFs and one ZIP.

The folder holds numbered guides (``01-what-is-a-learning-circle.md`` …), fill-in forms in
``templates/`` and ``README.md``, whose front matter gives the title, version, date and licence. Each Markdown file starts
with a front-matter block giving its ``title`` and ``summary``. Links between files are
written to the ``.md`` file (``05-promotion.md#flyer``) and become links to pages here, so
the sources read well on GitHub too. Nothing is fetched: the build stays offline.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import Any

import markdown
import nh3
import yaml
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from circles.i18n import Language
from circles.pages.toolkit_model import Guide, Heading, Toolkit, ToolkitError

#: Tags a guide may use; the toolkit is the project's own writing, sanitized all the same.
TAGS = {"h2", "h3", "h4", "p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote", "hr",
        "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "span", "div"}
ATTRIBUTES = {"*": {"id", "class"}, "a": {"href"}, "th": {"align"}, "td": {"align"},
              "div": {"tabindex", "role", "aria-labelledby", "aria-label"}}
EXTENSIONS = ["tables", "attr_list", "toc", "sane_lists", "def_list", "fenced_code"]
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
#: A line of underscores on its own: a line to write on in a printed form.
WRITE_ON = re.compile(r"^_{6,}[ \t]*$", re.M)
CHECKBOX = re.compile(r"^\[ \]\s+")
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


# Loading


def load_toolkits(folder: Path, languages: list[Language]) -> dict[Language, Toolkit | None]:
    """The toolkit in ``folder`` in each of the site's languages (:func:`load_toolkit`)."""
    return {language: load_toolkit(folder, language.locale.split("_")[0]) for language in languages}


def load_toolkit(folder: Path, language: str = "en") -> Toolkit | None:
    """The toolkit in ``folder``, its pages converted; None when the folder does not exist.

    The guides and forms are the English ones (the folder's own), each replaced by its translation
    in ``folder/<language>/`` under the same name where there is one; a guide not translated is
    given in English, marked with its language. Links between guides name the English files."""
    if not folder.is_dir():
        return None
    about = _front(folder / "README.md")
    translated = folder / language if language != "en" else None
    if translated and (translated / "README.md").is_file():  # the toolkit's title in that language
        about = {**about, "title": _front(translated / "README.md").get("title") or about.get("title")}

    def guide(path: Path, kind: str) -> Guide:
        name = path.relative_to(folder).as_posix()
        if translated and (translated / name).is_file():
            return _guide(translated / name, name, kind)
        return _guide(path, name, kind, "en" if translated else "")

    guides = [guide(path, "guide") for path in sorted(folder.glob("[0-9]*.md"))]
    order = {name: i for i, name in enumerate(about.get("forms") or [])}
    forms = sorted((folder / "templates").glob("*.md"), key=lambda path: (order.get(path.name, len(order)), path.name))
    templates = [guide(path, "template") for path in forms]
    if not guides:
        raise ToolkitError(f"{folder}: no guides (files named like 01-name.md)")
    try:
        date = about["date"] if isinstance(about.get("date"), dt.date) else dt.date.fromisoformat(str(about["date"]))
        toolkit = Toolkit(str(about["title"]), str(about["version"]), date, str(about["licence"]), guides, templates, folder)
    except (KeyError, ValueError) as error:
        raise ToolkitError(f"{folder / 'README.md'}: its front matter needs title, version, date (YYYY-MM-DD) and licence ({error})") from None
    pages = toolkit.pages
    for number, (guide, following) in enumerate(zip(pages, [*pages[1:], None]), start=1):
        guide.number, guide.next = number, following
        if following:
            following.previous = guide
    for guide in pages:
        guide.html, guide.headings = convert(guide, toolkit, page_link(guide))
    return toolkit


def _front(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ToolkitError(f"{path}: cannot be read ({error})") from None
    block = (FRONT_MATTER.match(text) or [None, ""])[1]
    try:
        data = yaml.safe_load(block) if block else None
    except yaml.YAMLError as error:
        raise ToolkitError(f"{path}: its front matter is not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise ToolkitError(f"{path}: starts with a front-matter block (--- title: … summary: … ---)")
    return data


def _guide(path: Path, name: str, kind: str, language: str = "") -> Guide:
    meta = _front(path)
    if not meta.get("title") or not meta.get("summary"):
        raise ToolkitError(f"{path}: its front matter needs a title and a summary")
    slug = re.sub(r"^\d+-", "", path.stem)
    body = FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)
    return Guide(name, slug, kind, str(meta["title"]), str(meta["summary"]), body, language, path)


# Markdown to HTML


def page_link(guide: Guide):
    """Links from ``guide``'s page: relative page addresses, so the site works under any path."""

    def link(target: Guide, anchor: str) -> str:
        href = "" if target is guide else posixpath.relpath(target.url, guide.url) + "/"
        return f"{href}#{anchor}" if anchor else href or "./"

    return link


def print_link(prefix_of):
    """Links inside the whole toolkit's PDF: every guide is a section of one document."""

    def link(target: Guide, anchor: str) -> str:
        return f"#{prefix_of(target)}{anchor}" if anchor else f"#{prefix_of(target).rstrip('-')}"

    return link


class _Links(Treeprocessor):
    """Rewrites links to other toolkit files, prefixes ids, draws checkboxes, collects headings."""

    def __init__(self, md, guide: Guide, toolkit: Toolkit, link, id_prefix: str):
        super().__init__(md)
        self.guide, self.toolkit, self.link, self.id_prefix = guide, toolkit, link, id_prefix
        self.headings: list[Heading] = []

    def run(self, root):
        self.wrap_tables(root)
        for node in root.iter():
            if self.id_prefix and node.get("id"):
                node.set("id", self.id_prefix + node.get("id"))
            if node.tag == "a":
                href = self.rewrite(node.get("href", ""))
                if href is None:  # nowhere to point at: keep the words
                    node.attrib.pop("href", None)
                else:
                    node.set("href", href)
            if node.tag in ("h2", "h3") and node.get("id"):
                self.headings.append(Heading(int(node.tag[1]), node.get("id"), "".join(node.itertext()).strip()))
            if node.tag == "li":
                self.checkbox(node)

    def wrap_tables(self, root) -> None:
        """Each table in a region that scrolls sideways on a phone, named by the heading above it."""
        heading = None
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag in ("h2", "h3") and child.get("id"):
                    heading = child.get("id")
                if child.tag == "table":
                    region = etree.Element("div", {"class": "table-scroll", "tabindex": "0", "role": "region"})
                    if heading:
                        region.set("aria-labelledby", self.id_prefix + heading)
                    else:
                        region.set("aria-label", self.guide.title)
                    parent.remove(child)
                    region.append(child)
                    parent.insert(index, region)

    @staticmethod
    def checkbox(item) -> None:
        """``- [ ] Book the room``: a box to tick on paper, then the words in one element (not a column each)."""
        holder = item[0] if len(item) and item[0].tag == "p" and not (item.text or "").strip() else item
        if not holder.text or not CHECKBOX.match(holder.text):
            return
        item.set("class", "check")
        end = next((i for i, child in enumerate(holder) if child.tag in ("ul", "ol")), len(holder))  # to a list inside
        text = etree.Element("span", {"class": "check__text"})
        text.text, holder.text = CHECKBOX.sub("", holder.text), None
        text.extend(holder[:end])
        holder[:end] = [etree.Element("span", {"class": "check__box"}), text]

    def rewrite(self, href: str) -> str | None:
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            return href
        path, _, anchor = href.partition("#")
        if not path:
            return f"#{self.id_prefix}{anchor}"
        name = posixpath.normpath(posixpath.join(posixpath.dirname(self.guide.name), path))
        target = self.toolkit.by_name(name)
        if target is None:
            raise ToolkitError(f"{self.toolkit.folder / self.guide.name}: links to {href}, which is not in the toolkit")
        return self.link(target, anchor)


class _LinksExtension(Extension):
    def __init__(self, processor_args):
        super().__init__()
        self.processor_args = processor_args
        self.processor: _Links | None = None

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        self.processor = _Links(md, *self.processor_args)
        md.treeprocessors.register(self.processor, "toolkit_links", 1)  # after attr_list and toc


def convert(guide: Guide, toolkit: Toolkit, link, id_prefix: str = "") -> tuple[str, list[Heading]]:
    """A guide's Markdown as sanitized HTML, with its ``##``/``###`` headings."""
    links = _LinksExtension((guide, toolkit, link, id_prefix))
    text = WRITE_ON.sub('\n<div class="write-on"></div>\n', guide.source)
    html = markdown.markdown(text, extensions=[*EXTENSIONS, links], output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"https", "http", "mailto"})
    return clean, links.processor.headings if links.processor else []


def document_sections(toolkit: Toolkit) -> list[tuple[Guide, str, str]]:
    """Every guide and form as a section of one document: (guide, section id, HTML)."""

    def prefix(target: Guide) -> str:
        return f"{target.file_stem.replace('/', '-')}--"

    sections = []
    for guide in toolkit.pages:
        html, _ = convert(guide, toolkit, print_link(prefix), prefix(guide))
        sections.append((guide, prefix(guide).rstrip("-"), html))
    return sections
