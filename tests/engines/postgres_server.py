"""A throwaway PostgreSQL server for the engine tests: its own data directory in a temporary
folder, a free localhost port, stopped and deleted at the end.

PostgreSQL refuses to run as root, so under root the server runs as the `postgres` system
user (which Debian's package creates) and owns only its temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SEARCH = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin", "/usr/local/bin")


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int
    superuser: str = "specc_admin"

    def url(self, user: str | None = None, password: str | None = None) -> str:
        login = user or self.superuser
        secret = f":{password}" if password else ""
        return f"postgresql://{login}{secret}@127.0.0.1:{self.port}/postgres"


def binary(name: str) -> str | None:
    for folder in SEARCH:
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start() -> Server:
    folder = Path(tempfile.mkdtemp(prefix="specc-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    server = Server(folder, _free_port())
    subprocess.run(_as_server_user([binary("initdb"), "-D", str(data), "-U", server.superuser, "--auth=trust",
                                    "--encoding=UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c TimeZone=UTC"
    subprocess.run(_as_server_user([binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                                    "-w", "start"]), check=True, capture_output=True)
    return server


def stop(server: Server) -> None:
    subprocess.run(_as_server_user([binary("pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "stop"]),
                   capture_output=True)
    shutil.rmtree(server.folder, ignore_errors=True)
