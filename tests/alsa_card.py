"""A virtual ALSA sound card for tests: a microphone fed from a FIFO, a speaker that is a file.

ALSA's ``file`` PCM plugin over the ``null`` PCM reads what capture "hears" from ``infile`` and
writes what is played to ``file``, both raw signed 16-bit mono at ``rate_hz``; a ``plug`` in front
converts whatever format the client asks for. PortAudio reads ALSA's configuration once, when it
initialises, so the audio side must run in a process started with ``card.env``.

The null PCM has no clock: capture runs as fast as ``infile`` delivers. ``infile`` is therefore a
FIFO that a writer thread holds open read-write for the card's whole life (PortAudio opens every
device while listing them, and opening a FIFO for reading blocks until there is a writer). The
writer sends silence at real-time pace from the start, as a microphone in a quiet room would, and
what ``hear`` queued as fast as the reader takes it. So a recording never blocks (a capture
thread blocked on an empty FIFO can neither deliver nor close) and never reads past the end of a
file (which gives stale garbage rather than silence).

The plugin reads ``infile`` once per period and PortAudio uses the whole period even when that
read comes back short, which also yields stale samples. So the writer only ever writes whole
periods of ``block_frames`` (one atomic pipe write each): give it the reader's block size, which
for ``DeviceSource`` is ``block_s * rate_hz`` (1600 frames by default).
"""

from __future__ import annotations

import os
import queue
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CARD_NAME = "toecard"
CARD_RATE_HZ = 16000
ALSA_BASE_CONFIG = "/usr/share/alsa/alsa.conf"
CARD_BLOCK_FRAMES = 1600  # DeviceSource's default block: 0.1 s at 16 kHz
_PIPE_BUF_BYTES = 4096  # pipe writes up to this size are atomic


