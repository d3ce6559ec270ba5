"""Make a VAPID key pair for Web Push and print the settings to put in the
environment (the private key is shown once: keep it in the vault)."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_keys() -> tuple[str, str]:
    """(public, private): the uncompressed P-256 point and the private number, base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return b64(public), b64(private)


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push (RSE_VAPID_PUBLIC_KEY / _PRIVATE_KEY)."

    def handle(self, *args, **options):
        public, private = make_keys()
        self.stdout.write(f"RSE_VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"RSE_VAPID_PRIVATE_KEY={private}")
