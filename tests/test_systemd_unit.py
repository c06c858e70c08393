"""deploy/install and the unit under a real systemd, in a container booted for the test.

A Debian root boots with systemd-nspawn (tests/systemd_container.py); deploy/install runs in it
as written, with options holding spaces, quotes, $, a backslash, # and Korean; the service
then serves a consultation through the virtual sound card, survives `systemctl restart`,
stops within 2 s, is restarted by a second install, stays failed (not looping) on a
configuration error, and is removed by --uninstall. The one test seam: a drop-in points ALSA at
the virtual card (an ALSA configuration file and a FIFO in a folder bound into the container)
instead of a USB sound card. Minutes and root: behind the `systemd` marker, outside
scripts/test; run it with `pytest -m systemd tests/test_systemd_unit.py`.
"""

from __future__ import annotations

import json
import os
import shlex
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alsa_card import CardProcess, virtual_card
from tests.guide import as_user, guide_commands
from tests.serve_driver import PEOPLE, WAITING, Serve, TruthfulPerson
from tests.systemd_container import (
    DEFAULT_ROOT,
    ROOT_ENV,
    SOURCE_INSIDE,
    Container,
    booted,
    build_root,
    missing_tools,
)

pytestmark = [pytest.mark.systemd, pytest.mark.slow]

UNIT = "toe-assistant.service"
OPTIONS_FILE = "/etc/toe-assistant/serve.options"
OLD_OPTIONS = "/etc/default/toe-assistant"
CARD_INSIDE = Path("/run/toecard")
DROP_IN = f"/etc/systemd/system/{UNIT}.d/virtual-card.conf"
# Everything systemd's own splitting would get wrong, in one folder name
SUMMARIES = '/var/lib/toe-assistant/it\'s "quoted" $HOME \\ #not-a-comment 발가락'
OPTIONS = ["--wake-phrase", "okay toe helper", "--input-device", "toecard",
           "--output-device", "toecard", "--save-summaries", SUMMARIES,
           "--rate", "300", "--jsonl", "--verbose"]  # fmt: skip
OWNER = "pi"  # the person who installs with sudo
MODELS = "/opt/toe-assistant/models"
STOP_WITHIN_S = 2.0
TIMEOUT_S = 180.0


class Journal(CardProcess):
    """The unit's journal as it comes (`journalctl -f -o cat`): serve's JSON lines (--jsonl
    on stdout) as its output, everything else as its log."""

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.stdout_lines.append(line)
            else:
                self.stderr_lines.append(line)
                self._stderr_queue.put(line)
        self._stderr_queue.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)


@pytest.fixture(scope="module")
def card_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the virtual card lives on the host; bound into the container at CARD_INSIDE."""
    folder = tmp_path_factory.mktemp("toecard")
    folder.chmod(0o777)  # the service's user writes what it plays there
    for parent in folder.parents:  # and must reach it
        if parent.stat().st_mode & 0o001 == 0 and str(parent).startswith("/tmp/"):
            parent.chmod(parent.stat().st_mode | 0o005)
    return folder


@pytest.fixture(scope="module")
def container(card_folder: Path) -> Iterator[Container]:
    reason = missing_tools()
    if reason is not None:
        pytest.skip(f"cannot boot a container here: {reason}")
    root = build_root(Path(os.environ.get(ROOT_ENV, str(DEFAULT_ROOT))))
    with booted(root, binds=[(card_folder, str(CARD_INSIDE))]) as booted_container:
        yield booted_container


def install(container: Container, *args: str) -> str:
    """deploy/install as the Pi's owner runs it: `sudo` from their account ("pi")."""
    done = container.run(
        ["env", f"SUDO_USER={OWNER}", "bash", "-c",
         f"cd {SOURCE_INSIDE} && deploy/install {shlex.join(args)}"],
        timeout_s=900,
    )  # fmt: skip
    return done.stdout + done.stderr


_FOLLOWING: list[Journal] = []


@pytest.fixture(autouse=True)
def stop_following() -> Iterator[None]:
    """Every journal followed is stopped, also when a test fails halfway."""
    yield
    while _FOLLOWING:
        journal = _FOLLOWING.pop()
        if journal.process.poll() is None:
            journal.process.kill()
            journal.process.wait(10)


