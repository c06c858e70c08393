"""`toe-assistant wyoming` as a process: options, signals, no network but loopback, hardening.

Bad options run the command in process (fast); the rest start the real command (marked slow).
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.chat_driver import converse, toe_assistant
from tests.wyoming_driver import say, started, summaries, visit
from voice.cli import main

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "toe-assistant-wyoming.service"
SELF_CARE = {"*": "no", "duration": "two days", "readback": "yes"}


def wyoming(capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The command in this process (it fails before serving): exit code and stderr."""
    code = main(["wyoming", *args])
    return code, capfd.readouterr().err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--uri", "http://127.0.0.1:10700"], "give tcp://HOST:PORT"),
        (["--uri", "tcp://127.0.0.1"], "give tcp://HOST:PORT"),
        (["--uri", "tcp://127.0.0.1:99999"], "--uri"),
        (["--uri", "unix:///run/toe.sock"], "give tcp://HOST:PORT"),
        (["--idle-timeout", "0"], "above 0"),
        (["--idle-timeout", "nan"], "above 0"),
        (["--max-consultations", "0"], "1 or more"),
        (["--locale", "xx"], "unknown locale"),
        (["--save-summaries", "/dev/null"], "not a folder"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    args: list[str], says: str, capfd: pytest.CaptureFixture[str]
) -> None:
    code, err = wyoming(capfd, *args)
    assert code == 2, err
    assert err.count("\n") == 1 and says in err and err.startswith("toe-assistant: "), err


