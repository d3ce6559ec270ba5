"""A private OpenLDAP server (Debian's slapd) for the LDAP sync tests: its own config
directory, a free port on 127.0.0.1, seeded with tests/data/directory_seed.ldif."""

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
SCHEMAS = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
SEED = Path(__file__).parent / "data" / "directory_seed.ldif"
SUFFIX = "dc=example,dc=com"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "test-only-secret"


def missing() -> str | None:
    if not Path(SLAPD).exists():
        return "needs OpenLDAP's slapd (apt-get install slapd ldap-utils)"
    if not (SCHEMAS / "inetorgperson.schema").exists():
        return "needs the OpenLDAP schemas in /etc/ldap/schema (package slapd)"
    return None


@dataclass
class LdapServer:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(workdir: Path) -> LdapServer:
    data = workdir / "db"
    data.mkdir()
    config = workdir / "slapd.conf"
    modules = (
        f"modulepath {MODULES}\nmoduleload back_mdb\n" if (MODULES / "back_mdb.so").exists() else ""
    )
    config.write_text(
        "".join(
            f"include {SCHEMAS / name}.schema\n"
            for name in ("core", "cosine", "inetorgperson", "nis")
        )
        + modules
        + f"pidfile {workdir / 'slapd.pid'}\n"
        + "database mdb\n"
        + f'suffix "{SUFFIX}"\n'
        + f'rootdn "{ADMIN_DN}"\n'
        + f"rootpw {ADMIN_PASSWORD}\n"
        + f"directory {data}\n"
        + "maxsize 104857600\n"
        + "index objectClass,uid,entryUUID eq\n"
    )
    subprocess.run([SLAPADD, "-f", str(config), "-l", str(SEED)], check=True, capture_output=True)
    port = _free_port()
    url = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [SLAPD, "-f", str(config), "-h", f"{url}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Wait until it accepts connections (a start-up poll, not a timed assertion).
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"slapd did not start: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return LdapServer(url=url, process=process)
        except OSError:
            time.sleep(0.05)
    process.terminate()
    raise RuntimeError("slapd did not answer on its port")
