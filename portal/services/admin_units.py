"""Administrative units of a province after the 2025 reform, from the ``vietnam-provinces`` package.

Creates the provincial People's Committee (UBND tỉnh) and one People's Committee
per commune, ward or special zone, through ``unit_create`` so that every unit has
its "created" event. Idempotent: units already present (matched by the
administrative area code under the province) are left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import CatalogueEntry, Unit
from portal.selectors import catalogue_entry_get
from portal.services.units.common import Decision
from portal.services.units.editing import unit_create

REFORM_DAY = datetime.date(2025, 7, 1)  # two-tier local government in force (NQ 202/2025/QH15)
WARD_TYPES = {"xã": "UBND_XA", "phường": "UBND_PHUONG", "đặc khu": "UBND_DAC_KHU"}


@dataclass
class AdminUnitsReport:
    province: Unit | None = None
    created: int = 0
    existing: int = 0
    created_units: list[Unit] = field(default_factory=list)


def _unit_type(code: str) -> CatalogueEntry:
    entry = catalogue_entry_get(kind="loai_don_vi", code=code)
    if entry is None:
        raise ValidationError(
            _("Unit type %(code)s is missing from the catalogue; run load_catalogues first.") % {"code": code}
        )
    return entry


def province_committee_name(province_name: str, division: str) -> str:
    prefix = "" if province_name.lower().startswith("thành phố") else "tỉnh "
    return f"Ủy ban nhân dân {prefix}{province_name}"


def admin_units_load(*, province_code: int, limit: int | None = None, actor=None) -> AdminUnitsReport:
    """Create (or complete) the UBND tỉnh and its communes for ``province_code`` (GSO code)."""
    from vietnam_provinces import Province, Ward

    try:
        province = Province.from_code(province_code)
    except Exception as exc:
        raise ValidationError(
            {"province": _("Province code %(code)s is not one of the 34 provinces.") % {"code": province_code}}
        ) from exc
    identifier = catalogue_entry_get(kind="ma_dinh_danh_tinh", code=str(province_code))
    root_code = identifier.attributes.get("identifier", "") if identifier and identifier.active else ""
    report = AdminUnitsReport()
    decision = Decision(effective_on=REFORM_DAY, number="NQ 202/2025/QH15")
    wards = sorted(
        (ward for ward in Ward.iter_all() if int(ward.province_code.value) == province_code),
        key=lambda ward: int(ward.code.value),
    )
    if limit is not None:
        wards = wards[:limit]
    with transaction.atomic():
        root = Unit.objects.filter(
            admin_area_code=str(province_code), unit_type__code="UBND_TINH", dissolved_on__isnull=True, depth=1
        ).first()
        if root is None:
            name = province_committee_name(province.name, province.division_type.value)
            root = unit_create(
                name=name,
                short_name=f"UBND {province.name}",
                unit_type=_unit_type("UBND_TINH"),
                code=root_code,
                admin_area_code=str(province_code),
                established_on=REFORM_DAY,
                decision=decision,
                actor=actor,
            )
            report.created += 1
        else:
            report.existing += 1
        report.province = root
        present = set(
            Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1, dissolved_on__isnull=True)
            .exclude(admin_area_code="")
            .values_list("admin_area_code", flat=True)
        )
        types = {key: _unit_type(code) for key, code in WARD_TYPES.items()}
        for ward in wards:
            area_code = str(int(ward.code.value)).zfill(5)
            if area_code in present:
                report.existing += 1
                continue
            division = ward.division_type.value
            local_name = ward.name
            # "Phường Mỹ Tho" → "Ủy ban nhân dân phường Mỹ Tho"
            for label in WARD_TYPES:
                if local_name.lower().startswith(label):
                    local_name = label + local_name[len(label) :]
                    break
            unit = unit_create(
                name=f"Ủy ban nhân dân {local_name}",
                short_name=f"UBND {local_name}",
                unit_type=types.get(division, types["xã"]),
                parent=root,
                admin_area_code=area_code,
                established_on=REFORM_DAY,
                decision=decision,
                actor=actor,
            )
            report.created += 1
            report.created_units.append(unit)
    return report
