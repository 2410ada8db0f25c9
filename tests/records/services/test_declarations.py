"""records/services/declarations.py and evidence.py: the person declares a section with evidence,
the clerk accepts or returns it per section, conflicts are reported, nothing is partly written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.choices import Role
from records.choices import DeclarationStatus, VersionStatus
from records.models import Declaration, Dossier, DossierVersion, Evidence
from records.services.common import DossierPermissionDenied
from records.services.declarations import (
    declaration_accept,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
)
from records.services.dossiers import dossier_change
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def person(province):
    return make_account("nguyen.van.thang", unit=province["chi_cuc"], role=Role.INDIVIDUAL)


@pytest.fixture
def clerk(province):
    return make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)


@pytest.fixture
def dossier(province, person):
    return make_dossier(province["chi_cuc"], account=person)


NEW_LANGUAGE = [{"period_from": "2019-03", "period_to": "2019-06", "institution": "ĐH Cần Thơ", "language": "ANH"}]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_person_declares_a_section_with_evidence(dossier, person):
    declaration = declaration_submit(
        dossier=dossier,
        section="training_language",
        proposed=NEW_LANGUAGE,
        actor=person,
        note="Bổ sung chứng chỉ tiếng Anh",
        files=[upload("chung-chi.pdf", PDF), upload("anh.png", PNG)],
    )
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert (declaration.base_version, declaration.proposed[0]["period_from"]) == (1, "2019-03")
    files = list(Evidence.objects.filter(declaration=declaration).order_by("original_name"))
    assert [(f.original_name, f.content_type, f.size) for f in files] == [
        ("anh.png", "image/png", len(PNG)),
        ("chung-chi.pdf", "application/pdf", len(PDF)),
    ]
    assert default_storage.open(files[1].file).read() == PDF
    assert len(files[1].sha256) == 64
    # Nothing in the dossier changes until a clerk accepts.
    assert Dossier.objects.get(pk=dossier.pk).latest_version == 1


def test_evidence_is_checked_by_content_and_nothing_is_written_on_error(dossier, person):
    with pytest.raises(ValidationError) as exc:
        declaration_submit(
            dossier=dossier,
            section="training_language",
            proposed=NEW_LANGUAGE,
            actor=person,
            files=[upload("that-ra-la-exe.pdf", b"MZ\x90\x00 not a pdf")],
        )
    assert "that-ra-la-exe.pdf" in exc.value.message_dict["evidence"][0]
    assert not Declaration.objects.exists() and not Evidence.objects.exists()


def test_the_person_cannot_declare_clerk_sections_or_someone_elses_dossier(dossier, person, province):
    with pytest.raises(DossierPermissionDenied) as exc:
        declaration_submit(dossier=dossier, section="salary", proposed={"salary_step": 9}, actor=person)
    assert str(exc.value).startswith("30. ")
    other = make_dossier(province["chi_cuc"], personal_id="087090000124")
    with pytest.raises(DossierPermissionDenied):
        declaration_submit(dossier=other, section="training_language", proposed=NEW_LANGUAGE, actor=person)


def test_bad_values_and_duplicates_are_refused(dossier, person):
    with pytest.raises(ValidationError) as exc:
        declaration_submit(
            dossier=dossier, section="training_language", proposed=[{"period_from": "2019-13"}], actor=person
        )
    assert "training_language[1].period_from" in exc.value.message_dict
    declaration_submit(dossier=dossier, section="training_language", proposed=NEW_LANGUAGE, actor=person)
    with pytest.raises(ValidationError) as exc:
        declaration_submit(dossier=dossier, section="training_language", proposed=NEW_LANGUAGE[:0], actor=person)
    assert "section" in exc.value.message_dict
    assert Declaration.objects.count() == 1


def test_accept_creates_the_next_pending_version(dossier, person, clerk):
    declaration = declaration_submit(
        dossier=dossier, section="training_language", proposed=NEW_LANGUAGE, actor=person, files=[upload("cc.pdf", PDF)]
    )
    accepted = declaration_accept(declaration=declaration, actor=clerk)
    assert accepted.status == DeclarationStatus.ACCEPTED and accepted.reviewed_by == clerk
    version = accepted.result_version
    assert (version.number, version.status, version.sections) == (2, VersionStatus.PENDING, ["training_language"])
    assert version.content["training_language"][0]["language"] == "ANH"
    assert version.content["identity"] == DossierVersion.objects.get(dossier=dossier, number=1).content["identity"]
    assert Evidence.objects.get(declaration=declaration).version == version
    assert Dossier.objects.get(pk=dossier.pk).live_version == 1  # waits for approval


def test_return_needs_a_reason_the_person_sees(dossier, person, clerk):
    declaration = declaration_submit(dossier=dossier, section="training_language", proposed=NEW_LANGUAGE, actor=person)
    with pytest.raises(ValidationError) as exc:
        declaration_return(declaration=declaration, actor=clerk, reason="  ")
    assert "reason" in exc.value.message_dict
    returned = declaration_return(declaration=declaration, actor=clerk, reason="Chứng chỉ chưa có dấu")
    assert (returned.status, returned.review_reason) == (DeclarationStatus.RETURNED, "Chứng chỉ chưa có dấu")
    with pytest.raises(ValidationError):
        declaration_accept(declaration=returned, actor=clerk)
    assert DossierVersion.objects.filter(dossier=dossier).count() == 1


def test_a_conflicting_change_is_reported_and_accepted_only_on_confirmation(dossier, person, clerk):
    declaration = declaration_submit(dossier=dossier, section="training_language", proposed=NEW_LANGUAGE, actor=person)
    clerk_rows = [{"period_from": "2018-01", "institution": "Trung tâm Ngoại ngữ", "language": "PHAP"}]
    dossier_change(dossier=dossier, sections={"training_language": clerk_rows}, actor=clerk, expected_version=1)
    with pytest.raises(ValidationError) as exc:
        declaration_accept(declaration=declaration, actor=clerk)
    assert "override_conflict" in exc.value.message_dict
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SUBMITTED
    accepted = declaration_accept(declaration=declaration, actor=clerk, override_conflict=True)
    assert accepted.result_version.number == 3


def test_a_change_to_another_section_is_not_a_conflict(dossier, person, clerk):
    declaration = declaration_submit(dossier=dossier, section="training_language", proposed=NEW_LANGUAGE, actor=person)
    phone = {**BASE_CONTENT["identity"], "phone": "0912000111"}
    dossier_change(dossier=dossier, sections={"identity": phone}, actor=clerk, expected_version=1)
    version = declaration_accept(declaration=declaration, actor=clerk).result_version
    assert version.content["identity"]["phone"] == "0912000111"  # the clerk's change is kept
    assert version.content["training_language"][0]["language"] == "ANH"


def test_authors_do_not_review_their_own_and_only_they_withdraw(dossier, person, clerk):
    by_clerk = declaration_submit(dossier=dossier, section="training_language", proposed=NEW_LANGUAGE, actor=clerk)
    with pytest.raises(DossierPermissionDenied):
        declaration_accept(declaration=by_clerk, actor=clerk)
    with pytest.raises(DossierPermissionDenied):
        declaration_withdraw(declaration=by_clerk, actor=person)
    assert declaration_withdraw(declaration=by_clerk, actor=clerk).status == DeclarationStatus.WITHDRAWN


def test_an_oversized_file_is_refused_before_reading_it(dossier, person):
    big = upload("lon.pdf", PDF)
    big.size = 10 * 1024 * 1024 + 1  # what the upload handler reports
    with pytest.raises(ValidationError) as exc:
        declaration_submit(
            dossier=dossier, section="training_language", proposed=NEW_LANGUAGE, actor=person, files=[big]
        )
    assert "lon.pdf" in exc.value.message_dict["evidence"][0] and "10 MB" in exc.value.message_dict["evidence"][0]
    assert not Declaration.objects.exists()


def test_a_declaration_that_makes_the_dates_impossible_is_refused(dossier, person):
    background = {"party_joined_on": "2005-01-01"}  # born 1990: 14 years old
    with pytest.raises(ValidationError) as exc:
        declaration_submit(dossier=dossier, section="background", proposed=background, actor=person)
    assert "background.party_joined_on" in exc.value.message_dict
    assert not Declaration.objects.exists()