@dataclass
class VirtualCard:
    """Paths and environment of one virtual card; ``device`` is the name to give sounddevice."""

    conf_path: Path
    device: str
    infile: Path
    playback_path: Path
    rate_hz: int
    block_frames: int
    env: dict[str, str]
    room_rms: float = 0.0  # between queued sounds the microphone hears this room (0: silence)
    _pending: bytearray = field(default_factory=bytearray, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _unplugged: threading.Event = field(default_factory=threading.Event, repr=False)

    def hear(self, samples: np.ndarray) -> None:
        """Queue int16 samples at ``rate_hz`` for the microphone; silence follows them."""
        data = np.asarray(samples, dtype="<i2").tobytes()
        data += bytes(-len(data) % (self.block_frames * 2))  # whole periods only
        with self._lock:
            self._pending += data

    def unplug_microphone(self) -> None:
        """The microphone goes away: it stops sending audio and can no longer be opened."""
        self._unplugged.set()
        os.rename(self.infile, self.infile.with_suffix(".unplugged"))

    def replug_microphone(self) -> None:
        """The microphone is back: it opens again and sends the room's silence."""
        with self._lock:
            self._pending.clear()  # what it would have heard while away is gone
        os.rename(self.infile.with_suffix(".unplugged"), self.infile)
        self._unplugged.clear()

    def break_speaker(self) -> None:
        """Playback fails to open: a folder stands where the card writes what it plays."""
        self.playback_path.unlink(missing_ok=True)
        self.playback_path.mkdir()

    def fix_speaker(self) -> None:
        """Playback works again."""
        self.playback_path.rmdir()

    def _room(self, rng: np.random.Generator) -> bytes:
        """One block of the room's noise (white, at ``room_rms``)."""
        noise = rng.normal(0.0, self.room_rms, self.block_frames)
        return np.clip(noise, -32768, 32767).astype("<i2").tobytes()

    def played(self) -> np.ndarray:
        """Everything played to the card so far, as int16 samples at ``rate_hz``."""
        if not self.playback_path.exists():
            return np.zeros(0, dtype=np.int16)
        return np.fromfile(self.playback_path, dtype="<i2").astype(np.int16)

    def run(
        self, args: Sequence[str], timeout_s: float = 60.0, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a command with this card's ALSA configuration, capturing its output."""
        result = subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, timeout=timeout_s
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{args[0]} exited {result.returncode}\nstdout:\n{result.stdout}\n"
                f"stderr:\n{result.stderr}"
            )
        return result

    def run_python(
        self, code: str, *args: str, timeout_s: float = 60.0, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a Python snippet (``sys.argv[1:]`` = ``args``) against this card."""
        return self.run([sys.executable, "-c", code, *args], timeout_s=timeout_s, check=check)

    def start(self, args: Sequence[str]) -> CardProcess:
        """Start a command with this card's ALSA configuration; read its output as it comes."""
        return CardProcess.start(args, self.env)

    def _feed(self, fd: int) -> None:
        """Writer thread: real-time silence from the start, like a microphone in a quiet room;
        queued audio goes out as fast as the reader takes it."""
        unit = self.block_frames * 2
        quiet = bytes(unit)
        rng = np.random.default_rng(17)
        step_s = self.block_frames / self.rate_hz
        next_silence = time.monotonic()
        while not self._stop.is_set():
            if self._unplugged.is_set():
                self._stop.wait(step_s)
                next_silence = time.monotonic()
                continue
            now = time.monotonic()
            with self._lock:
                if not self._pending and now >= next_silence:
                    self._pending += self._room(rng) if self.room_rms else quiet
                    # keep to the clock, but never burst to catch up after a stall
                    next_silence = max(next_silence + step_s, now)
                piece = bytes(self._pending[:unit])
            if not piece:
                self._stop.wait(min(step_s, max(0.0, next_silence - now)))
                continue
            _, writable, _ = select.select([], [fd], [], 0.05)
            if not writable:
                continue
            try:
                written = os.write(fd, piece)
            except BlockingIOError:
                continue
            with self._lock:
                del self._pending[:written]  # all of it: the write is atomic


@dataclass
class CardProcess:
    """A running command: its stdout and stderr lines, each read by its own thread.

    One reader per pipe: a second reader (``communicate``) would take lines the first never
    sees, which is how a "listening for" line went missing and the test never answered.
    """

    process: subprocess.Popen[str]
    stdout_lines: list[str] = field(default_factory=list)
    stderr_lines: list[str] = field(default_factory=list)
    _stderr_queue: queue.Queue[str | None] = field(default_factory=queue.Queue, repr=False)
    _readers: list[threading.Thread] = field(default_factory=list, repr=False)

    @classmethod
    def start(
        cls, args: Sequence[str], env: dict[str, str], cwd: Path | None = None
    ) -> CardProcess:
        process = subprocess.Popen(
            list(args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,
        )
        running = cls(process)
        for target in (running._read_stdout, running._read_stderr):
            reader = threading.Thread(target=target, daemon=True)
            reader.start()
            running._readers.append(reader)
        return running

    def next_after(self, marker: str, timeout_s: float = 120.0) -> str | None:
        """The rest of the next stderr line holding ``marker``; None once stderr has ended."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                line = self._stderr_queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {marker!r} within {timeout_s} s:\n{self.log()}") from None
            if line is None:
                self._stderr_queue.put(None)  # stays ended for the next caller
                return None
            if marker in line:
                return line.split(marker, 1)[1].strip()

    def wait(self, timeout_s: float = 300.0) -> int:
        """Wait for the command to exit and its output to be read; its exit code."""
        code = self.process.wait(timeout=timeout_s)
        for reader in self._readers:
            reader.join(timeout=10)
        return code

    def log(self, last: int = 40) -> str:
        """The last lines of stderr, for assertion messages."""
        return "".join(self.stderr_lines[-last:])

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.stdout_lines.append(line)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)
            self._stderr_queue.put(line)
        self._stderr_queue.put(None)


def write_config(
    directory: Path,
    name: str = CARD_NAME,
    rate_hz: int = CARD_RATE_HZ,
    seen_as: Path | None = None,
) -> Path:
    """Write an asoundrc defining ``name`` (plug) over ``name_raw`` (file over null).

    ``seen_as`` is the folder as the program using the card sees it, when that is not
    ``directory`` (a container whose root is a folder here).
    """
    conf = directory / "asoundrc"
    inside = seen_as or directory
    conf.write_text(
        f"""pcm.{name}_raw {{
    type file
    slave.pcm "null"
    file "{inside / "played.raw"}"
    infile "{inside / "heard.fifo"}"
    format "raw"
}}
pcm.{name} {{
    type plug
    slave {{
        pcm "{name}_raw"
        format S16_LE
        rate {rate_hz}
        channels 1
    }}
}}
"""
    )
    return conf


@contextmanager
def virtual_card(
    directory: Path,
    name: str = CARD_NAME,
    rate_hz: int = CARD_RATE_HZ,
    block_frames: int = CARD_BLOCK_FRAMES,
    seen_as: Path | None = None,
) -> Iterator[VirtualCard]:
    """A virtual card in ``directory`` with its FIFO writer running until the block ends.

    ``seen_as``: where the program using the card finds ``directory`` (see write_config).
    """
    if not 0 < block_frames * 2 <= _PIPE_BUF_BYTES:
        raise ValueError(f"block_frames must be 1 to {_PIPE_BUF_BYTES // 2} (one atomic write)")
    conf = write_config(directory, name, rate_hz, seen_as)
    infile = directory / "heard.fifo"
    os.mkfifo(infile)
    env = {**os.environ, "ALSA_CONFIG_PATH": f"{ALSA_BASE_CONFIG}:{conf}"}
    card = VirtualCard(conf, name, infile, directory / "played.raw", rate_hz, block_frames, env)
    # Read-write never blocks on a FIFO and keeps a writer present for every reader's open.
    fd = os.open(infile, os.O_RDWR | os.O_NONBLOCK)
    writer = threading.Thread(target=card._feed, args=(fd,), name="toecard-fifo", daemon=True)
    writer.start()
    try:
        yield card
    finally:
        card._stop.set()
        writer.join(timeout=5)
        os.close(fd)
