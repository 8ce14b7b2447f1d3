"""The SPKI fingerprint matches what openssl computes for the same certificate."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from inspector.launch.certs import spki_fingerprint


def make_ca(path: Path) -> ec.EllipticCurvePrivateKey:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key


def test_fingerprint_is_sha256_of_the_public_key_info(tmp_path: Path) -> None:
    key = make_ca(tmp_path / "ca.pem")
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    assert spki_fingerprint(tmp_path / "ca.pem") == base64.b64encode(hashlib.sha256(der).digest()).decode()


def test_fingerprint_agrees_with_openssl(tmp_path: Path) -> None:
    make_ca(tmp_path / "ca.pem")
    pub = subprocess.run(["openssl", "x509", "-in", str(tmp_path / "ca.pem"), "-pubkey", "-noout"],
                         check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub, check=True,
                         capture_output=True).stdout
    assert spki_fingerprint(tmp_path / "ca.pem") == base64.b64encode(hashlib.sha256(der).digest()).decode()


def test_unreadable_or_garbage_files_raise_rather_than_give_a_fingerprint(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        spki_fingerprint(tmp_path / "missing.pem")
    (tmp_path / "bad.pem").write_text("not a certificate")
    with pytest.raises(ValueError):
        spki_fingerprint(tmp_path / "bad.pem")
