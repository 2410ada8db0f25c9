"""Forms of the reports screens: the signed résumé export and the PDF verification upload.

They parse input only: which credentials are offered comes from ``reports.selectors`` (the
service checks the same rule again); what a PDF proves comes from ``verification_for``.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.selectors import person_credentials_for, seal_credentials_for

MAX_VERIFY_BYTES = 20 * 1024 * 1024


class CredentialChoiceField(forms.ModelChoiceField):
    """A credential shown as "label – role (certificate holder, valid until dd/mm/yyyy)"."""

    def label_from_instance(self, obj) -> str:
        return gettext("%(label)s – %(role)s (%(holder)s, valid until %(until)s)") % {
            "label": obj.label,
            "role": obj.signer_role,
            "holder": obj.common_name or obj.subject,
            "until": timezone.localtime(obj.not_after).strftime("%d/%m/%Y"),
        }


class SignedExportForm(forms.Form):
    """Choose the authorized person's credential and the agency seal for a signed résumé."""

    person_signer = CredentialChoiceField(
        queryset=None,
        label=_("Authorized person's signature"),
        empty_label=None,
        help_text=_("Your own credential, or that of the head of the unit (held by the server)."),
    )
    seal_signer = CredentialChoiceField(
        queryset=None,
        label=_("Agency seal"),
        empty_label=None,
        help_text=_("The seal of the dossier's unit or of an agency above it."),
    )

    def __init__(self, *args, user, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_signer"].queryset = person_credentials_for(user=user, dossier=dossier)
        self.fields["seal_signer"].queryset = seal_credentials_for(dossier=dossier)


class PdfUploadForm(forms.Form):
    """One PDF file (at most 20 MB); ``cleaned_data["pdf"]`` holds its bytes."""

    file = forms.FileField(label=_("PDF file"), help_text=_("Any PDF, at most 20 MB. The file is not kept."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(size)s MB; upload a PDF of at most %(size)s MB.")
                % {"size": MAX_VERIFY_BYTES // (1024 * 1024)}
            )
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(gettext("This file is not a PDF document: choose a .pdf file."))
        self.cleaned_data["pdf"] = data
        return upload