def follow(container: Container) -> Journal:
    """The unit's journal from now on."""
    command = container.command(["journalctl", "-f", "-o", "cat", "-n", "0", "-u", UNIT])
    journal = Journal.start(command, dict(os.environ))
    assert isinstance(journal, Journal)
    _FOLLOWING.append(journal)
    time.sleep(1.0)  # journalctl attached before anything is started
    return journal


def wait_state(container: Container, state: str, timeout_s: float = 30.0) -> dict[str, str]:
    deadline = time.monotonic() + timeout_s
    while True:
        shown = container.show(UNIT, "ActiveState", "SubState", "NRestarts", "ExecMainStatus",
                               "MainPID", "Result")  # fmt: skip
        if shown["ActiveState"] == state or time.monotonic() > deadline:
            return shown
        time.sleep(0.2)


def test_the_unit_under_a_real_systemd(container: Container, card_folder: Path) -> None:
    # An earlier installer's options (for systemd's $VAR splitting) move to the options file.
    container.run(["useradd", "--create-home", OWNER])
    container.run(["tee", OLD_OPTIONS], stdin='TOE_ASSISTANT_OPTIONS="--wake-word hey_jarvis"\n')
    out = install(container)
    assert f"moving the options in {OLD_OPTIONS}" in out, out
    assert container.run(["test", "-e", OLD_OPTIONS], check=False).returncode == 1
    assert "\n--wake-word hey_jarvis\n" in container.run(["cat", OPTIONS_FILE]).stdout

    # Installed as the guide says, with options only a shell-like reading gets right.
    out = install(container, "--", *OPTIONS)
    assert "install: started" in out, out
    options = container.run(["cat", OPTIONS_FILE]).stdout
    assert f"--save-summaries {shlex.quote(SUMMARIES)}" in options
    execstart = container.show(UNIT, "ExecStart")["ExecStart"]
    print(f"{OPTIONS_FILE}:\n{options}\nExecStart={execstart}")
    argv = execstart.split("argv[]=", 1)[1].split(" ;", 1)[0]
    assert argv.split(" ") == ["/opt/toe-assistant/venv/bin/toe-assistant", "serve",
                               "--options-file", OPTIONS_FILE]  # fmt: skip
    assert container.show(UNIT, "Documentation")["Documentation"] == (
        "file:/opt/toe-assistant/docs/raspberry-pi.md"
    )

    # One models folder: the owner writes it, the service reads it, both look there.
    assert container.run(["sudo", "-u", OWNER, "test", "-w", MODELS], check=False).returncode == 0
    assert (
        f"TOE_ASSISTANT_MODELS_DIR={MODELS}" in container.show(UNIT, "Environment")["Environment"]
    )
    for user in (OWNER, "toe-assistant"):
        listed = container.run(["sudo", "-u", user, "toe-assistant", "models", "list", "--json"])
        assert json.loads(listed.stdout)["models_dir"] == MODELS

    # The virtual card, through a drop-in (the test's one seam), and a restart to use it.
    with virtual_card(card_folder, seen_as=CARD_INSIDE) as card:
        # The card's file plugin writes what it plays, and taps what it captures, to one file
        # the service's user must be able to write: made here, open to all.
        (card_folder / "played.raw").touch()
        (card_folder / "played.raw").chmod(0o666)
        container.run(["mkdir", "-p", str(Path(DROP_IN).parent)])
        drop_in = (
            "[Service]\n"
            f"Environment=ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:{CARD_INSIDE}/asoundrc\n"
            f"ReadWritePaths={CARD_INSIDE}\n"
        )
        container.run(["tee", DROP_IN], stdin=drop_in)
        container.run(["systemctl", "daemon-reload"])
        journal = follow(container)
        container.run(["systemctl", "restart", UNIT])
        serve = Serve(card, journal, TIMEOUT_S)
        started = serve.expect("serving en with pocketsphinx; wake word ")
        assert started == "okay_nabu or 'okay toe helper'"  # one argument, spaces and all
        serve.expect(WAITING)
        assert container.run(["test", "-d", SUMMARIES], check=False).returncode == 0

        # A consultation, start to end, through the card.
        serve.wake()
        assert serve.answer_truthfully(TruthfulPerson.for_answers(PEOPLE["see_provider"])) == (
            "(finished)"
        )
        assert serve.results()[-1]["outcome"] == "see_provider"
        serve.expect(f"summary saved to {SUMMARIES}/summaries.jsonl")
        saved = container.run(["cat", f"{SUMMARIES}/summaries.jsonl"]).stdout
        assert json.loads(saved.splitlines()[-1])["outcome"] == "see_provider"
        serve.expect(WAITING)

        # systemctl restart: a new process, waiting again.
        before = container.show(UNIT, "MainPID")["MainPID"]
        container.run(["systemctl", "restart", UNIT])
        serve.expect(WAITING)
        assert container.show(UNIT, "MainPID")["MainPID"] != before

        # systemctl stop: within 2 s, cleanly.
        started_s = time.monotonic()
        container.run(["systemctl", "stop", UNIT])
        stop_s = time.monotonic() - started_s
        serve.expect("stopped after")
        shown = container.show(UNIT, "ActiveState", "Result")
        assert shown == {"ActiveState": "inactive", "Result": "success"}
        assert stop_s < STOP_WITHIN_S, stop_s
        journal.process.terminate()

    # Running the installer again updates and restarts a running service.
    container.run(["systemctl", "start", UNIT])
    before = wait_state(container, "active")["MainPID"]
    out = install(container)
    assert f"keeping {OPTIONS_FILE}" in out, out
    after = wait_state(container, "active")
    assert after["MainPID"] not in ("0", before)

    # The guide's service commands, in the guide's order, as typed (sudo and all).
    ran = []
    for words in guide_commands():
        command = as_user(words)[1]
        if command[0] == "systemctl" or (command[0] == "journalctl" and "-f" not in command):
            container.run(words)
        elif command[:2] == ["toe-assistant", "summaries"]:
            assert "No consultations are saved" in container.run(words).stdout
        elif command[:3] == ["toe-assistant", "models", "list"]:
            assert "pocketsphinx" in container.run(words).stdout
        elif command[:2] == ["toe-assistant", "serve"]:  # in the foreground: stopped by timeout
            done = container.run(["timeout", "10", *words], check=False, timeout_s=60)
            assert done.returncode == 124, done.stderr
            assert "wake word okay_nabu or 'okay toe helper'" in done.stderr
        else:
            continue
        ran.append(" ".join(words))
    assert len(ran) >= 10, ran
    print("ran the guide's commands:", *ran, sep="\n  ")

    # A configuration error: failed once, not restarted every 5 s.
    container.run(["sh", "-c", f"echo --no-such-option >> {OPTIONS_FILE}"])
    journal = follow(container)
    container.run(["systemctl", "restart", UNIT], check=False)
    journal.next_after("unrecognized arguments: --no-such-option", 60)
    time.sleep(8.0)  # longer than RestartSec=5: a restart would have come by now
    shown = wait_state(container, "failed")
    assert shown["ActiveState"] == "failed", shown
    assert shown["NRestarts"] == "0" and shown["ExecMainStatus"] == "2", shown
    journal.process.terminate()

    # Uninstalling asks about the summaries; with nobody to answer it changes nothing.
    uninstall = ["env", f"SUDO_USER={OWNER}", "bash", "-c",
                 f"cd {SOURCE_INSIDE} && deploy/install --uninstall"]  # fmt: skip
    done = container.run(uninstall, check=False)
    assert done.returncode == 2, done.stderr
    assert "holds saved visit summaries: add --keep-summaries or --remove-summaries" in done.stderr
    assert container.run(["test", "-e", f"/etc/systemd/system/{UNIT}"], check=False).returncode == 0

    # Asked in a terminal, "n": everything goes but the summaries.
    done = container.run(["script", "-qec", shlex.join(uninstall), "/dev/null"], stdin="n\n")
    assert "Delete the saved visit summaries in /var/lib/toe-assistant? [y/N]" in done.stdout
    assert "toe-assistant is removed" in done.stdout, done.stdout
    for path in ("/etc/systemd/system/" + UNIT, "/opt/toe-assistant", "/etc/toe-assistant",
                 "/usr/local/bin/toe-assistant"):  # fmt: skip
        assert container.run(["test", "-e", path], check=False).returncode == 1, path
    assert container.run(["id", "toe-assistant"], check=False).returncode == 1
    kept = container.run(["stat", "-c", "%U", f"{SUMMARIES}/summaries.jsonl"]).stdout
    assert kept.strip() == "root"  # kept, and no longer owned by a user that is gone
