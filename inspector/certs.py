"""The capture CA's fingerprint in the form Chromium's ``--ignore-certificate-errors-spki-list`` takes.

Chromium then trusts certificates issued by mitmproxy's CA for that browser profile only, so HTTPS
works through the proxy without installing anything in the system or the browser's trust store.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


class CertificateError(ValueError):
    """The CA file is missing or is not a PEM certificate (one clear line)."""


def spki_fingerprint(ca_pem_path: Path | str) -> str:
    """Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo (DER)."""
    path = Path(ca_pem_path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read the CA certificate {path}: {exc.strerror or exc}") from None
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError:
        raise CertificateError(f"{path} holds no PEM certificate") from None
    spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")
