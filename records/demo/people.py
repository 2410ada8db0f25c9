"""The demo person generator: ``People.person(i)`` depends only on the seed, ``i``, the units and the catalogues.

Each person is drawn from one generator (``rng_for(f"person:{i}")``) in a fixed order of steps; the first draw
is the unit, so the rank of a person in their unit (rank 0 heads it, the next ranks are deputies) can be worked
out for any ``i`` without drawing anyone else's details. All dates are relative to ``ref``, 1 January of the
current year, and every history is built forwards from the first recruitment, so the dates agree with each
other: studies end before recruitment, steps follow the pay table's interval, the work history ends in the
current unit, Party membership becomes official a year after joining, children are born to adult parents.
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

from django.utils import timezone

from portal.models import CatalogueEntry, Unit
from records.demo import data
from records.demo.career import CareerSteps
from records.demo.common import between, lower_first, months, span, ym
from records.demo.data import ROLES, STAFFING, table
from records.demo.draft import Draft, Place
from records.demo.family import FamilySteps
from records.demo.learning import LearningSteps
from records.identity import SEX_FEMALE, SEX_MALE
from records.services.dossiers import NewDossier

KINDS = (
    "ngach_cdnn nhom_luong trinh_do_chuyen_mon giao_duc_pho_thong dan_toc ton_giao chuc_vu_chinh_quyen chuc_vu_dang "
    "ly_luan_chinh_tri quan_ly_nha_nuoc tin_hoc ngoai_ngu trinh_do_ngoai_ngu xep_loai_danh_gia hinh_thuc_khen_thuong "
    "hinh_thuc_ky_luat quan_he_gia_dinh loai_phu_cap phu_cap_chuc_vu ma_noi_dang_ky_khai_sinh"
).split()
# i → (i × 7919 + offset) mod 10⁶ is one-to-one (7919 is a prime other than 2 and 5): unique id suffixes.
SUFFIX_STEP, SUFFIXES = 7919, 1_000_000
QUOTA_KINDS = frozenset({"TRUONG_MN", "TRUONG_TH", "TRUONG_THCS", "TRUONG_THPT", "TRAM_Y_TE", "BENH_VIEN", "DVSN"})


class People(LearningSteps, CareerSteps, FamilySteps):
    """Reads the catalogues and the province's units once; ``person(i)`` draws person ``i``."""

    def __init__(self, *, root: Unit, rng_for: Callable[[str], random.Random], today: datetime.date | None = None):
        from vietnam_provinces import Province, Ward

        self.root, self.rng_for = root, rng_for
        self.ref = (today or timezone.localdate()).replace(month=1, day=1)
        self.latest = months(self.ref, -6)  # the last recruitment date
        self.code = int(root.admin_area_code)
        labels = {
            int(p.code.value): p.name if p.division_type.value != "tỉnh" else f"tỉnh {p.name}"
            for p in Province.iter_all()
        }
        self.province, self.province_name = labels[self.code], Province.from_code(self.code).name
        self.cat: dict[str, dict[str, tuple[str, dict]]] = {}
        entries = CatalogueEntry.objects.filter(kind__code__in=KINDS, active=True).order_by("order", "code")
        for kind, code, label, attributes in entries.values_list("kind__code", "code", "label", "attributes"):
            self.cat.setdefault(kind, {})[code] = (label, attributes or {})
        births = self.cat.get("ma_noi_dang_ky_khai_sinh", {})
        self.wards: dict[str, list[tuple[str, str]]] = {}  # birth-registration code → [(commune, province)]
        for ward in Ward.iter_all():
            number, province = int(ward.code.value), int(ward.province_code.value)
            former = next((c for c, (low, high) in data.FORMER_PROVINCES.items() if low <= number <= high), None)
            if former is None and province not in (self.code, 1):
                continue  # a former province whose commune codes are not listed
            former = former or f"{province:03d}"
            if not births or former in births:
                self.wards.setdefault(former, []).append((" ".join(ward.name.split()), labels[province]))
        self.local = {w[0]: w for rows in self.wards.values() for w in rows if w[1] == self.province}
        self.local_list = list(self.local.values())
        self.home = sorted(code for code, rows in self.wards.items() if rows[0][1] == self.province)
        self.offset = rng_for("ids").randrange(SUFFIXES)
        self.places = self._places()
        if not self.places or not self.home:
            raise LookupError("Tỉnh mẫu chưa có đơn vị hoặc mã nơi đăng ký khai sinh để tạo hồ sơ mẫu.")
        self.by_kind: dict[str, list[Place]] = {}
        for place in self.places:
            self.by_kind.setdefault(place.kind, []).append(place)
        self.cumulative = list(accumulate(place.weight for place in self.places))
        self.ranks: list[int] = []
        self.filled: dict[int, int] = {}

    def _places(self) -> list[Place]:
        units = Unit.objects.filter(path__startswith=self.root.path, dissolved_on__isnull=True)
        units = list(units.select_related("unit_type").order_by("path"))
        by_path, step = {unit.path: unit for unit in units}, self.root.steplen
        places = []
        for unit in units[1:]:
            kind = "COMMUNE" if unit.unit_type.code in data.COMMUNE_TYPES else unit.unit_type.code
            if kind not in STAFFING or (kind == "DVSN" and "bệnh tật" not in unit.name):
                continue
            chain = [by_path[unit.path[:end]] for end in range(len(unit.path), len(self.root.path), -step)]
            top = chain[-1]
            if top.unit_type.code in data.COMMUNE_TYPES:
                area = top.name.removeprefix("Ủy ban nhân dân ")  # "xã Tân Phú"
                within = top.name if kind == "PHONG_XA" else area
                named = unit == top or (kind != "PHONG_XA" and area in unit.name)  # "Trạm Y tế xã Tân Phú"
                label = f"{unit.name}, {self.province}" if named else f"{unit.name}, {within}, {self.province}"
                place_ward, manager = area[:1].upper() + area[1:], f"Chủ tịch {top.name}"
            else:
                names = [unit.name] if kind in QUOTA_KINDS else [u.name for u in chain]
                suffix = self.province_name if names[-1].endswith(" tỉnh") else self.province
                label = f"{names[0]}, {suffix}" if kind.startswith("TRUONG_") else f"{', '.join(names)} {suffix}"
                place_ward = ""
                is_department = top.unit_type.code == "SO"
                manager = f"Giám đốc {top.name} {self.province}" if is_department else f"Chủ tịch {self.root.name}"
            quota = unit.quota_public_employees + unit.quota_civil_servants
            weight = quota if kind in QUOTA_KINDS and quota else STAFFING[kind].weight
            department = "" if top.unit_type.code in data.COMMUNE_TYPES else top.name
            places.append(Place(unit, kind, label, place_ward, manager, weight, department))
        return places

    # --- catalogues ----------------------------------------------------------------------------------

    def has(self, kind: str, code: str) -> bool:
        return code in self.cat.get(kind, {})

    def label(self, kind: str, code: str) -> str:
        return self.cat.get(kind, {}).get(code, ("", {}))[0]

    def pick(self, rng: random.Random, kind: str, weights: str) -> str:
        """A weighted choice among the codes of ``weights`` still in use ('' if none is)."""
        pairs = [(c, w) for c, w in zip(*table(weights), strict=True) if self.has(kind, c)]
        return rng.choices([c for c, _ in pairs], [w for _, w in pairs])[0] if pairs else ""

    def salary_group(self, grade: str) -> str:
        return self.cat["ngach_cdnn"][grade][1].get("salary_group", "")

    def pay_table(self, grade: str) -> tuple[list[str], int]:
        """The grade's coefficients by step and its step interval in months (nhom_luong)."""
        attributes = self.cat.get("nhom_luong", {}).get(self.salary_group(grade), ("", {}))[1]
        return list(attributes.get("coefficients") or []), int(attributes.get("step_interval_months") or 36)

    def ladder(self, key: str) -> list[str]:
        role = ROLES[key]
        grades = [g for g in role.grades if self.has("ngach_cdnn", g) and self.pay_table(g)[0]]
        if not grades:  # the catalogue changed: any grade of the category that has a pay table
            grades = [
                g
                for g, (_label, attributes) in self.cat.get("ngach_cdnn", {}).items()
                if attributes.get("personnel_category") == role.category and self.pay_table(g)[0]
            ][:1]
        if not grades:
            raise LookupError(f"Danh mục ngạch không còn ngạch nào cho loại nhân sự {role.category}.")
        return grades

    # --- helpers -------------------------------------------------------------------------------------

    def rank(self, i: int) -> int:
        """How many people before ``i`` work in ``i``'s unit."""
        while len(self.ranks) <= i:
            place = self._draw_place(self.rng_for(f"person:{len(self.ranks)}"))
            self.ranks.append(self.filled.get(place, 0))
            self.filled[place] = self.ranks[-1] + 1
        return self.ranks[i]

    def _draw_place(self, rng: random.Random) -> int:
        return bisect(self.cumulative, rng.random() * self.cumulative[-1])

    def local_ward(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.local_list)

    def name(self, rng: random.Random, female: bool, ethnicity: str, born: int, surname: str = "") -> str:
        if ethnicity == data.KHMER:
            middle = "Thị " if female and rng.random() < 0.5 else ""
            return f"{surname or rng.choice(data.KHMER_SURNAMES)} {middle}{rng.choice(data.KHMER_GIVEN_NAMES[female])}"
        if not surname:
            surname = rng.choice(data.HOA_SURNAMES) if ethnicity == data.HOA else rng.choices(*table(data.SURNAMES))[0]
        middle = rng.choices(*table(data.MIDDLE_NAMES[female]))[0]
        if born >= 1990 and middle in ("Văn", "Thị") and rng.random() < 0.5:
            middle = rng.choices(*table(data.MIDDLE_NAMES[female]))[0]  # less common among the young
        if middle == "Thị" and rng.random() < 0.25:
            middle = f"Thị {rng.choice(data.SECOND_MIDDLE)}"
        given = rng.choice([name for name in data.GIVEN_NAMES[female] if name != middle.split()[-1]])
        return f"{surname} {middle} {given}"

    def address(self, rng: random.Random, ward: tuple[str, str]) -> str:
        name, province = ward
        if name.startswith("Phường"):
            street = f"Số {rng.randint(2, 250)}, đường {rng.choice(data.STREETS)}, khu phố {rng.randint(1, 9)}"
            return f"{street}, {lower_first(name)}, {province}"
        return f"Ấp {rng.choice(data.HAMLETS)}, {lower_first(name)}, {province}"

    def allowance(self, p: Draft, code: str, since: datetime.date, *, percent: str = "", coefficient: str = ""):
        if self.has("loai_phu_cap", code):
            form = data.ALLOWANCE_FORMS.get(self.cat["loai_phu_cap"][code][1].get("form", ""), "")
            row = {"period_from": ym(since), "allowance_type": code, "percent": percent, "coefficient": coefficient}
            p.allowances.append(row | {"form": form})

    # --- the person ----------------------------------------------------------------------------------

    def person(self, i: int, *, account=None) -> NewDossier:
        """Person ``i``; with ``account``, the demo individual: a teacher of the account's unit, named after it."""
        rng = self.rng_for(f"person:{i}")
        place = self.places[self._draw_place(rng)]
        if account is not None:
            place = next((q for q in self.places if q.unit.pk == account.unit_id), place)
        p = Draft(i=i, rng=rng, place=place, rank=-1 if account is not None else self.rank(i))
        self._who(p, account)
        self._studies(p)
        self._career(p)
        self._pay(p)
        self._history(p)
        self._position(p)
        self._party(p)
        self._courses(p)
        self._ratings(p)
        self._family(p)
        self._allowances(p)
        self._contracts(p)
        return NewDossier(unit=place.unit, personal_id=p.personal_id, content=self._content(p), account=account)

    def _who(self, p: Draft, account) -> None:
        rng, staffing = p.rng, STAFFING[p.place.kind]
        position = staffing.positions.get(p.rank, "")
        p.position = position if self.has("chuc_vu_chinh_quyen", position) else ""
        p.key = staffing.leader_role if p.position or account else rng.choices(*table(staffing.roles))[0]
        if p.key == "cv" and p.place.department == data.INSPECTORATE:
            p.key = "thanh_tra"
        p.role = ROLES[p.key]
        p.female = rng.random() < data.FEMALE_SHARE.get(p.key, 0.55)
        if account is not None:
            p.female = "Thị" in account.last_name.split()
        low = 1970 if p.female else 1966  # women born earlier have reached the retirement age
        high = self.ref.year - (26 if p.key in data.DOCTORS else 24)
        p.born = rng.randint(low, 1985) if p.position else min(int(rng.triangular(low, high + 1, 1984)), high)
        p.birth = datetime.date(p.born, rng.randint(1, 12), rng.randint(1, 28))
        p.ethnicity = self.pick(rng, "dan_toc", data.ETHNICITY) or data.KINH
        named = account is not None and account.last_name
        p.name = f"{account.last_name} {account.first_name}" if named else self.name(rng, p.female, p.ethnicity, p.born)
        code = rng.choices(*table(f"{rng.choice(self.home)} 88, {data.BORN_ELSEWHERE}"))[0]
        p.birth_code = code if code in self.wards else rng.choice(self.home)
        p.birth_place = rng.choice(self.wards[p.birth_code])
        p.hometown = p.birth_place if rng.random() < 0.7 else self.local_ward(rng)
        digit = (2 if p.born >= 2000 else 0) + int(p.female)  # century and sex (records.identity)
        suffix = (p.i * SUFFIX_STEP + self.offset) % SUFFIXES
        p.personal_id = f"{p.birth_code}{digit}{p.born % 100:02d}{suffix:06d}"
        near = self.local.get(p.place.commune_ward)
        p.home = near if near and rng.random() < 0.7 else self.local_ward(rng)

    def _content(self, p: Draft) -> dict:
        rng, role = p.rng, p.role
        insurance = f"{self.home[0][1:]}{rng.randint(0, 99_999_999):08d}"  # province + 8 digits (BHXH)
        issued = between(rng, datetime.date(max(2021, p.born + 14), 3, 1), datetime.date(2024, 6, 1))
        before = "Sinh viên" if span(p.ready, p.recruited) <= 12 else f"{role.title or 'Nhân viên'} hợp đồng"
        if role.category == "NLD_111" and before != "Sinh viên":
            before = "Quân nhân xuất ngũ" if "military_rank" in p.background else "Lao động tự do"
        recruiter = f"Sở Nội vụ {self.province}" if role.category in ("CB", "CC") else p.history[0]["workplace"]
        return p.content | {
            "header": {"personnel_category": role.category, "staff_number": f"{self.code:02d}.{p.i + 1:06d}"},
            "identity": {
                "full_name": p.name,
                "sex": SEX_FEMALE if p.female else SEX_MALE,
                "birth_date": p.birth,
                "birth_place": ", ".join(p.birth_place),
                "hometown": ", ".join(p.hometown),
                "ethnicity": p.ethnicity,
                "religion": p.religion,
                "id_issued_on": issued + datetime.timedelta(days=rng.randint(0, 27)),
                "phone": f"{rng.choice(data.PHONE_PREFIXES)}{rng.randint(0, 9_999_999):07d}",
                "social_insurance_number": insurance,
                "health_insurance_number": f"HC4{self.home[0][1:]}{insurance}",  # object, benefit, province
                "current_address": self.address(rng, p.home),
            },
            "background": p.background
            | {
                "family_background": rng.choices(*table(data.FAMILY_BACKGROUNDS))[0],
                "occupation_before_recruitment": before,
                "first_recruited_on": p.recruited,
                "recruiting_body": recruiter,
                "joined_current_agency_on": p.joined,
            },
            "education": {
                "general_education": "12_12" if self.has("giao_duc_pho_thong", "12_12") else "",
                "highest_qualification": p.qualification,
            },
            "positions": p.positions,
            "salary": p.salary,
            "health": {
                "health_status": "Tốt",
                "height_cm": rng.randint(148, 162) if p.female else rng.randint(158, 176),
                "weight_kg": rng.randint(42, 60) if p.female else rng.randint(52, 78),
                "blood_group": rng.choices(*table(data.BLOOD_GROUPS))[0],
            },
            "arrests": {"arrest_history": "Không"},
            "work_history": p.history,
            "salary_history": p.pay,
            "allowances": p.allowances,
        }
