"""`capture-order diff` on files and git revisions: formats, exit statuses, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from capture_order.cli import main
from capture_order.contract.diff.diff_command import changes_since
from capture_order.contract.diff.json_report import SCHEMA_FILE
from capture_order.contract.spec import load_spec, spec_path
from tests.diff.corpus_requests import pk_maximum_lowered, pk_minimum_lowered
from tests.diff.edits import Spec, major_bump

CONTRACT = "openapi/capture-order.yaml"


def write(path: Path, spec: Spec) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def edited(tmp_path: Path, name: str, edit: object) -> Path:
    spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    edit(spec)  # type: ignore[operator]
    return write(tmp_path / f"{name}.yaml", spec)


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=diff tests", "-c", "user.email=diff@example.com"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout whose HEAD~1 is the contract and HEAD lowers `pk`'s maximum."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    write(root / CONTRACT, spec)
    git(root, "add", ".")
    git(root, "commit", "-qm", "contract")
    pk_maximum_lowered(spec)
    write(root / CONTRACT, spec)
    git(root, "commit", "-qam", "lower pk maximum")
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["diff", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_breaking_edit_fails_with_its_witness(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edited(tmp_path, "new", pk_maximum_lowered)
    status, out, _ = run(capsys, str(spec_path()), str(new))
    assert status == 1
    assert "Breaking for clients (2)" in out  # the change, and info.version not bumped
    assert '{"order": "CO-000001", "order_items": [{"pk": 1001}]}' in out
    assert "was accepted and is now rejected" in out


def test_non_breaking_edit_passes_unless_failing_on_any(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edited(tmp_path, "new", pk_minimum_lowered)
    assert run(capsys, str(spec_path()), str(new))[0] == 0
    assert run(capsys, str(spec_path()), str(new), "--fail-on", "any")[0] == 1


def test_fail_on_never_passes_a_breaking_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edited(tmp_path, "new", pk_maximum_lowered)
    assert run(capsys, str(spec_path()), str(new), "--fail-on", "never")[0] == 0


def lowered_with_major_bump(spec: Spec) -> None:
    pk_maximum_lowered(spec)
    major_bump(spec)


def test_missing_version_bump_fails_only_breaking_changes_without_a_major_bump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unbumped = edited(tmp_path, "unbumped", pk_maximum_lowered)
    bumped = edited(tmp_path, "bumped", lowered_with_major_bump)
    additive = edited(tmp_path, "additive", pk_minimum_lowered)
    gate = ("--fail-on", "missing-version-bump")
    assert run(capsys, str(spec_path()), str(unbumped), *gate)[0] == 1
    assert run(capsys, str(spec_path()), str(bumped), *gate)[0] == 0
    assert run(capsys, str(spec_path()), str(additive), *gate)[0] == 0
    assert run(capsys, str(spec_path()), str(bumped))[0] == 1  # the default still fails a break


def test_github_format_is_a_pull_request_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edited(tmp_path, "new", pk_maximum_lowered)
    status, out, _ = run(capsys, str(spec_path()), str(new), "--format", "github")
    assert status == 1
    assert out.startswith("### capture-order diff: breaking, 1 breaking change without")
    assert '```json\n  {\n    "order": "CO-000001",' in out


def test_help_shows_every_default_and_no_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["diff", "--help"])
    out = capsys.readouterr().out
    assert "`" not in out
    options = out[out.index("options:") :]
    for option in ("--format", "--fail-on", "--tries", "--seed", "--repo"):
        described = options[options.index(option) :].split("\n  --", 1)[0]
        assert "(default: " in described, described
    assert "missing-version-bump" in options and "github" in options


def test_tries_below_one_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["diff", "a.yaml", "b.yaml", "--tries", "0"])
    assert exited.value.code == 2
    assert "expected a whole number of at least 1, got '0'" in capsys.readouterr().err


def test_git_revisions_are_compared(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "HEAD~1", "HEAD", "--repo", str(repo))
    assert status == 1
    version = load_spec()["info"]["version"]
    assert f"HEAD~1:{CONTRACT} ({version}) -> HEAD:{CONTRACT} ({version})" in out


def test_working_tree_is_compared_with_a_revision(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "HEAD", "--against-working-tree", "--repo", str(repo))[0] == 0
    status, out, _ = run(capsys, "HEAD~1", "--against-working-tree", "--repo", str(repo))
    assert status == 1
    assert "maximum: 1000" in out


def test_json_report_follows_its_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = edited(tmp_path, "new", pk_maximum_lowered)
    status, out, _ = run(capsys, str(spec_path()), str(new), "--format", "json")
    report = json.loads(out)
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(report)) == []
    assert (status, report["verdict"], report["breaking"]) == (1, "breaking-clients", True)
    [proved] = [change for change in report["changes"] if change["witness"]]
    assert proved["witness"]["value"] == {"order": "CO-000001", "order_items": [{"pk": 1001}]}


def test_markdown_report_has_a_section_per_class(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edited(tmp_path, "new", pk_maximum_lowered)
    _, out, _ = run(capsys, str(spec_path()), str(new), "--format", "markdown")
    assert out.startswith("## Contract changes")
    assert "### Breaking for clients (2)" in out


def one_line_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    status, out, err = run(capsys, *args)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def test_unknown_revision_is_one_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = one_line_error(capsys, "no-such-rev", "HEAD", "--repo", str(repo))
    assert "unknown git revision 'no-such-rev'" in err


def test_unreadable_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00openapi")
    assert "cannot read" in one_line_error(capsys, str(binary), str(spec_path()))
    assert "no such file" in one_line_error(capsys, str(tmp_path / "gone.yaml"), str(spec_path()))


def test_invalid_yaml_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\ninfo: [unclosed\n", encoding="utf-8")
    assert "not valid YAML" in one_line_error(capsys, str(spec_path()), str(broken))


def test_non_openapi_documents_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = write(tmp_path / "other.yaml", {"name": "not a contract"})
    assert "not an OpenAPI document" in one_line_error(capsys, str(spec_path()), str(other))
    invalid = write(tmp_path / "invalid.yaml", {"openapi": "3.0.3", "paths": {}})
    err = one_line_error(capsys, str(spec_path()), str(invalid))
    assert "not a valid OpenAPI 3.0 document" in err


def test_new_or_working_tree_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert "exactly one" in one_line_error(capsys, str(spec_path()))


def test_console_run_prints_no_traceback(repo: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "capture_order", "diff", "nope", "HEAD", "--repo", str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_contract_against_itself_is_no_difference(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(spec_path()), str(spec_path()), "--fail-on", "any")
    assert status == 0 and "no differences" in out
    assert load_spec()["openapi"].startswith("3.0")


def test_docs_section_lists_the_changes_since_a_revision(repo: Path) -> None:
    section = changes_since("HEAD~1", repo / CONTRACT)
    assert section.startswith("## Changes since HEAD~1")
    assert "### Breaking for clients (2)" in section
