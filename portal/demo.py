"""The demo province: a realistic, deterministic unit tree built through the services.

``seed_demo`` runs the registered steps in order. Each later issue registers its
own step (people and dossiers, accounts per role, ...) with ``register_seed_step``
from its app's ``AppConfig.ready``; a step receives the ``SeedContext`` and may
read what earlier steps built (``context.units``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.choices import Role
from portal.models import CatalogueKind, Grant, Unit
from portal.runtime import read_demo_logins
from portal.selectors import catalogue_entry_get
from portal.services.admin_units import REFORM_DAY, admin_units_load
from portal.services.catalogue_data import catalogues_load_standard
from portal.services.passwords import password_generate
from portal.services.units.common import Decision
from portal.services.units.editing import unit_create


@dataclass
class SeedContext:
    province_code: int
    seed: int = 2026
    people: int = 0
    communes: int | None = None
    rng: random.Random = field(init=False)  # for draws that do not belong to one item
    units: dict[str, list[Unit]] = field(default_factory=dict)
    logins: list[dict] = field(default_factory=list)
    log: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def rng_for(self, key: str) -> random.Random:
        """A generator of its own for one item, so reruns and partial runs draw the same values."""
        return random.Random(f"{self.seed}:{key}")


SeedStep = Callable[[SeedContext], None]
_steps: list[tuple[str, SeedStep]] = []


def register_seed_step(name: str, step: SeedStep) -> None:
    """Add a step to ``seed_demo`` (idempotent by name)."""
    if name not in [existing for existing, _ in _steps]:
        _steps.append((name, step))


# Departments of a province after the 2025 reorganisation (Sở, ban, ngành under UBND tỉnh).
DEPARTMENTS = [
    ("Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", "VP_UBND"),
    ("Sở Nội vụ", "SNV", "SO"),
    ("Sở Tài chính", "STC", "SO"),
    ("Sở Tư pháp", "STP", "SO"),
    ("Sở Công Thương", "SCT", "SO"),
    ("Sở Xây dựng", "SXD", "SO"),
    ("Sở Nông nghiệp và Môi trường", "SNNMT", "SO"),
    ("Sở Khoa học và Công nghệ", "SKHCN", "SO"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "SO"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", "SO"),
    ("Sở Y tế", "SYT", "SO"),
    ("Sở Dân tộc và Tôn giáo", "SDTTG", "SO"),
    ("Thanh tra tỉnh", "TTr", "SO"),
]
COMMON_DIVISIONS = ["Văn phòng", "Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ"]
SPECIAL_DIVISIONS = {
    "Sở Nội vụ": ["Phòng Tổ chức, biên chế", "Phòng Công chức, viên chức", "Phòng Xây dựng chính quyền"],
    "Sở Tài chính": ["Phòng Quản lý ngân sách", "Phòng Tài chính doanh nghiệp"],
    "Sở Giáo dục và Đào tạo": ["Phòng Giáo dục phổ thông", "Phòng Giáo dục mầm non"],
    "Sở Y tế": ["Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược"],
}
SUB_DEPARTMENTS = {
    "Sở Nội vụ": ["Chi cục Văn thư - Lưu trữ", "Ban Thi đua - Khen thưởng"],
    "Sở Nông nghiệp và Môi trường": ["Chi cục Thủy lợi", "Chi cục Kiểm lâm", "Chi cục Chăn nuôi và Thú y"],
    "Sở Y tế": ["Chi cục Dân số"],
}
PUBLIC_SERVICE_UNITS = {
    "Sở Y tế": [
        ("Bệnh viện Đa khoa tỉnh", "BENH_VIEN"),
        ("Bệnh viện Y dược cổ truyền", "BENH_VIEN"),
        ("Trung tâm Kiểm soát bệnh tật", "DVSN"),
    ],
    "Sở Nội vụ": [("Trung tâm Lưu trữ lịch sử", "DVSN")],
    "Sở Nông nghiệp và Môi trường": [("Trung tâm Khuyến nông", "DVSN")],
    "Sở Văn hóa, Thể thao và Du lịch": [("Thư viện tỉnh", "DVSN"), ("Bảo tàng tỉnh", "DVSN")],
}
COMMUNE_DIVISIONS = ["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội"]


def _type(code: str):
    entry = catalogue_entry_get(kind="loai_don_vi", code=code)
    if entry is None:
        raise LookupError(code)
    return entry


def _quota(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low, high)


def step_catalogues(context: SeedContext) -> None:
    if not CatalogueKind.objects.filter(code="loai_don_vi").exists():
        report = catalogues_load_standard()
        context.log(f"Danh mục chuẩn: {report.created} mục.")


def step_admin_units(context: SeedContext) -> None:
    report = admin_units_load(province_code=context.province_code, limit=context.communes)
    context.units["province"] = [report.province]
    context.units["communes"] = list(
        Unit.objects.filter(
            path__startswith=report.province.path,
            depth=report.province.depth + 1,
            dissolved_on__isnull=True,
        ).exclude(admin_area_code="")
    )
    context.log(f"{report.province.name}: {len(context.units['communes'])} đơn vị hành chính cấp xã.")


def step_departments(context: SeedContext) -> None:
    """Sở/ban/ngành with divisions, sub-departments and public service units (idempotent by name)."""
    root = context.units["province"][0]
    decision = Decision(effective_on=REFORM_DAY, number="QĐ 01/2025/QĐ-UBND")
    existing = {unit.name: unit for unit in root.get_children()}
    province_suffix = root.code.split(".")[-1] if root.code else ""
    departments = []
    for index, (name, short, type_code) in enumerate(DEPARTMENTS, start=1):
        rng = context.rng_for(name)
        unit = existing.get(name)
        if unit is None:
            unit = unit_create(
                name=name,
                short_name=short,
                unit_type=_type(type_code),
                parent=root,
                code=f"000.00.{index:02d}.{province_suffix}" if province_suffix else "",
                established_on=REFORM_DAY,
                quotas={"quota_civil_servants": _quota(rng, 25, 80)},
                decision=decision,
            )
        departments.append(unit)
        children = {child.name for child in unit.get_children()}
        level3 = 0
        for division in COMMON_DIVISIONS + SPECIAL_DIVISIONS.get(name, []):
            if division not in children:
                unit_create(
                    name=division, unit_type=_type("PHONG"), parent=unit, established_on=REFORM_DAY, decision=decision
                )
        for sub in SUB_DEPARTMENTS.get(name, []):
            level3 += 1
            if sub not in children:
                sub_unit = unit_create(
                    name=sub,
                    unit_type=_type("CHI_CUC"),
                    parent=unit,
                    code=f"000.{level3:02d}.{index:02d}.{province_suffix}" if province_suffix else "",
                    established_on=REFORM_DAY,
                    quotas={"quota_civil_servants": _quota(rng, 8, 25)},
                    decision=decision,
                )
                for division in ("Phòng Hành chính - Tổng hợp", "Phòng Nghiệp vụ"):
                    unit_create(
                        name=division,
                        unit_type=_type("PHONG_CHI_CUC"),
                        parent=sub_unit,
                        established_on=REFORM_DAY,
                        decision=decision,
                    )
        for psu, type_code in PUBLIC_SERVICE_UNITS.get(name, []):
            level3 += 1
            if psu not in children:
                unit_create(
                    name=psu,
                    unit_type=_type(type_code),
                    parent=unit,
                    code=f"000.{level3:02d}.{index:02d}.{province_suffix}" if province_suffix else "",
                    established_on=REFORM_DAY,
                    quotas={"quota_public_employees": _quota(rng, 30, 400), "quota_contracts_111": _quota(rng, 2, 15)},
                    decision=decision,
                )
    context.units["departments"] = departments
    # Upper-secondary schools belong to the Department of Education: one per few communes.
    education_index, education = next(
        (index, unit) for index, unit in enumerate(departments, start=1) if unit.name == "Sở Giáo dục và Đào tạo"
    )
    schools = {child.name for child in education.get_children()}
    level3 = len(SUB_DEPARTMENTS.get(education.name, [])) + len(PUBLIC_SERVICE_UNITS.get(education.name, []))
    for commune in context.units["communes"][::4]:
        rng = context.rng_for(f"THPT:{commune.admin_area_code}")
        level3 += 1
        place = commune.name.split(" ", 4)[-1]
        school = f"Trường Trung học phổ thông {place}"
        if school not in schools:
            unit_create(
                name=school,
                unit_type=_type("TRUONG_THPT"),
                parent=education,
                code=f"000.{level3:02d}.{education_index:02d}.{province_suffix}"
                if province_suffix and level3 < 100
                else "",
                established_on=REFORM_DAY,
                quotas={"quota_public_employees": rng.randint(40, 90), "quota_contracts_111": rng.randint(2, 6)},
                decision=decision,
            )


def step_communes(context: SeedContext) -> None:
    """Each commune: its specialised divisions, a health station and its schools."""
    decision = Decision(effective_on=REFORM_DAY, number="NQ 202/2025/QH15")
    for commune in context.units["communes"]:
        rng = context.rng_for(commune.admin_area_code)
        children = {child.name for child in commune.get_children()}
        place = commune.name.split(" ", 4)[-1]
        wanted = [(name, "PHONG_XA", {}) for name in COMMUNE_DIVISIONS]
        wanted.append((f"Trạm Y tế {place}", "TRAM_Y_TE", {"quota_public_employees": rng.randint(5, 12)}))
        wanted.append((f"Trường Mầm non {place}", "TRUONG_MN", {"quota_public_employees": rng.randint(12, 30)}))
        for number in range(1, rng.randint(1, 2) + 1):
            wanted.append(
                (f"Trường Tiểu học {place} {number}", "TRUONG_TH", {"quota_public_employees": rng.randint(18, 40)})
            )
        wanted.append(
            (f"Trường Trung học cơ sở {place}", "TRUONG_THCS", {"quota_public_employees": rng.randint(20, 45)})
        )
        for name, type_code, quotas in wanted:
            if name not in children:
                unit_create(
                    name=name,
                    unit_type=_type(type_code),
                    parent=commune,
                    quotas=quotas,
                    established_on=REFORM_DAY,
                    decision=decision,
                )
        if commune.quota_civil_servants == 0:
            Unit.objects.filter(pk=commune.pk).update(quota_civil_servants=rng.randint(30, 45))


DEMO_ACCOUNTS = [
    # username, first name, last name, role, unit (None: whole province; "root"; or a unit name)
    ("quantri", "Quản trị", "Sở Nội vụ", Role.SYSTEM_ADMIN, None),
    ("qtdv.sgddt", "Hà", "Nguyễn Thị", Role.UNIT_ADMIN, "Sở Giáo dục và Đào tạo"),
    ("canbo.sgddt", "Minh", "Trần Văn", Role.HR_CLERK, "Sở Giáo dục và Đào tạo"),
    ("giamdoc.sgddt", "Hùng", "Lê Quốc", Role.APPROVER, "Sở Giáo dục và Đào tạo"),
    ("lanhdao.tinh", "Lan", "Phạm Thị", Role.LEADER, "root"),
    ("canhan.demo", "Thắng", "Nguyễn Văn", Role.INDIVIDUAL, "school"),
]


def _write_demo_logins(saved: dict) -> None:
    from portal.runtime import var_dir

    path = var_dir() / "demo_logins.json"
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=2))
    path.chmod(0o600)


def step_accounts(context: SeedContext) -> None:
    """One account per role in the demo province (passwords random, kept in var/demo_logins.json).

    Demo accounts are not forced to change their password so that the demo opens
    directly; real accounts created by admins are.
    """
    from portal.services.passwords import password_set

    saved = read_demo_logins()
    user_model = get_user_model()
    root = context.units["province"][0]
    education = next((unit for unit in context.units.get("departments", []) if "Giáo dục" in unit.name), root)
    school = (
        Unit.objects.filter(path__startswith=education.path, unit_type__code="TRUONG_THPT", dissolved_on__isnull=True)
        .order_by("path")
        .first()
        or education
    )
    today = timezone.localdate()
    for username, first, last, role, where in DEMO_ACCOUNTS:
        unit = {None: None, "root": root, "school": school}.get(where, education if where else None)
        user = user_model.objects.filter(username=username).first()
        entry = saved.get(username, {})
        if user is None:
            user = user_model(username=username, first_name=first, last_name=last, unit=unit or root, is_staff=True)
            user.is_superuser = role == Role.SYSTEM_ADMIN
            user.set_unusable_password()
            user.save()
        if not entry.get("password") or not user.has_usable_password():
            password = password_generate()
            password_set(user=user, raw_password=password, validate=False)
            entry = {"password": password}
        if not Grant.objects.filter(user=user, role=role, unit=unit, revoked_at__isnull=True).exists():
            Grant.objects.create(user=user, role=role, unit=unit, starts_on=today, note="Dữ liệu mẫu")
        entry["role"] = str(Role(role).label)
        saved[username] = entry
        context.logins.append({"role": entry["role"], "username": username, "password": entry["password"]})
    _write_demo_logins(saved)


def step_schedules(context: SeedContext) -> None:
    from portal.services.system import schedules_ensure_defaults

    schedules_ensure_defaults()


for _name, _step in [
    ("catalogues", step_catalogues),
    ("admin_units", step_admin_units),
    ("departments", step_departments),
    ("communes", step_communes),
    ("accounts", step_accounts),
    ("schedules", step_schedules),
]:
    register_seed_step(_name, _step)


def demo_seed(context: SeedContext) -> SeedContext:
    """Run every registered step in one transaction (rerunning completes, never duplicates)."""
    with transaction.atomic():
        for _name, step in _steps:
            step(context)
    return context
