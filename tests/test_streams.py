"""The command line as a process: closed, full or broken streams, signals, memory, disk.

Each case ran into a traceback, a hang, gigabytes of memory or a half-written file in issue 11.
They need a real process (descriptors, signals, rusage), so they run the installed command.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.chat_driver import toe_assistant

ANSWERS = "no\n" * 4 + "two days\nyes\n" * 3
MAX_RSS_KB = 400_000  # the command itself needs about 80 MB; the failures took gigabytes


def one_clean_line(stderr: str) -> None:
    assert stderr.count("\n") == 1 and stderr.startswith("toe-assistant: "), stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


def shell(command: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``command`` in bash, with $T the installed toe-assistant."""
    env = {**os.environ, "T": " ".join(toe_assistant())}
    return subprocess.run(
        ["bash", "-c", command], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


# A small parent for the command: fork copies the parent's resident pages into the child's
# peak (ru_maxrss), and a pytest worker can hold a gigabyte of models.
_MEASURE = """
import resource, subprocess, sys
try:
    code = subprocess.run(sys.argv[2:], timeout=float(sys.argv[1]), stdout=-3).returncode
except subprocess.TimeoutExpired:
    code = -9
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"measured {code} {peak}\\n")
"""


def measured(args: list[str], stdin: Path | int, timeout_s: float) -> tuple[int, str, int, float]:
    """Run a command; its exit code, stderr, peak memory (kB, its own) and wall time."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(timeout_s), *toe_assistant(), *args],
        stdin=stdin if isinstance(stdin, int) else stdin.open("rb"),
        capture_output=True, text=True, timeout=timeout_s + 30,
    )  # fmt: skip
    *lines, last = done.stderr.splitlines(keepends=True)
    _, code, peak = last.split()
    return int(code), "".join(lines), int(peak), time.monotonic() - started


@pytest.mark.slow  # a whole chat run in its own process
def test_a_reader_that_goes_away_is_one_line() -> None:
    """`toe-assistant chat < answers.txt | head -1`: a broken pipe, not a traceback."""
    process = subprocess.Popen(
        [*toe_assistant(), "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline().startswith("assistant:")
    process.stdout.close()  # like head -1 after its line
    _, err = process.communicate(ANSWERS, timeout=60)
    assert process.returncode == 2
    one_clean_line(err)
    assert "Broken pipe" in err


@pytest.mark.slow  # a whole chat run in its own process
@pytest.mark.parametrize(
    ("redirect", "says"),
    [(">&-", "standard output is closed"), ("> /dev/full", "No space left on device")],
    ids=["stdout-closed", "stdout-full"],
)
def test_unwritable_stdout_is_one_line(redirect: str, says: str) -> None:
    done = shell(f"$T chat {redirect}", ANSWERS)
    assert done.returncode == 2
    one_clean_line(done.stderr)
    assert says in done.stderr


def test_help_to_a_closed_stdout_is_one_line() -> None:
    done = shell("$T --help >&-")
    assert done.returncode == 2
    one_clean_line(done.stderr)


def test_closed_stdin_is_one_line() -> None:
    done = shell("$T chat <&-")
    assert done.returncode == 2
    one_clean_line(done.stderr)
    assert "standard input is closed" in done.stderr


def test_closed_stderr_still_exits_2() -> None:
    done = shell("$T chat --bogus 2>&-; echo $? >&1")
    assert done.stdout.strip() == "2"


@pytest.mark.parametrize("delay_s", [0.05, 0.1, 0.2, 0.35, 0.6, 1.0])
def test_ctrl_c_at_any_moment_is_exit_130_and_one_line(delay_s: float) -> None:
    """Ctrl-C in the first half second (while modules load) was a KeyboardInterrupt trace.

    Not before 50 ms: the first ~20 ms are the interpreter starting (its own `site`), before
    any code of ours runs; a Ctrl-C there ends with Python's own message.
    """
    process = subprocess.Popen(
        [*toe_assistant(), "chat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(delay_s)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    one_clean_line(err)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_wrapped_in_another_error_is_still_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], signum: int, code: int
) -> None:
    """Ctrl-C while an imported class is made surfaced as RuntimeError("Error calling
    __set_name__ ...") from the interrupt: a traceback and exit 1 (found by the test above)."""
    import voice.cli.app
    from voice.cli import main

    class Interrupting:
        def __set_name__(self, owner: type, name: str) -> None:
            signal.raise_signal(signum)

    def run(argv: list[str]) -> int:
        type("Made", (), {"field": Interrupting()})
        return 0

    monkeypatch.setattr(voice.cli.app, "run", run)
    assert main(["chat"]) == code
    one_clean_line(capsys.readouterr().err)


@pytest.mark.slow
def test_sigkill_at_any_moment_leaves_no_temporary_folder(tmp_path: Path) -> None:
    """SIGKILL during simulate left an empty toe-tts-* folder 9 times in 10: nothing can clean
    up after SIGKILL, so nothing may be put there (speech is rendered in memory)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    for delay_s in (0.5, 0.9, 1.3, 1.7, 2.1, 2.5):
        process = subprocess.Popen(
            [*toe_assistant(), "simulate", "--engine", "pocketsphinx", "--answer", "*=no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "TMPDIR": str(scratch)},
        )  # fmt: skip
        time.sleep(delay_s)
        process.kill()
        process.wait(timeout=60)
        assert list(scratch.iterdir()) == [], f"left after SIGKILL at {delay_s} s"


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM], ids=["TERM"])
def test_a_signal_during_simulate_leaves_nothing_behind(tmp_path: Path, signum: int) -> None:
    """SIGTERM mid-consultation: exit 143, no temporary folder, no partial recording."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    record = tmp_path / "out" / "both.wav"
    process = subprocess.Popen(
        [*toe_assistant(), "--debug", "simulate", "--engine", "pocketsphinx", "--answer", "*=no",
         "--answer", "duration=two days", "--record", str(record)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:  # mid-consultation: after the first answer was heard
        if "listening for numbness" in line:
            break
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    if signum == signal.SIGTERM:
        assert process.returncode == 143, err
        assert "terminated" in err.splitlines()[-1]
    assert list(scratch.iterdir()) == []
    left = list(record.parent.iterdir()) if record.parent.exists() else []
    assert all(p.name == "both.wav" for p in left), left  # whole, or nothing at all


def _can_mount_tmpfs() -> bool:
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt"],
        capture_output=True, timeout=10, check=False,
    )  # fmt: skip
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("unshare") is None or not _can_mount_tmpfs(),
    reason="needs a private mount namespace to make a small full disk (root)",
)
def test_a_full_disk_leaves_no_partial_recording(tmp_path: Path) -> None:
    """--record on a full disk exited 2 but left a partial WAV."""
    target = tmp_path / "full"
    target.mkdir()
    command = (
        f"mount -t tmpfs -o size=64k none {target} && "
        f"{' '.join(toe_assistant())} simulate --engine pocketsphinx --answer '*=no' "
        f"--answer 'duration=two days' --record {target}/both.wav > /dev/null; "
        f'echo "exit=$?" >&2; ls -A {target}'
    )
    done = subprocess.run(
        ["unshare", "-m", "bash", "-c", command], capture_output=True, text=True, timeout=300
    )
    lines = done.stderr.splitlines()
    assert lines[-1] == "exit=2", done.stderr
    assert len(lines) == 2 and "No space left on device" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.strip() == ""  # not a byte of the recording, not a .part


@pytest.mark.slow  # a whole chat run in its own process
def test_chat_from_dev_zero_ends_in_bounded_memory_and_time() -> None:
    """`chat < /dev/zero` reached 3 GB in 10 s."""
    code, err, rss_kb, took_s = measured(["chat"], os.open("/dev/zero", os.O_RDONLY), 30)
    assert code == 2, err
    one_clean_line(err)
    assert rss_kb < MAX_RSS_KB and took_s < 30


@pytest.mark.slow  # a whole chat run in its own process
def test_a_10_mb_line_is_not_an_answer_and_costs_little(tmp_path: Path) -> None:
    """A 10 MB chat line took 30-40 s and 1.1 GB."""
    lines = tmp_path / "answers.txt"
    lines.write_text("no" * 5_000_000 + "\n" + ANSWERS)
    code, err, rss_kb, took_s = measured(["chat"], lines, 30)
    assert code == 2, err
    one_clean_line(err)
    assert rss_kb < MAX_RSS_KB and took_s < 30


@pytest.mark.slow  # a whole chat run in its own process
def test_a_long_line_is_heard_as_not_understood_and_the_talk_goes_on(tmp_path: Path) -> None:
    lines = tmp_path / "answers.txt"
    lines.write_text("no " * 10_000 + "\n" + ANSWERS)
    done = subprocess.run(
        [*toe_assistant(), "chat", "--jsonl"], stdin=lines.open(), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"type": "result"' in done.stdout


def test_a_wav_answer_from_dev_zero_is_bounded() -> None:
    """`--answer X=@/dev/zero` reached 7.3 GB in 15 s."""
    args = ["simulate", "--engine", "pocketsphinx", "--answer", "weakness=@/dev/zero"]
    code, err, rss_kb, took_s = measured(args, subprocess.DEVNULL, 60)
    assert code == 2, err
    one_clean_line(err)
    assert rss_kb < MAX_RSS_KB and took_s < 60


def _immutable(path: Path) -> bool:
    path.write_bytes(b"")
    return shutil.which("chattr") is not None and (
        subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    )


@pytest.mark.parametrize(
    ("target", "command"),
    [
        ("folder", "simulate"),
        pytest.param("folder", "demo", marks=pytest.mark.slow),
        pytest.param("/proc/toe.wav", "demo", marks=pytest.mark.slow),
        pytest.param("immutable", "demo", marks=pytest.mark.slow),
    ],
)
def test_an_unwritable_recording_is_one_line_without_wave_noise(
    tmp_path: Path, target: str, command: str
) -> None:
    """--record / demo --output to a folder, /proc or an immutable file printed the right line
    and then an `Exception ignored in Wave_write.__del__` traceback."""
    path = tmp_path / "out.wav"
    if target == "folder":
        path.mkdir()
    elif target == "immutable" and not _immutable(path):
        pytest.skip("needs chattr +i (e2fsprogs, root, a filesystem with attributes)")
    elif target.startswith("/"):
        path = Path(target)
    option = (
        ["--output", str(path)]
        if command == "demo"
        else ["--answer", "*=no", "--record", str(path)]
    )
    try:
        done = subprocess.run(
            [*toe_assistant(), command, "--engine", "pocketsphinx", *option],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        if target == "immutable":
            subprocess.run(["chattr", "-i", str(path)], check=False)
    assert done.returncode == 2, done.stderr
    one_clean_line(done.stderr)
    assert [p.name for p in tmp_path.iterdir() if p.name != "out.wav"] == []  # no .part


def _without_file_permissions_override() -> list[str]:
    """As root, run without CAP_DAC_OVERRIDE so that a folder's mode applies (setpriv)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("as root, needs setpriv (util-linux) to let a folder's mode apply")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize(
    "args",
    [
        ["models", "list"],
        ["check-dialogs"],
        pytest.param(["simulate", "--answer", "*=no"], marks=pytest.mark.slow),
        pytest.param(["demo", "--output", "{tmp}/demo.wav"], marks=pytest.mark.slow),
    ],
    ids=["models", "check-dialogs", "simulate", "demo"],
)
def test_a_models_folder_that_cannot_be_entered_is_one_line(
    tmp_path: Path, args: list[str]
) -> None:
    """A models folder the user cannot enter was a PermissionError traceback."""
    locked = tmp_path / "locked"
    (locked / "models" / "vosk-model-small-en-us-0.15").mkdir(parents=True)
    locked.chmod(0)
    try:
        command = [a.replace("{tmp}", str(tmp_path)) for a in args]
        option = ["--models-dir", str(locked / "models")]
        where = 1 if command[0] == "models" else len(command)
        done = subprocess.run(
            [*_without_file_permissions_override(), *toe_assistant(), *command[:where], *option,
             *command[where:]],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        locked.chmod(0o755)
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr
    if done.returncode == 2:
        one_clean_line(done.stderr)
        assert "Permission denied" in done.stderr
