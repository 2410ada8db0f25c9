"""Forms of the signing configuration: upload a trust root, register a signing credential.

They only collect input; ``portal.services.signing`` checks it (certificate, validity, key
usage, passphrase, PIN) and the view puts the service's errors back on the form.
Passphrases and PINs are never typed here: the form asks for the *name* of the
environment variable that holds them on the server.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.models import SigningCredentialKind, Unit

ENV_HELP = _("The name of the environment variable on the server that holds it, never the secret itself.")


class TrustRootForm(forms.Form):
    """A CA certificate file (.cer, .crt, .der or .pem) and an optional display name."""

    certificate = forms.FileField(label=_("CA certificate (.cer, .crt, .der, .pem)"))
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Empty: the certificate's common name.")
    )


class SigningCredentialForm(forms.Form):
    """A credential of any kind; the fields that do not apply to the chosen kind are ignored."""

    kind = forms.ChoiceField(label=_("How the key is held"), choices=SigningCredentialKind.choices)
    label = forms.CharField(label=_("Label"), max_length=200)
    signer_role = forms.CharField(
        label=_("Signer role"), max_length=200, help_text=_("For example Giám đốc, Con dấu cơ quan.")
    )
    unit = forms.ModelChoiceField(
        label=_("Agency (for a seal)"),
        queryset=Unit.objects.filter(dissolved_on__isnull=True).order_by("path"),
        required=False,
    )
    username = forms.CharField(label=_("Person (user name, for a personal certificate)"), required=False)
    certificate = forms.FileField(
        label=_("Certificate (.cer, .crt, .der, .pem)"),
        required=False,
        help_text=_("For a token or a key held by its owner."),
    )
    pkcs12 = forms.FileField(label=_("PKCS#12 file (.p12, .pfx)"), required=False)
    passphrase_env = forms.CharField(
        label=_("Passphrase environment variable"), max_length=100, required=False, help_text=ENV_HELP
    )
    pkcs11_module = forms.CharField(
        label=_("PKCS#11 module"),
        max_length=500,
        required=False,
        help_text=_("For example /usr/lib/softhsm/libsofthsm2.so."),
    )
    pkcs11_token_label = forms.CharField(label=_("Token label"), max_length=100, required=False)
    pkcs11_key_label = forms.CharField(label=_("Key label"), max_length=100, required=False)
    pkcs11_key_id = forms.CharField(label=_("Key id (hex)"), max_length=100, required=False)
    pin_env = forms.CharField(label=_("PIN environment variable"), max_length=100, required=False, help_text=ENV_HELP)

    def clean_username(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return user

    def values(self) -> dict:
        """Keyword arguments of ``signing_credential_register``."""
        data = self.cleaned_data
        values = {
            name: data.get(name) or ""
            for name in (
                "kind",
                "label",
                "signer_role",
                "passphrase_env",
                "pkcs11_module",
                "pkcs11_token_label",
                "pkcs11_key_label",
                "pkcs11_key_id",
                "pin_env",
            )
        }
        values["unit"] = data.get("unit")
        values["user"] = data.get("username")
        for name in ("certificate", "pkcs12"):
            upload = data.get(name)
            values[name] = upload.read() if upload else None
        return values
