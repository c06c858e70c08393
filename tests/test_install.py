"""deploy/install without installing (--dry-run) and the unit checked offline.

The options a person gives the installer are written into the options file and read back by
the program itself (`serve --options-file`): the round trip below goes through the installer's
own quoting and the program's own reading, with spaces, both quotes, $, backslashes, #,
newlines and other languages. The unit's ExecStart is a fixed command line, so systemd's word
splitting has nothing to get wrong (checked here offline, and under a real systemd in
test_systemd_unit.py, which also runs the installer for real).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voice.cli.app import build_parser
from voice.cli.options_file import read_options

CHECKOUT = Path(__file__).resolve().parent.parent
INSTALL = CHECKOUT / "deploy" / "install"
UNIT = CHECKOUT / "deploy" / "toe-assistant.service"
OPTIONS_FILE = "/etc/toe-assistant/serve.options"
AWKWARD = ["--wake-phrase", "okay toe helper",
           "--input-device", "plughw:CARD=Device,DEV=0",
           "--save-summaries", "/var/lib/toe-assistant/it's \"q\" $HOME \\ `x` #1 발가락 é",
           "--voice", "en-us+f3", "--debug"]  # fmt: skip


def dry_run(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(INSTALL), "--dry-run", *args], capture_output=True, timeout=60, check=False
    )
    # Decoded by hand: text=True would turn a "\r" in an option into a line break.
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def written(output: str, path: str) -> str:
    """The text a dry run shows it would write to ``path``."""
    lines = output.split("\n")
    start = lines.index(next(line for line in lines if line.startswith(f"would write {path} ")))
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        body.append(line[4:])
    return "\n".join(body) + "\n"


def options_round_trip(tmp_path: Path, options: list[str]) -> list[str]:
    done = dry_run("--", *options)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "serve.options"
    path.write_bytes(written(done.stdout, OPTIONS_FILE).encode())
    return read_options(path)


def test_awkward_options_come_back_exactly_as_typed(tmp_path: Path) -> None:
    assert options_round_trip(tmp_path, AWKWARD) == AWKWARD
    args = build_parser().parse_args(["serve", "--options-file", str(tmp_path / "serve.options")])
    assert args.wake_phrase == "okay toe helper"
    assert args.input_device == "plughw:CARD=Device,DEV=0"
    assert str(args.save_summaries) == AWKWARD[5]
    assert args.debug  # a top-level option, also taken after `serve` (an options file's place)


def test_the_options_file_reads_as_one_option_a_line(tmp_path: Path) -> None:
    options_round_trip(tmp_path, AWKWARD)
    text = (tmp_path / "serve.options").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines[:2] == [
        "--wake-phrase 'okay toe helper'",
        "--input-device plughw:CARD=Device,DEV=0",
    ]
    assert lines[-1] == "--debug"


@settings(max_examples=10)
@given(
    st.lists(
        st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00")),
        min_size=1,
        max_size=4,
    )
)
def test_any_text_comes_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, words: list[str]
) -> None:
    options = [part for word in words for part in ("--wake-phrase", word)]
    assert options_round_trip(tmp_path_factory.mktemp("opts"), options) == options


def test_a_dry_run_says_what_it_would_do_and_does_nothing() -> None:
    done = dry_run("--", "--input-device", "USB")
    assert done.returncode == 0, done.stderr
    assert (
        "would run: systemd-analyze verify /etc/systemd/system/toe-assistant.service" in done.stdout
    )
    assert (
        "would run: install -m 0644 deploy/toe-assistant.service /etc/systemd/system/"
        in done.stdout
    )
    assert "would write /usr/local/bin/toe-assistant (mode 0755):" in done.stdout
    assert 'TOE_ASSISTANT_MODELS_DIR="${TOE_ASSISTANT_MODELS_DIR:-/opt/toe-assistant/models}"' in (
        done.stdout
    )
    restart = "would run: systemctl restart toe-assistant.service"
    assert restart in done.stdout or "systemd is not running here" in done.stderr


def test_an_uninstall_dry_run_lists_what_goes_and_what_stays() -> None:
    done = dry_run("--uninstall", "--keep-summaries")
    assert done.returncode == 0, done.stderr
    assert "would run: rm -f /etc/systemd/system/toe-assistant.service" in done.stdout
    assert (
        "would run: rm -rf /opt/toe-assistant /etc/toe-assistant /usr/local/bin/toe-assistant"
        in (done.stdout)
    )
    assert "rm -rf /var/lib/toe-assistant" not in done.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--frobnicate"], "unknown option --frobnicate (the service's options go after --)"),
        (["--service", "kitchen"], "unknown service kitchen: serve or wyoming"),
        (["--service"], "--service needs serve or wyoming"),
        (["--uninstall", "--", "--debug"], "--uninstall takes no service options"),
    ],
)
def test_a_wrong_installer_option_is_one_line_and_exit_2(args: list[str], says: str) -> None:
    done = dry_run(*args)
    assert done.returncode == 2
    assert done.stderr == f"install: {says} (see deploy/install --help)\n"


def test_the_wyoming_service_installs_its_own_unit_and_options() -> None:
    unit = CHECKOUT / "deploy" / "toe-assistant-wyoming.service"
    done = dry_run("--service", "wyoming", "--", "--uri", "tcp://0.0.0.0:10700")
    if not unit.exists():  # the Wyoming service arrives with its own branch
        assert done.returncode == 2
        assert "deploy/toe-assistant-wyoming.service is not in this checkout" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert "would write /etc/toe-assistant/wyoming.options" in done.stdout
    assert "systemctl restart toe-assistant-wyoming.service" in done.stdout or (
        "systemd is not running here" in done.stderr
    )


def test_the_help_is_the_header() -> None:
    done = subprocess.run([str(INSTALL), "--help"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("Install, update or remove toe-assistant")
    assert "--uninstall" in done.stdout and "--dry-run" in done.stdout


# --- the unit, offline --------------------------------------------------------------------


def unit_line(key: str) -> str:
    return next(
        line.split("=", 1)[1]
        for line in UNIT.read_text().splitlines()
        if line.startswith(key + "=")
    )


def test_execstart_is_a_fixed_command_line_systemd_cannot_split_wrongly() -> None:
    execstart = unit_line("ExecStart")
    # No $ (variables), % (specifiers), quotes or backslashes: systemd splits on spaces only.
    assert not re.search(r"[$%\"'\\]", execstart)
    assert shlex.split(execstart) == execstart.split(" ") == [
        "/opt/toe-assistant/venv/bin/toe-assistant", "serve", "--options-file", OPTIONS_FILE,
    ]  # fmt: skip


def test_a_configuration_error_is_not_restarted_and_crashes_stop_looping() -> None:
    assert unit_line("RestartPreventExitStatus") == "2"
    assert unit_line("Restart") == "on-failure"
    assert int(unit_line("StartLimitBurst")) * int(unit_line("RestartSec")) < int(
        unit_line("StartLimitIntervalSec")
    )  # the limit can trip: five restarts fit in the interval


needs_systemd_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


@needs_systemd_analyze
def test_the_unit_verifies_offline(tmp_path: Path) -> None:
    # Everything but the program's path, which exists only once installed (the container
    # test verifies the installed unit as it is).
    unit = tmp_path / "toe-assistant.service"
    unit.write_text(UNIT.read_text().replace(unit_line("ExecStart").split(" ")[0], "/bin/true"))
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr


@needs_systemd_analyze
def test_the_unit_is_rated_safe() -> None:
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(UNIT)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    score = float(re.search(r"exposure level for \S+: ([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    assert score <= 1.0, done.stdout
