"""Which certificates we trust: the machine's store, SSL_CERT_FILE/SSL_CERT_DIR, `--cacert`.

Trust what the machine trusts, as curl, requests and lychee do there: a corporate CA, a
TLS-inspecting proxy's CA or a self-hosted runner's CA is in the system store or named by
SSL_CERT_FILE/SSL_CERT_DIR (cli.py reads those and passes them down), and `--cacert` adds
one more bundle. Every HTTP client of the run (checker, arXiv, GitHub) uses this one
context.

* Linux and the BSDs: the system bundle and hashed directory OpenSSL was built with, or
  the first well-known distribution bundle when those are missing (Python builds from
  pyenv or conda often point OpenSSL at a directory that does not exist), loaded once.
* macOS and Windows: the native store through `truststore` (there is no file to load).
  It is not used on Linux: there it re-loads the CA bundle for every connection (~50 ms of
  CPU per TLS handshake measured here, seconds per run), for the same answer.
* A machine without any store at all falls back to certifi's bundle rather than trusting
  nothing.
"""

from __future__ import annotations

import os
import ssl
import sys
from functools import lru_cache
from pathlib import Path

import certifi

# Distribution CA bundles, most common first (Debian/Ubuntu, RHEL/Fedora, Alpine/Arch, SUSE).
SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
    "/etc/ssl/ca-bundle.pem",
)


def _hashed_dir(path: str) -> bool:
    """A directory of `<hash>.<n>` certificate links, as OpenSSL's capath wants."""
    try:
        return any(len(n) == 10 and n[8] == "." for n in os.listdir(path))
    except OSError:
        return False


def _native_context() -> ssl.SSLContext:
    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _system_context() -> ssl.SSLContext:
    if sys.platform in ("darwin", "win32"):
        return _native_context()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, hostnames checked
    built_in = ssl.get_default_verify_paths()
    loaded = False
    for bundle in (built_in.openssl_cafile, *SYSTEM_BUNDLES):
        if bundle and os.path.isfile(bundle):
            context.load_verify_locations(cafile=bundle)
            loaded = True
            break
    if built_in.openssl_capath and _hashed_dir(built_in.openssl_capath):
        context.load_verify_locations(capath=built_in.openssl_capath)
        loaded = True
    if not loaded:
        context.load_verify_locations(cafile=certifi.where())
    return context


@lru_cache(maxsize=8)
def trust_context(
    cacert: Path | None = None, ca_file: Path | None = None, ca_dir: Path | None = None
) -> ssl.SSLContext:
    """The system store plus SSL_CERT_FILE (`ca_file`), SSL_CERT_DIR (`ca_dir`) and
    `--cacert`. Built once per combination: loading a bundle costs milliseconds."""
    context = _system_context()
    for bundle in (ca_file, cacert):
        if bundle is not None:
            context.load_verify_locations(cafile=str(bundle))
    if ca_dir is not None:
        context.load_verify_locations(capath=str(ca_dir))
    return context
