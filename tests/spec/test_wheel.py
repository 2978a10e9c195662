"""A wheel built from the checkout ships the contract, and an installed copy finds it."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def run(*command: str | Path, cwd: Path) -> str:
    """Run a command to completion, failing the test with its output if it fails."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_installed_wheel_finds_its_own_copy_of_the_spec(tmp_path: Path) -> None:
    run(sys.executable, "-m", "pip", "wheel", REPO_ROOT, "--no-deps", "-w", tmp_path, cwd=tmp_path)
    (wheel,) = tmp_path.glob("capture_order-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "conformance/openapi/capture-order.yaml" in archive.namelist()

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).strip()
    )
    # Dependencies come from the environment running this test; that directory's own .pth
    # files (the checkout's editable install among them) are not processed from here.
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    # From a temp cwd, so the checkout is not on sys.path.
    printed = run(
        python, "-c", "from conformance.contract import spec_path; print(spec_path())", cwd=tmp_path
    ).strip()
    spec = Path(printed)
    assert spec.is_relative_to(site), f"{spec} is not inside {site}"
    assert spec.read_bytes() == (REPO_ROOT / "openapi" / "capture-order.yaml").read_bytes()
