"""Signing primitives: certificates, signers (PKCS#12, PKCS#11), interrupted signing, verification.

- ``certificates``: read and inspect certificates and PKCS#12 files, with Vietnamese errors;
- ``secrets``: encryption at rest of stored PKCS#12 files, passphrases and PINs from the environment;
- ``backends``: one ``Signer`` interface (``sign_pdf``) over PKCS#12 files and PKCS#11 tokens;
- ``interrupted``: ``signature_prepare`` / ``signature_complete`` for a signer outside the server;
- ``reference_client``: signs a digest with a local key the way a token plugin would;
- ``trust``: the trust anchors (active trust roots only) and the certificate chain check;
- ``verify``: ``pdf_verify`` reports every signature of a PDF against the active trust roots;
- ``pdfsig``: poppler's independent verifier, for tests and diagnostics;
- ``selectors``: reads of trust roots and credentials.

Writes of trust roots and credentials are services in ``portal.services.signing``.
"""
