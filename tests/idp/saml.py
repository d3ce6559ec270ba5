"""A real SAML identity provider for the tests, built with pysaml2 (signing with the
xmlsec1 program): it reads RSE's authentication requests and answers them with signed
(or, for the tests of refusals, unsigned or tampered) assertions."""

import base64
import datetime
import shutil
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORD
from saml2.config import IdPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

ENTITY_ID = "http://127.0.0.1:8089/idp/metadata"
SSO_URL = "http://127.0.0.1:8089/idp/sso"
SLO_URL = "http://127.0.0.1:8089/idp/slo"
SLUG = "acme-saml"
MFA_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"


def _key_and_certificate(directory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Acme test IdP")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_file.write_bytes(cert_pem)
    return key_file, cert_file, cert_pem.decode()


def app_settings(certificate: str, **advanced) -> dict:
    """The allauth `saml` app for RSE (as identity.conf builds it from the environment)."""
    return {
        "provider_id": SLUG,
        "client_id": SLUG,
        "name": "Acme SAML",
        "settings": {
            "idp": {
                "entity_id": ENTITY_ID,
                "sso_url": SSO_URL,
                "slo_url": SLO_URL,
                "x509cert": certificate,
            },
            "attribute_mapping": {
                # pysaml2 sends uid and email under their standard names (OIDs).
                "uid": "urn:oid:0.9.2342.19200300.100.1.1",
                "email": "urn:oid:1.2.840.113549.1.9.1.1",
                "email_verified": "email_verified",
                "first_name": "given_name",
                "last_name": "family_name",
            },
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                "reject_idp_initiated_sso": True,
                # The test client's host, "testserver", has no dot.
                "allow_single_label_domains": True,
                **advanced,
            },
            "domains": ["example.com"],
            "attributes": {"email": "urn:oid:1.2.840.113549.1.9.1.1"},
        },
    }


class SAMLIdP:
    def __init__(self, directory, sp_metadata: str):
        key_file, cert_file, self.certificate = _key_and_certificate(directory)
        config = IdPConfig()
        config.load(
            {
                "entityid": ENTITY_ID,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(SLO_URL, BINDING_HTTP_REDIRECT)],
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "policy": {"default": {"lifetime": {"minutes": 15}}},
                    }
                },
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "metadata": {"inline": [sp_metadata]},
                "xmlsec_binary": shutil.which("xmlsec1"),
            }
        )
        self.server = Server(config=config)

    def answer(
        self,
        redirect_url: str,
        uid: str,
        attributes: dict,
        *,
        sign_assertion: bool = True,
        sign_response: bool = False,
        authn_class: str = PASSWORD,
    ) -> tuple[str, dict]:
        """The person signs in at the IdP: RSE's ACS URL and the form the browser posts."""
        query = parse_qs(urlsplit(redirect_url).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        message = request.message
        response = self.server.create_authn_response(
            identity={"uid": [uid], **{k: [str(v)] for k, v in attributes.items()}},
            in_response_to=message.id,
            destination=message.assertion_consumer_service_url,
            sp_entity_id=message.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=uid),
            authn={"class_ref": authn_class, "authn_auth": ENTITY_ID},
            sign_assertion=sign_assertion,
            sign_response=sign_response,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        form = {"SAMLResponse": base64.b64encode(str(response).encode()).decode()}
        if "RelayState" in query:
            form["RelayState"] = query["RelayState"][0]
        return message.assertion_consumer_service_url, form

    def logout_request(self, sls_url: str, sp_entity_id: str, uid: str, *, sign: bool) -> str:
        """The IdP signs the person out: the URL (HTTP-Redirect binding) it sends the
        browser to at RSE, with a signed query string or none."""
        _id, request = self.server.create_logout_request(
            destination=sls_url,
            issuer_entity_id=sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=uid),
        )
        info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(request),
            sls_url,
            relay_state="",
            sign=sign,
            sigalg=SIG_RSA_SHA256 if sign else None,
        )
        return dict(info["headers"])["Location"]


def tamper(form: dict, old: str, new: str) -> dict:
    xml = base64.b64decode(form["SAMLResponse"]).decode()
    assert old in xml
    return {**form, "SAMLResponse": base64.b64encode(xml.replace(old, new).encode()).decode()}
