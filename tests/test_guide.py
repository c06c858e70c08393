"""Every command in docs/raspberry-pi.md is checked here, in the way it can be on this machine.

- `deploy/install ...` runs for real with --dry-run added, and the options it would write are
  read back by the program's own parser;
- `toe-assistant ...` (as anyone) is parsed by the program's own parser, and the harmless ones
  run; the options file it names is the guide's own example;
- `systemctl` / `journalctl` name the installed unit with verbs systemd has; the service
  commands run for real under systemd in tests/test_systemd_unit.py;
- what needs a Pi, the network or a person (git, apt, alsamixer, an editor) is listed below
  with why, and checked for what can be checked (the tool exists, the path is the real one).
A command in the guide that none of these covers fails the test.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.chat_driver import toe_assistant
from tests.guide import as_user, example_options, guide_commands
from voice.cli.app import build_parser
from voice.cli.options_file import read_options
from voice.summaries import SUMMARIES_FILE

CHECKOUT = Path(__file__).resolve().parent.parent
OPTIONS_FILE = "/etc/toe-assistant/serve.options"
UNIT = "toe-assistant"
SYSTEMCTL_VERBS = {"status", "start", "stop", "restart"}
# Commands that need a Pi, the network or a person at a terminal, and what is checked instead
NOT_RUN_HERE = {
    ("apt", "install"): "needs the network; the package name is checked",
    ("git", "clone"): "needs the repository's address; the folder it makes is the one used next",
    ("cd",): "moves into the clone",
    ("git", "pull"): "needs the network",
    ("alsamixer",): "interactive; alsa-utils (scripts/setup) provides it",
    ("alsactl", "store"): "writes the sound card's levels; alsa-utils provides it",
    ("sudoedit",): "an editor; the file is the installer's options file",
    ("rm",): "deletes the summaries; the file is the one serve writes",
}

COMMANDS = guide_commands()


def test_the_guide_has_commands_in_every_kind() -> None:
    firsts = {as_user(words)[1][0] for words in COMMANDS}
    assert {"deploy/install", "toe-assistant", "systemctl", "journalctl"} <= firsts


def kind(words: list[str]) -> str:
    _, command = as_user(words)
    if command[0] in ("deploy/install", "toe-assistant", "systemctl", "journalctl"):
        return command[0]
    for prefix in NOT_RUN_HERE:
        if tuple(command[: len(prefix)]) == prefix:
            return "not run here"
    return "unknown"


@pytest.mark.parametrize("words", COMMANDS, ids=[" ".join(w) for w in COMMANDS])
def test_every_command_is_checked(words: list[str], tmp_path: Path) -> None:
    user, command = as_user(words)
    checks = {
        "deploy/install": check_install,
        "toe-assistant": check_toe_assistant,
        "systemctl": check_systemctl,
        "journalctl": check_journalctl,
        "not run here": check_not_run_here,
    }
    assert kind(words) in checks, f"the guide's command {' '.join(words)!r} is not checked"
    checks[kind(words)](user, command, tmp_path)


def check_install(user: str | None, command: list[str], tmp_path: Path) -> None:
    assert user == "root"  # the installer needs root, and the guide says sudo
    args = command[1:]
    split = args.index("--") if "--" in args else len(args)
    installer_args, options = args[:split], args[split + 1 :]
    done = subprocess.run(
        [str(CHECKOUT / "deploy" / "install"), "--dry-run", *installer_args, "--", *options]
        if options
        else [str(CHECKOUT / "deploy" / "install"), "--dry-run", *installer_args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    if options:
        path = tmp_path / "serve.options"
        marker = f"would write {OPTIONS_FILE} (mode 0644):\n"
        body = done.stdout.split(marker, 1)[1].split("\n")
        path.write_text(
            "\n".join(line[4:] for line in body if line.startswith("    ")), encoding="utf-8"
        )
        assert read_options(path) == options
        build_parser().parse_args(["serve", "--options-file", str(path)])


def check_toe_assistant(user: str | None, command: list[str], tmp_path: Path) -> None:
    assert user in (None, "root", "toe-assistant")
    argv = command[1:]
    if OPTIONS_FILE in argv:  # the guide's own example of the file stands in for it
        example = tmp_path / "serve.options"
        example.write_text(example_options(), encoding="utf-8")
        argv = [str(example) if word == OPTIONS_FILE else word for word in argv]
    args = build_parser().parse_args(argv)  # a wrong option is a UsageError here
    assert args.command == argv[0]
    if argv[:2] == ["models", "list"]:
        done = subprocess.run(
            [*toe_assistant(), *argv],
            capture_output=True, text=True, timeout=60, check=False,
            env={"PATH": "/usr/bin:/bin", "TOE_ASSISTANT_MODELS_DIR": str(tmp_path)},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr


def check_systemctl(user: str | None, command: list[str], tmp_path: Path) -> None:
    assert user == "root"
    verb, unit = command[1], command[2]
    assert verb in SYSTEMCTL_VERBS and unit == UNIT
    assert (CHECKOUT / "deploy" / f"{unit}.service").exists()


def check_journalctl(user: str | None, command: list[str], tmp_path: Path) -> None:
    assert command[1:3] == ["-u", UNIT]
    assert set(command[3:]) <= {"-f", "-b", "-p", "warning"}


def check_not_run_here(user: str | None, command: list[str], tmp_path: Path) -> None:
    if command[:2] == ["apt", "install"]:
        assert command[2:] == ["-y", "git"]
    elif command[:2] == ["git", "clone"]:
        clone_into = command[3]
        assert ["cd", clone_into] in [as_user(w)[1] for w in COMMANDS]
    elif command[0] in ("alsamixer", "alsactl"):
        assert shutil.which(command[0]) is not None, f"{command[0]} is not installed"
    elif command[0] == "sudoedit":
        assert command[1:] == [OPTIONS_FILE]
    elif command[0] == "rm":
        assert Path(command[1]).name == SUMMARIES_FILE


def test_the_example_options_file_is_what_the_program_reads(tmp_path: Path) -> None:
    path = tmp_path / "serve.options"
    path.write_text(example_options(), encoding="utf-8")
    args = build_parser().parse_args(["serve", "--options-file", str(path)])
    assert args.wake_phrase == "okay toe helper"  # double quotes work, as in a shell
    assert args.input_device == "plughw:CARD=Device,DEV=0"
    assert str(args.save_summaries) == "/var/lib/toe-assistant"


def test_the_guide_labels_its_figures() -> None:
    text = (CHECKOUT / "docs" / "raspberry-pi.md").read_text(encoding="utf-8")
    measured = text.split("## Measured", 1)[1]
    kinds = [para for para in measured.split("\n\n") if para.startswith("**")]
    assert len(kinds) >= 4  # memory, wake word, long running, arm64
    for para in kinds:  # each kind of figure says where it was measured
        assert "x86-64" in para or "Emulated" in para, para
    assert "Nothing on this page was measured on a Raspberry Pi" in text
