"""A real systemd to run the unit under: a Debian root booted with `systemd-nspawn --boot`.

The root (Debian Bookworm, minbase, with systemd and the packages scripts/setup lists) is built
once with debootstrap and kept (``TOE_SYSTEMD_ROOT``, default /var/tmp/toe-systemd-root); each
boot lays a throw-away overlay over it (``--volatile=overlay``), so every test run installs
into a clean system. Commands run inside with nsenter into the container's namespaces; the
machine needs root, systemd-container and debootstrap (the `systemd` marker).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "TOE_SYSTEMD_ROOT"
DEFAULT_ROOT = Path("/var/tmp/toe-systemd-root")
BUILT_STAMP = ".toe-root-built"
CHECKOUT = Path(__file__).resolve().parent.parent
SOURCE_INSIDE = "/opt/toe-src"
BOOT_TIMEOUT_S = 60.0
# What the root needs besides minbase: systemd to boot, dbus for systemctl, and CA certificates
BASE_PACKAGES = ("systemd", "systemd-sysv", "dbus", "python3", "ca-certificates", "sudo")


def missing_tools() -> str | None:
    """Why this machine cannot boot a container here, or None when it can try."""
    if os.geteuid() != 0:
        return "needs root (debootstrap, systemd-nspawn, nsenter)"
    for tool in ("systemd-nspawn", "debootstrap", "nsenter"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install systemd-container debootstrap)"
    return None


def setup_packages() -> list[str]:
    """The apt packages scripts/setup installs: the container gets what a Pi gets."""
    text = (CHECKOUT / "scripts" / "setup").read_text()
    found = re.search(r"^apt_packages=\(([^)]*)\)", text, re.MULTILINE)
    if found is None:
        raise RuntimeError("scripts/setup has no apt_packages=(...) list")
    return found.group(1).split()


def build_root(root: Path) -> Path:
    """A Bookworm root with systemd, built once (a few minutes) and reused afterwards."""
    if (root / BUILT_STAMP).exists():
        return root
    if root.exists():
        shutil.rmtree(root)  # a build that did not finish
    packages = ",".join([*BASE_PACKAGES, *setup_packages()])
    subprocess.run(
        ["debootstrap", "--variant=minbase", f"--include={packages}", "bookworm", str(root),
         "http://deb.debian.org/debian"],
        check=True, capture_output=True, timeout=1800,
    )  # fmt: skip
    (root / BUILT_STAMP).write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))
    return root


@dataclass
class Container:
    """A booted container: ``run`` a command inside, as root, with a clean environment."""

    nspawn: subprocess.Popen[bytes]
    leader_pid: int

    def run(
        self,
        command: Sequence[str],
        timeout_s: float = 120.0,
        check: bool = True,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``command`` inside the container and wait for it (``stdin``: its input)."""
        done = subprocess.run(
            self.command(command),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{' '.join(command)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
            )
        return done

    def command(self, command: Sequence[str]) -> list[str]:
        """The host command line that runs ``command`` inside the container."""
        return ["nsenter", "-t", str(self.leader_pid), "-a", "env", "-i",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=C.UTF-8", "HOME=/root", "PIP_CERT=/etc/ssl/certs/ca-certificates.crt",
                "PIP_DISABLE_PIP_VERSION_CHECK=1", *command]  # fmt: skip

    def show(self, unit: str, *names: str) -> dict[str, str]:
        """Properties of a unit, as `systemctl show` gives them."""
        args = [f"--property={name}" for name in names]
        out = self.run(["systemctl", "show", *args, unit]).stdout
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


@contextmanager
def booted(root: Path, binds: Sequence[tuple[Path, str]] = ()) -> Iterator[Container]:
    """Boot ``root`` with a throw-away overlay; the host folders ``binds`` are mounted inside."""
    shutil.copy("/etc/ssl/certs/ca-certificates.crt", root / "etc/ssl/certs/")  # host's trust
    inside = root / SOURCE_INSIDE.lstrip("/")
    if inside.exists():
        shutil.rmtree(inside)
    _copy_checkout(inside)
    # No machined or system bus on the host to register with: --register=no --keep-unit
    args = ["systemd-nspawn", "--quiet", "-D", str(root), "--volatile=overlay", "--boot",
            "--console=pipe", "--register=no", "--keep-unit", "--machine=toe-systemd"]  # fmt: skip
    args += [f"--bind={host}:{guest}" for host, guest in binds]
    nspawn = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        container = Container(nspawn, _leader(nspawn))
        _wait_running(container)
        yield container
    finally:
        nspawn.send_signal(signal.SIGTERM)  # nspawn halts the container's systemd
        try:
            nspawn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            nspawn.kill()
            nspawn.wait(timeout=10)


def _copy_checkout(target: Path) -> None:
    """The checkout's tracked files as they are now (what deploy/install installs)."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=CHECKOUT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = CHECKOUT / os.fsdecode(name)
        if source.is_file():
            destination = target / os.fsdecode(name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def _leader(nspawn: subprocess.Popen[bytes]) -> int:
    """The container's PID 1 as the host sees it: nspawn's child."""
    deadline = time.monotonic() + BOOT_TIMEOUT_S
    while time.monotonic() < deadline:
        if nspawn.poll() is not None:
            raise RuntimeError(f"systemd-nspawn exited {nspawn.returncode} while booting")
        children = Path(f"/proc/{nspawn.pid}/task/{nspawn.pid}/children")
        pids = children.read_text().split() if children.exists() else []
        if pids:
            return int(pids[0])
        time.sleep(0.1)
    raise RuntimeError("systemd-nspawn started no container")


def _wait_running(container: Container) -> None:
    deadline = time.monotonic() + BOOT_TIMEOUT_S
    state = ""
    while time.monotonic() < deadline:
        done = container.run(["systemctl", "is-system-running"], check=False)
        state = done.stdout.strip()
        if state in ("running", "degraded"):
            return
        time.sleep(0.5)
    raise RuntimeError(f"the container's systemd did not finish booting (state {state!r})")
