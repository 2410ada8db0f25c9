"""The monthly approval at size: an act over N dossiers (default 2,000), and résumé render + sign.

Creates a database of its own (`bench_approval`), seeds the demo province with people, adds an
approval rule that gives the whole province to one approver (rules are content) and a pending
change (item 31, health) to N dossiers, then times and prints:

- listing the N dossiers in an act (authority checks, hashes, the manifest PDF);
- signing the manifest with a PKCS#12 key (PAdES B-B) and verifying it;
- publishing the N listed versions in a Celery worker through the configured broker (Redis when
  REDIS_URL is set, else the filesystem transport), with the progress the act page shows;
- the signed résumé export of M dossiers (``reports.services.exports.resume_export_signed``:
  render, sign by the authorized person then the agency seal, verify both, record), p50/p95.

The test PKI is generated (tests/portal/signing/pki.py); no key is stored. The database is
dropped at the end unless --keep.

    python bench/bench_approval.py
    python bench/bench_approval.py --dossiers 500 --resumes 10
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.common import counted  # noqa: E402
from portal.choices import Role  # noqa: E402
from portal.demo import SeedContext, demo_seed  # noqa: E402
from portal.models import Grant  # noqa: E402
from portal.models.approvals import ApprovingUnitMode  # noqa: E402
from portal.services.approvals import approval_rule_save  # noqa: E402
from portal.services.signing import signing_credential_register, trust_root_upload  # noqa: E402
from portal.signing.backends import Pkcs12Signer  # noqa: E402
from portal.signing.verify import pdf_verify  # noqa: E402
from records.choices import ApprovalActStatus  # noqa: E402
from records.demo import seed_people  # noqa: E402
from records.models import ApprovalAct, Dossier  # noqa: E402
from records.services.approvals import approval_act_create, approval_act_sign  # noqa: E402
from records.services.dossiers import dossier_change  # noqa: E402
from reports.services.exports import resume_export_signed  # noqa: E402
from tests.portal.signing.pki import build_pki  # noqa: E402

DATABASE = "bench_approval"


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def prepare(count: int):
    """An approver over the whole province and ``count`` dossiers with a pending change."""
    User = get_user_model()
    admin = User.objects.create_superuser(username="bench.quantri", password="x", email="")
    root = Dossier.objects.select_related("unit").first().unit.get_root()
    approval_rule_save(
        actor=admin,
        values={
            "name": "Bench: toàn tỉnh",
            "priority": 1,
            "approver_mode": ApprovingUnitMode.FIXED,
            "approver_unit": root,
            "approver_title": "Chủ tịch Ủy ban nhân dân tỉnh",
        },
    )
    approver = User.objects.create_user(username="bench.pheduyet", password="x", first_name="Nguyễn Văn An")
    Grant.objects.create(user=approver, role=Role.APPROVER, unit=root, starts_on=datetime.date(2025, 1, 1))
    dossiers = list(Dossier.objects.order_by("pk")[:count])
    started = time.perf_counter()
    for dossier in dossiers:
        dossier_change(
            dossier=dossier,
            sections={"health": {"health_status": "Tốt", "height_cm": 165, "weight_kg": 60, "blood_group": "O"}},
            actor=admin,
            expected_version=dossier.latest_version,
            reason="Khám sức khỏe định kỳ",
        )
    print(f"{count} pending changes made (clerk changes) in {time.perf_counter() - started:.1f} s")
    return admin, approver, [d.pk for d in dossiers]


def approve(admin, approver, ids: list[int], pki) -> None:
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    trust_root_upload(actor=admin, certificate=pki.root.der, name="CA gốc (bench)")
    today = datetime.date.today()
    window_day = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    act, seconds, queries = counted(lambda: approval_act_create(approver=approver, dossier_ids=ids, on=window_day))
    print(
        f"act listing {act.total} dossiers (authority, hashes, manifest of {len(bytes(act.manifest)) // 1024} KB): "
        f"{seconds:.1f} s, {queries} queries"
    )
    signer = Pkcs12Signer(pki.person.pkcs12("bench"), "bench")
    broker = app.conf.broker_url.split("://")[0]
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        started = time.perf_counter()
        with transaction.atomic():
            act = approval_act_sign(act_id=act.pk, actor=approver, signer=signer)
        signed = time.perf_counter() - started
        print(f"manifest signed (PKCS#12, {act.signature_level}) and verified: {signed:.2f} s; publishing ({broker})")
        next_report = 10.0
        while True:
            act = ApprovalAct.objects.defer("manifest", "signed_pdf").get(pk=act.pk)
            elapsed = time.perf_counter() - started
            if act.status == ApprovalActStatus.PUBLISHED or elapsed > 600:
                break
            if elapsed >= next_report:
                print(f"  progress at {elapsed:.0f} s: {act.done}/{act.total}")
                next_report += 10
            time.sleep(0.5)
    print(
        f"act finished: {act.get_status_display()}, {act.published_count}/{act.total} published, "
        f"{time.perf_counter() - started:.1f} s from the signature (target: 2 minutes for 2,000)"
    )
    print(f"signed manifest verifies: {pdf_verify(bytes(act.signed_pdf)).ok}")


def resumes(count: int, pki, admin, approver) -> None:
    """The signed-export service as the admin calls it: render, sign twice, verify both, record."""
    os.environ["BENCH_SIGNING_PASSPHRASE"] = "bench"
    root = approver.grants.first().unit
    person = signing_credential_register(
        actor=admin, kind="pkcs12", label="Bench: người có thẩm quyền", signer_role="Giám đốc", user=approver,
        pkcs12=pki.person.pkcs12("bench"), passphrase_env="BENCH_SIGNING_PASSPHRASE",
    )  # fmt: skip
    seal = signing_credential_register(
        actor=admin, kind="pkcs12", label="Bench: con dấu", signer_role="Con dấu cơ quan", unit=root,
        pkcs12=pki.seal.pkcs12("bench"), passphrase_env="BENCH_SIGNING_PASSPHRASE",
    )  # fmt: skip
    times = []
    dossiers = list(Dossier.objects.order_by("-pk")[: count + 1])
    for index, dossier in enumerate(dossiers):
        started = time.perf_counter()
        pdf, _export = resume_export_signed(user=admin, dossier=dossier, person_signer=person, seal_signer=seal)
        if index:  # the first one loads the fonts
            times.append(time.perf_counter() - started)
    last = pdf_verify(pdf)
    print(
        f"signed résumé export (render, two signatures, verify, record), {len(times)} dossiers: "
        f"p50 {_p(times, 0.5):.2f} s, "
        f"p95 {_p(times, 0.95):.2f} s per dossier (target 0.5 s); last one verifies: {last.ok}, "
        f"{len(last.signatures)} signatures"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--resumes", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE}")
    options = parser.parse_args()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": DATABASE}
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"database {DATABASE} created and migrated: {time.perf_counter() - started:.1f} s")
    try:
        context = SeedContext(province_code=82, seed=2026, communes=10, log=lambda *_: None)
        demo_seed(context)
        context.people = options.dossiers + 200
        with transaction.atomic():
            seed_people(context)
        print(f"demo province with {Dossier.objects.count()} dossiers")
        pki = build_pki()
        admin, approver, ids = prepare(options.dossiers)
        approve(admin, approver, ids, pki)
        resumes(options.resumes, pki, admin, approver)
    finally:
        if options.keep:
            print(f"(database {DATABASE} kept)")
        else:
            connection.close()
            connection.creation.destroy_test_db(original, verbosity=0)
            print(f"(database {DATABASE} dropped)")


if __name__ == "__main__":
    main()
