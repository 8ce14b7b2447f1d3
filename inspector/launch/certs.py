"""The capture proxy's CA certificate, as browsers need to trust it without touching the system."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

CA_CERT_NAME = "mitmproxy-ca-cert.pem"


def spki_fingerprint(ca_pem_path: Path | str) -> str:
    """Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo: what Chromium's
    ``--ignore-certificate-errors-spki-list`` takes."""
    cert = x509.load_pem_x509_certificate(Path(ca_pem_path).read_bytes())
    spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")
