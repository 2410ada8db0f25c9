"""The approval act is published by a Celery worker through a real broker after the signature commits."""

from __future__ import annotations

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command

from portal.celery import app
from portal.choices import Role
from portal.models import CatalogueEntry, Grant
from portal.services.approvals import approval_rules_load_default
from portal.services.signing import trust_root_upload
from portal.signing.backends import Pkcs12Signer
from records.choices import ApprovalActStatus
from records.models import ApprovalAct, Dossier
from records.services.approvals import approval_act_create, approval_act_sign
from tests.conftest import make_unit
from tests.portal.signing.pki import build_pki
from tests.records.services.conftest import IN_WINDOW, raise_step, teacher


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_signed_act_is_published_by_a_worker(django_user_model):
    if not CatalogueEntry.objects.exists():  # flushed by an earlier transactional test
        call_command("load_catalogues", verbosity=0)
    assert not app.conf.task_always_eager
    root = make_unit("Ủy ban nhân dân tỉnh Đồng Tháp", type_code="UBND_TINH")
    school = make_unit("Trường THPT Tháp Mười", parent=root, type_code="TRUONG_THPT")
    approval_rules_load_default()
    principal = django_user_model.objects.create_user(username="hieutruong", password="Mk@2026-x", unit=school)
    clerk = django_user_model.objects.create_user(username="tccb", password="Mk@2026-x", unit=school)
    admin = django_user_model.objects.create_superuser(username="quantri", password="Mk@2026-x", email="")
    for user, role in ((principal, Role.APPROVER), (clerk, Role.HR_CLERK)):
        Grant.objects.create(user=user, role=role, unit=school, starts_on=datetime.date(2025, 1, 1))
    pki = build_pki()
    trust_root_upload(actor=admin, certificate=pki.root.der, name="CA gốc thử nghiệm")
    people = [teacher(school, f"08709000012{i}", name) for i, name in enumerate(["Mai Thị Hoa", "Lý Văn Đông"], 4)]
    for person in people:
        raise_step(person, clerk, 4)
    act = approval_act_create(approver=principal, dossier_ids=[p.pk for p in people], on=IN_WINDOW)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        act = approval_act_sign(act_id=act.pk, actor=principal, signer=Pkcs12Signer(pki.person.pkcs12("x"), "x"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            act.refresh_from_db()
            if act.status == ApprovalActStatus.PUBLISHED:
                break
            time.sleep(0.2)
    assert (act.status, act.done, act.published_count) == (ApprovalActStatus.PUBLISHED, 2, 2)
    assert set(Dossier.objects.values_list("live_version", flat=True)) == {2}
    assert ApprovalAct.objects.count() == 1
