"""What an attacker (or a careless tool) does to signed PDFs, done with pyHanko directly.

These helpers bypass the project's refusals on purpose: they produce the bad documents the
verification must catch (a signature with an expired certificate, a content change in an
appended incremental update, a flipped byte).
"""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_signer import PdfSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.signing.backends import signature_metadata
from portal.signing.certificates import private_key_to_asn1, to_asn1
from tests.portal.signing.pki import Identity


def raw_sign(pdf: bytes, identity: Identity, *, field_name: str = "Sig", reason: str = "Phê duyệt") -> bytes:
    """Sign with pyHanko only (no certificate checks): any certificate, any key usage."""
    signer = signers.SimpleSigner(
        signing_cert=to_asn1(identity.certificate),
        signing_key=private_key_to_asn1(identity.key),
        cert_registry=SimpleCertificateStore.from_certs([to_asn1(cert) for cert in identity.chain]),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signature_metadata(field_name=field_name, reason=reason)
    return PdfSigner(metadata, signer=signer).sign_pdf(writer).getvalue()


def append_content_update(pdf: bytes, text: bytes = b"DA SUA NOI DUNG") -> bytes:
    """Append an incremental update that replaces the first page's content (a forged change)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 600 Td (" + text + b") Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def append_harmless_update(pdf: bytes) -> bytes:
    """Append an incremental update that only adds an empty signature field (no content change)."""
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    append_signature_field(writer, SigFieldSpec(sig_field_name="ChoKyThem"))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def flip_byte(pdf: bytes, marker: bytes = b"thang 11/2026") -> bytes:
    """Change one byte of the signed content (inside the first page's text)."""
    data = bytearray(pdf)
    position = data.find(marker)
    assert position >= 0, "marker not found in the PDF"
    data[position] = ord("X")
    return bytes(data)