def test_the_units_options_file_is_read_with_its_quotes_and_names_a_bad_option(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The unit starts `wyoming --options-file /etc/toe-assistant/wyoming.options`."""
    options = tmp_path / "wyoming.options"
    options.write_text('# written by deploy/install\n--locale en\n--save-summaries "/dev/null"\n')
    code, err = wyoming(capfd, "--options-file", str(options))
    assert code == 2 and err.count("\n") == 1 and "/dev/null" in err and "not a folder" in err, err
    options.write_text("--locale en --idle-timeout\n")
    code, err = wyoming(capfd, "--options-file", str(options))
    assert code == 2 and err.count("\n") == 1 and str(options) in err, err


def test_an_address_in_use_is_one_line_and_exit_2(capfd: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = wyoming(capfd, "--uri", f"tcp://127.0.0.1:{port}")
    assert code == 2
    assert err.count("\n") == 1 and "cannot listen on 127.0.0.1" in err, err


@pytest.mark.slow
def test_a_consultation_through_the_command_then_sigterm_exits_0(tmp_path: Path) -> None:
    with started("--save-summaries", str(tmp_path), "--locale", "en") as service:
        run = asyncio.run(visit(service.port, SELF_CARE))
        code = service.stop()
    assert code == 0, service.text()
    assert " ".join(run.replies) == converse(SELF_CARE).said()
    assert "listening on tcp://127.0.0.1:" in service.text() and "stopped" in service.text()
    assert "Traceback" not in service.text()
    (kept,) = summaries(tmp_path)
    assert kept["outcome"] == "self_care"
    assert stat.S_IMODE((tmp_path / "summaries.jsonl").stat().st_mode) == 0o600
    # INFO holds no answer: only --debug logs what the person said
    assert "two days" not in service.text()


@pytest.mark.slow
def test_idle_timeout_option_ends_a_consultation() -> None:
    async def scenario(port: int) -> list[str]:
        first = await say(port, "toe check")
        await asyncio.sleep(1.5)
        return [first.type, (await say(port, "no")).type]

    with started("--idle-timeout", "0.5") as service:
        types = asyncio.run(scenario(service.port))
    assert types == ["handled", "not-handled"]
    assert "ended after 0 s without an answer" in service.text() or "ended after 1 s" in (
        service.text()
    )


@pytest.mark.slow
def test_listening_beyond_loopback_is_warned_about() -> None:
    with started("--uri", "tcp://0.0.0.0:0") as service:
        pass
    assert "Wyoming has no authentication" in service.text()


def _can_unshare() -> bool:
    try:
        done = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and shutil.which("ip") is not None


@pytest.mark.slow
@pytest.mark.skipif(not _can_unshare(), reason="needs unshare -n (root or user namespaces) and ip")
def test_service_runs_on_loopback_only_in_a_network_namespace(tmp_path: Path) -> None:
    """In `unshare -n` (nothing but loopback) a whole consultation works, and the service
    opens only loopback TCP sockets and the AF_UNIX socketpair of its event loop, and connects
    nowhere: what the unit's RestrictAddressFamilies and IPAddressAllow=localhost allow."""
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "tests.wyoming_offline", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["exit"] == 0 and report["awaited"][-1] is None, report
    assert " ".join(report["replies"]) == converse(SELF_CARE).said()
    records = [json.loads(x) for x in (tmp_path / "sockets.jsonl").read_text().splitlines()]
    assert records, "the socket watch saw nothing"
    for record in records:
        assert record["event"] in ("socket", "bind"), record  # no connect, sendto, sendmsg
        assert record["family"] in (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6), record
        if record["event"] == "bind" and record["family"] != socket.AF_UNIX:
            assert record["to"].startswith(("('127.0.0.1'", "('::1'")), record
    if report["traced"]:
        calls = (tmp_path / "strace.txt").read_text()
        families = set(re.findall(r"socket(?:pair)?\((AF_\w+)", calls))
        assert families <= {"AF_UNIX", "AF_INET", "AF_INET6"}, calls
        assert not re.findall(r"connect\(", calls), calls
        assert all(f == "AF_INET" for f in re.findall(r"bind\(\d+, \{sa_family=(\w+)", calls))


PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1  # Linux 6.3+: what MemoryDenyWriteExecute does


def _mdwe_supported() -> bool:
    probe = "import ctypes,sys; sys.exit(ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) != 0)"
    return subprocess.run([sys.executable, "-c", probe], timeout=30).returncode == 0


LAUNCHER = (  # refuse writable-executable memory, as MemoryDenyWriteExecute does, then exec
    "import ctypes, os, sys\n"
    f"assert ctypes.CDLL(None).prctl({PR_SET_MDWE}, {PR_MDWE_REFUSE_EXEC_GAIN}, 0, 0, 0) == 0\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


@pytest.mark.slow
@pytest.mark.skipif(not _mdwe_supported(), reason="the kernel has no PR_SET_MDWE (Linux < 6.3)")
def test_service_runs_with_writable_executable_memory_refused() -> None:
    """The unit sets MemoryDenyWriteExecute=yes: with the same refusal, set by prctl and kept
    across exec, a whole consultation still works."""
    probe = (
        "import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)"
    )
    refused = subprocess.run(
        [sys.executable, "-c", LAUNCHER, sys.executable, "-c", probe],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode != 0 and "PermissionError" in refused.stderr  # the launcher works
    with started(prefix=(sys.executable, "-c", LAUNCHER)) as service:
        run = asyncio.run(visit(service.port, SELF_CARE))
        code = service.stop()
    assert code == 0 and run.awaited[-1] is None, service.text()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_unit_exposure_is_at_most_2_5() -> None:
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(UNIT)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout)
    assert found is not None, done.stdout + done.stderr
    assert float(found.group(1)) <= 2.5, done.stdout


def test_unit_runs_the_command_with_its_own_options_on_loopback() -> None:
    text = UNIT.read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", text, re.M)
    assert exec_start is not None
    words = exec_start.group(1).split()
    assert words[1:] == ["wyoming", "--options-file", "/etc/toe-assistant/wyoming.options"]
    assert "IPAddressAllow=localhost" in text and "IPAddressDeny=any" in text
    assert "RestartPreventExitStatus=2" in text
    allowed = re.search(r"^RestrictAddressFamilies=(.*)$", text, re.M)
    assert allowed is not None and set(allowed.group(1).split()) == {
        "AF_INET", "AF_INET6", "AF_UNIX"
    }  # fmt: skip
    served = subprocess.run(
        [*toe_assistant(), "wyoming", "--help"], capture_output=True, text=True, timeout=60
    )
    assert "--uri" in served.stdout and "tcp://127.0.0.1:10700" in served.stdout
