"""A throwaway certificate authority for the HTTPS benchmarks, made with
openssl at bench time under the run directory and trusted by nothing on the
machine: the crawler is told of it with --ca-file. EC P-256 keys (made in
milliseconds), valid two days. A server certificate names IP addresses
(subjectAltName IP:...), since the benchmarks' hosts are loopback addresses.
"""

import subprocess
from pathlib import Path

OPENSSL = "openssl"
SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]


class TestCa:
    """The CA's key and certificate in `directory`; issue() signs server certificates."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.cert = directory / "ca.pem"
        self.key = directory / "ca.key"
        self._run(["req", "-x509", *KEY, "-keyout", str(self.key), "-out", str(self.cert),
                   "-subj", "/CN=crawler bench CA"])

    def issue(self, name: str, addresses: list[str]) -> tuple[Path, Path]:
        """(certificate, key) for a server answering on `addresses`."""
        cert, key = self.directory / f"{name}.pem", self.directory / f"{name}.key"
        san = ",".join(f"IP:{a}" for a in addresses)
        self._run(["req", "-x509", "-CA", str(self.cert), "-CAkey", str(self.key), *KEY,
                   "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={addresses[0]}",
                   "-addext", f"subjectAltName={san}",
                   "-addext", "basicConstraints=critical,CA:FALSE"])
        return cert, key

    def trust_file(self, with_system: bool) -> Path:
        """The file for --ca-file: the CA alone, or the system's bundle (about 140
        public CAs, what a crawl of the web trusts) with the CA added, so that
        loading the trust store costs what it costs on the web."""
        if not with_system:
            return self.cert
        bundle = self.directory / "system-and-ca.pem"
        bundle.write_bytes(SYSTEM_BUNDLE.read_bytes() + self.cert.read_bytes())
        return bundle

    def _run(self, args: list[str]) -> None:
        done = subprocess.run([OPENSSL, *args], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"openssl {' '.join(args[:2])} failed: {done.stderr.strip()}")
