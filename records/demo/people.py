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
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate, pairwise

from django.utils import timezone

from portal.models import CatalogueEntry, Unit
from portal.services.admin_units import REFORM_DAY
from records.demo import data
from records.demo.data import ROLES, STAFFING, table
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
DAY = datetime.timedelta(days=1)
CHILD_JOBS = ((6, "Còn nhỏ"), (18, "Học sinh"), (22, "Sinh viên"), (200, "Đã đi làm"))


def months(day: datetime.date, count: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 + count, 12)
    return datetime.date(year, month + 1, min(day.day, 28))


def span(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (by calendar month)."""
    return (end.year - start.year) * 12 + end.month - start.month


def between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """The first of a month from ``start``'s to ``end``'s (``start``'s month if the span is empty)."""
    return months(start.replace(day=1), rng.randint(0, max(span(start, end), 0)))


def ym(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def division(commune: str) -> str:
    """ "Phường Mỹ Tho" → "phường" ("xã", "phường" or "đặc khu")."""
    return "đặc khu" if commune.startswith("Đặc khu") else commune.split()[0].lower()


@dataclass
class Place:
    unit: Unit
    kind: str  # a key of data.STAFFING
    label: str  # the workplace as written in a work history
    commune_ward: str  # "Phường Mỹ Tho" for units of a commune, else ""
    manager: str  # who signs rewards and discipline
    weight: int
    department: str = ""  # the Sở (or equivalent) the unit belongs to


@dataclass
class Draft:
    """One person while being drawn: each step of ``People.person`` adds the attributes the next ones read."""

    i: int
    rng: random.Random
    place: Place
    rank: int
    content: dict = field(default_factory=dict)
    allowances: list = field(default_factory=list)


class People:
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

    def _studies(self, p: Draft) -> None:
        """32.1: from 18, ending before the first recruitment; the qualification the highest grade needs."""
        rng, role = p.rng, p.role
        service = self.ref.year - p.born - 25
        ladder = self.ladder(p.key)
        chance = 0.85 if p.position else 0.5 if role.category == "VC" else 0.3  # CC: by competitive exam
        promotions = int(len(ladder) > 1 and service >= 10 and rng.random() < chance)
        promotions += int(promotions and len(ladder) > 2 and service >= 20 and rng.random() < 0.2)
        p.ladder = ladder[: promotions + 1]
        group = self.salary_group(p.ladder[-1])
        if group.startswith("NV_"):
            qualification = {"ky_thuat": "TRUNG_CAP", "lai_xe": "SO_CAP"}.get(p.key, "CHUA_QUA_DAO_TAO")
        else:
            qualification = "CAO_DANG" if group == "A0" else "TRUNG_CAP" if group[:1] in ("B", "C") else "DAI_HOC"
        p.qualification = qualification if self.has("trinh_do_chuyen_mon", qualification) else ""
        p.major = rng.choice(role.majors) if role.majors else ""
        start = datetime.date(p.born + 18 + rng.choice((0, 0, 1)), 9, 1)
        years = {"DAI_HOC": 6 if p.major in data.LONG_STUDIES else 4, "CAO_DANG": 3, "TRUNG_CAP": 2}
        length = years.get(p.qualification, 0)
        p.ready = datetime.date(p.born + 20, 1, 1)
        rows = p.content["training_professional"] = []
        if not (length and role.field):
            return
        universities, colleges = data.SCHOOLS[role.field]
        p.ready = datetime.date(start.year + length, 6, 1)
        degree = {"Y khoa": "Bác sĩ", "Y học dự phòng": "Bác sĩ", "Dược học": "Dược sĩ"}.get(p.major, "Cử nhân")
        if p.qualification != "DAI_HOC":
            degree = f"Bằng tốt nghiệp {self.label('trinh_do_chuyen_mon', p.qualification).lower()}"
        rows.append(
            {
                "period_from": ym(start),
                "period_to": ym(p.ready),
                "institution": rng.choice(data.ADMIN_MAJORS.get(p.major) or universities)
                if p.qualification == "DAI_HOC"
                else rng.choice(colleges),
                "major": p.major,
                "training_form": "Chính quy",
                "qualification": p.qualification,
                "degree": degree,
            }
        )
        master = rng.random() < (0.2 if promotions else 0.05) and self.has("trinh_do_chuyen_mon", "THAC_SI")
        master = master and p.qualification == "DAI_HOC" and role.field in ("edu", "adm")
        if master and months(p.ready, 40) < self.latest:
            begin = months(p.ready, rng.choice((3, 15)))
            p.ready, p.qualification = months(begin, 21), "THAC_SI"
            major, institutions = rng.choice(data.MASTERS[role.field])
            rows.append(
                {
                    "period_from": ym(begin),
                    "period_to": ym(p.ready),
                    "institution": rng.choice(institutions),
                    "major": major,
                    "training_form": "Vừa làm vừa học",
                    "qualification": "THAC_SI",
                    "degree": "Thạc sĩ",
                }
            )

    def _career(self, p: Draft) -> None:
        """Items 16–17, first recruitment (at 22–30 in most cases) and the grades held (promotion after 9 years)."""
        rng = p.rng
        p.background = {
            "socio_political_joined_on": datetime.date(p.born + 16, 3, 26),
            "socio_political_organisation": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        }
        if not p.female and p.key in ("lai_xe", "bao_ve") and rng.random() < 0.5:
            enlisted = datetime.date(p.born + rng.randint(18, 20), 2, 15)
            p.ready = max(p.ready, months(enlisted, 24))
            p.background |= {"military_enlisted_on": enlisted, "military_discharged_on": months(enlisted, 24)}
            p.background["military_rank"] = rng.choice(("Hạ sĩ", "Trung sĩ", "Thượng sĩ"))
        first = max(months(p.ready, 2), datetime.date(p.born + 22, 1, 1))
        recruited = min(between(rng, first, min(self.latest, datetime.date(p.born + 29, 12, 1))), self.latest)
        p.recruited = recruited if recruited > p.ready else months(p.ready, 1).replace(day=1)
        p.held = [(p.recruited, p.ladder[0])]
        for grade in p.ladder[1:]:
            when = months(p.held[-1][0], rng.randint(108, 168) if len(p.held) == 1 else rng.randint(72, 120))
            if when >= self.latest:
                break
            p.held.append((when, grade))

    def _pay(self, p: Draft) -> None:
        """37.1 one row per step; a promotion takes the new group's next higher coefficient. Item 30."""
        rows: list[dict] = []
        for index, (since, grade) in enumerate(p.held):
            coefficients, interval = self.pay_table(grade)
            step = 1
            if rows:
                previous = Decimal(rows[-1]["coefficient"])
                higher = (n for n, c in enumerate(coefficients, 1) if Decimal(c) > previous)
                step = next(higher, len(coefficients))
            until = p.held[index + 1][0] if index + 1 < len(p.held) else self.ref
            day = since
            while True:
                rows.append({"date_from": day, "grade": grade, "step": step, "coefficient": coefficients[step - 1]})
                day = months(day, interval)
                if step == len(coefficients) or day >= until:
                    break
                step += 1
        for row, following in pairwise(rows):
            row["date_to"] = following["date_from"] - DAY
        p.pay, current = rows, rows[-1]
        coefficients, interval = self.pay_table(current["grade"])
        probation = span(p.recruited, self.ref) < 12 and p.role.category in ("CC", "VC")
        p.salary = {
            "grade": current["grade"],
            "grade_appointed_on": p.held[-1][0],
            "salary_step": current["step"],
            "salary_coefficient": current["coefficient"],
            "salary_effective_on": current["date_from"],
            "salary_percent": "85" if probation else "100",
        }
        at_top = current["step"] == len(coefficients) and span(current["date_from"], self.ref) >= interval
        if at_top and p.role.category != "NLD_111":  # over-ceiling seniority: 5 %, then 1 % a year
            since = months(current["date_from"], interval)
            percent = 5 + span(since, self.ref) // 12
            p.salary |= {"seniority_excess_percent": percent, "seniority_excess_from": since}
            self.allowance(p, "THAM_NIEN_VUOT_KHUNG", since, percent=str(percent))

    def _history(self, p: Draft) -> None:
        """33: up to two earlier workplaces, then the current unit (offices of communes date from the 2025 reform)."""
        rng, place = p.rng, p.place
        moves = 0
        if p.role.category != "NLD_111" and span(p.recruited, self.ref) >= 72:
            moves = rng.choices((0, 1, 2), (50, 35, 15))[0]
        cuts = (between(rng, months(p.recruited, 24), months(self.ref, -12)) for _ in range(moves))
        starts = sorted({p.recruited, *cuts})
        reform = place.unit.established_on or REFORM_DAY
        reformed = place.kind in data.REFORMED and p.recruited < reform
        if reformed:
            starts = [*(start for start in starts if start < reform), reform]
        earlier = STAFFING[place.kind].earlier
        p.history = []
        for number, since in enumerate(starts):
            title = p.role.title or self.label("ngach_cdnn", next(g for d, g in reversed(p.held) if d <= since))
            if number == len(starts) - 1:
                workplace = place.label
            elif reformed or (place.kind in data.GOVERNMENT and rng.random() < 0.4):
                ward = self.local_ward(rng)
                workplace = f"Ủy ban nhân dân {lower_first(ward[0])}, {ward[1]}"
                title = f"Công chức {rng.choice(data.OLD_COMMUNE_TITLES)}"
                if p.role.category == "CB" and number == len(starts) - 2:  # commune leaders led a former commune
                    title = f"{rng.choice(('Chủ tịch', 'Phó Chủ tịch'))} Ủy ban nhân dân {division(ward[0])}"
            elif earlier:
                ward = self.local_ward(rng)
                workplace = f"{earlier} {lower_first(ward[0])}, {ward[1]}"  # named like the demo's own units
            else:
                others = [q for q in self.by_kind[place.kind] if q is not place] or [place]
                workplace = rng.choice(others).label
            p.history.append({"period_from": ym(since), "workplace": workplace, "title": title})
        p.joined = starts[-1]

    def _position(self, p: Draft) -> None:
        """Items 23–29; a leader's appointment closes the last work-history row and opens one with the title."""
        rng, place, role = p.rng, p.place, p.role
        p.positions = {"main_work": role.work, "longest_job": p.history[0]["title"]}
        if p.key in ("gv_thcs", "gv_thpt"):
            p.positions["main_work"] = f"{role.work} {lower_first(p.major)}"
        elif p.key == "gv_th":
            p.positions["main_work"] = f"{role.work} {rng.randint(1, 5)}"
        if p.position:
            if place.kind in data.REFORMED:
                appointed = max(p.joined, place.unit.established_on or REFORM_DAY)
            else:
                appointed = max(p.joined, months(p.recruited, rng.randint(96, 144)))
                appointed = min(appointed, months(self.ref, -3)).replace(day=1)
            p.positions |= {"position": p.position, "position_appointed_on": appointed}
            if span(appointed, self.ref) >= 60:
                p.positions["position_reappointed_on"] = months(appointed, 60)
            p.positions["main_work"] = "Phụ trách chung" if p.rank == 0 else "Phụ trách các lĩnh vực được phân công"
            # "Trưởng phòng chuyên môn thuộc Ủy ban nhân dân cấp xã" → "Trưởng phòng", as résumés write it.
            title = self.label("chuc_vu_chinh_quyen", p.position).split(" thuộc ")[0].split(" chuyên môn")[0]
            title = title.replace(" Sở và tương đương", "").replace(" bệnh viện, trung tâm, đơn vị sự nghiệp", "")
            if place.commune_ward:
                title = title.replace("xã, phường, đặc khu", division(place.commune_ward))
            if appointed > p.joined:
                p.history.append({"period_from": ym(appointed), "workplace": place.label, "title": title})
            else:
                p.history[-1]["title"] = title
            region = "HN_HCM" if self.code in (1, 79) else "KHAC"
            entry = self.cat.get("phu_cap_chuc_vu", {}).get(f"{p.position}.{region}")
            if entry and entry[1].get("coefficient"):
                p.salary["position_allowance"] = entry[1]["coefficient"]
                self.allowance(p, "CHUC_VU", appointed, coefficient=entry[1]["coefficient"])
        for row, following in pairwise(p.history):
            row["period_to"] = ym(months(datetime.date.fromisoformat(f"{following['period_from']}-01"), -1))

    def _party(self, p: Draft) -> None:
        """Item 15 (almost every leader, some others; no religion then) and 32.2 political theory."""
        rng = p.rng
        share = data.PARTY_SHARE[p.role.category]
        p.party = rng.random() < (0.95 if p.rank == 0 or p.role.category == "CB" else 0.85 if p.position else share)
        if not p.party:
            local = self.pick(rng, "ton_giao", data.RELIGION)
            p.religion = data.BUDDHISM if p.ethnicity in (data.KHMER, data.HOA) else local
            return
        p.religion = data.NO_RELIGION
        earliest = max(months(p.recruited, -24), datetime.date(p.born + 20, 1, 1))
        joined = between(rng, earliest, min(datetime.date(p.born + 40, 1, 1), months(self.ref, -14)))
        p.background |= {"party_joined_on": joined, "party_official_on": months(joined, 12)}
        school = f"Trường Chính trị {self.province}"
        courses = [("SO_CAP", months(joined, 4), 2, school, "Chứng nhận sơ cấp lý luận chính trị")]
        if p.position or (p.role.category in ("CB", "CC") and span(p.recruited, self.ref) > 96 and rng.random() < 0.6):
            since = between(rng, months(joined, 24), months(self.ref, -12))
            courses.append(("TRUNG_CAP", since, 8, school, "Bằng trung cấp lý luận chính trị"))
        if p.position and (p.rank == 0 or p.role.category == "CB"):
            since = between(rng, months(courses[-1][1], 24), months(self.ref, -24))
            courses.append(("CAO_CAP", since, 18, "Học viện Chính trị khu vực IV", "Bằng cao cấp lý luận chính trị"))
        rows = p.content["training_political"] = []
        for level, since, length, institution, degree in courses:
            if since < months(self.ref, -1) and self.has("ly_luan_chinh_tri", level):
                end = min(months(since, length), months(self.ref, -1))
                rows.append(
                    {
                        "period_from": ym(since),
                        "period_to": ym(end),
                        "institution": institution,
                        "training_form": "Không tập trung",
                        "level": level,
                        "degree": degree,
                    }
                )
        party_position = data.PARTY_POSITIONS.get(p.position) or ("BI_THU_CHI_BO" if p.position and p.rank == 0 else "")
        if self.has("chuc_vu_dang", party_position):
            p.positions["party_position"] = party_position

    def _courses(self, p: Draft) -> None:
        """32.3 state management or professional-title courses, 32.4 defence, 32.5 IT, 32.6 languages; 34.3."""
        rng, role, content = p.rng, p.role, p.content
        if role.category == "NLD_111":
            return
        content["training_management"] = []
        for since, grade in p.held[:2]:
            when = months(since, rng.randint(6, 30)) if since == p.recruited else months(since, -rng.randint(6, 18))
            if when >= months(self.ref, -2):
                continue
            row = {"period_from": ym(when), "period_to": ym(months(when, 2))}
            if role.category in ("CB", "CC"):
                level = "CV" if since == p.recruited else "CVC"
                rank = self.label("quan_ly_nha_nuoc", level).lower() or "chuyên viên"
                school = f"Trường Chính trị {self.province}"
                row["institution"] = school if level == "CV" else "Học viện Hành chính Quốc gia"
                row["level"] = level if self.has("quan_ly_nha_nuoc", level) else ""
                row["certificate"] = f"Chứng chỉ bồi dưỡng kiến thức quản lý nhà nước ngạch {rank}"
            else:
                universities, colleges = data.SCHOOLS[role.field]
                row["institution"] = rng.choice(universities or colleges)
                title = self.label("ngach_cdnn", grade)
                row["certificate"] = f"Chứng chỉ bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp {lower_first(title)}"
            content["training_management"].append(row)
        if rng.random() < (0.9 if p.position or role.category in ("CB", "CC") else 0.35):
            when = between(rng, months(p.recruited, 6), months(self.ref, -2))
            audience = "3" if p.position else "4"
            content["training_defence"] = [
                {
                    "period_from": ym(when),
                    "period_to": ym(when),
                    "institution": f"Bộ Chỉ huy Quân sự {self.province}",
                    "certificate": f"Chứng chỉ bồi dưỡng kiến thức quốc phòng và an ninh đối tượng {audience}",
                }
            ]
        if rng.random() < 0.85:
            when = months(p.recruited, -rng.randint(3, 18))
            old = when.year < 2016  # the A/B/C certificates, until the TT 03/2014 standard ones took over
            level = rng.choice(("CC_A", "CC_B")) if old else "UD_CNTT_CO_BAN"
            certificate = f"Chứng chỉ tin học trình độ {level[-1]}" if old else self.label("tin_hoc", level)
            content["training_it"] = [
                {
                    "period_from": ym(when),
                    "period_to": ym(months(when, 2)),
                    "institution": rng.choice(data.CENTRES),
                    "level": level if self.has("tin_hoc", level) else "",
                    "certificate": certificate or "Chứng chỉ ứng dụng công nghệ thông tin cơ bản",
                }
            ]
        if p.major != "Tiếng Anh" and rng.random() < 0.7:
            when = months(p.recruited, -rng.randint(2, 20))
            language, level, score = "ANH", "CC_B" if when.year < 2016 else rng.choice(("BAC_2", "BAC_3")), ""
            if p.ethnicity != data.KHMER and role.category in ("CB", "CC") and rng.random() < 0.05:
                language, level = "KHMER", "CC_TIENG_DTTS"
            elif level == "BAC_3":
                score = rng.choice(("4,5", "5,0", "5,5"))
            if self.has("ngoai_ngu", language):
                content["training_language"] = [
                    {
                        "period_from": ym(when),
                        "period_to": ym(months(when, 3)),
                        "institution": rng.choice(data.CENTRES),
                        "language": language,
                        "level": level if self.has("trinh_do_ngoai_ngu", level) else "",
                        "certificate": data.LANGUAGE_CERTIFICATES.get(level, ""),
                        "score": score,
                    }
                ]
        if role.field == "med" and rng.random() < 0.01:
            since = between(rng, p.recruited, months(self.ref, -24))
            until = min(months(since, 18), months(self.ref, -1))
            content["foreign_organisations"] = [
                {"period_from": ym(since), "period_to": ym(until), "description": data.WHO_PROJECT}
            ]

    def _ratings(self, p: Draft) -> None:
        """35.1 one row a year for the last 3–5 years; 35.2 for about 1 % of those who can be disciplined."""
        rng = p.rng
        years = [y for y in range(self.ref.year - rng.randint(3, 5), self.ref.year) if y > p.recruited.year]
        rules = self.cat.get("hinh_thuc_ky_luat", {})
        forms = [
            code
            for code, (_label, attributes) in rules.items()
            if code in ("KHIEN_TRACH", "CANH_CAO") and p.role.category in attributes.get("applies_to", [])
        ]
        punished = rng.choice(years) if forms and years and rng.random() < 0.012 else None
        if punished:
            since = datetime.date(punished, rng.randint(3, 10), 1)
            p.content["discipline"] = [
                {
                    "period_from": ym(since),
                    "period_to": ym(min(months(since, 12), months(self.ref, -1))),
                    "form": rng.choice(forms),
                    "violation": rng.choice(data.VIOLATIONS),
                    "deciding_body": p.place.manager,
                }
            ]
        p.content["rewards"] = []
        for year in years:
            rating = "HTNV" if year == punished else self.pick(rng, "xep_loai_danh_gia", data.RATINGS)
            row = {"year": year, "professional_rating": rating}
            if rating in ("HTXSNV", "HTTNV"):
                best = rating == "HTXSNV" and rng.random() < 0.5
                row["emulation_rating"] = "Chiến sĩ thi đua cơ sở" if best else "Lao động tiên tiến"
                reward = "CSTD_CO_SO" if best else ("GIAY_KHEN" if rng.random() < 0.15 else "")
                reward = "BK_TINH" if rating == "HTXSNV" and rng.random() < 0.05 else reward
                details = {
                    "CSTD_CO_SO": f"Chiến sĩ thi đua cơ sở năm {year}",
                    "GIAY_KHEN": f"Giấy khen của {p.place.manager}",
                    "BK_TINH": f"Bằng khen của Chủ tịch Ủy ban nhân dân {self.province}",
                }
                if reward and self.has("hinh_thuc_khen_thuong", reward):
                    row |= {"reward_form": reward, "reward_detail": details[reward]}
            p.content["rewards"].append(row)

    def _family(self, p: Draft) -> None:
        """36.1 parents, siblings, spouse and children; 36.2 the spouse's parents (same surname as the spouse)."""
        rng, surname = p.rng, p.name.split()[0]
        own, spouse_side = [], []

        def add(rows: list, relation: str, name: str, year: int, details: str) -> None:
            if self.has("quan_he_gia_dinh", relation):
                rows.append({"relation": relation, "full_name": name, "birth_year": year, "details": details})

        def parents(rows: list, relations: tuple[str, str], family_name: str, child_born: int, home) -> None:
            for relation, man in zip(relations, (True, False), strict=True):
                year = child_born - rng.randint(24, 34) + (0 if man else 2)
                job = "Nội trợ" if not man and rng.random() < 0.3 else rng.choices(*table(data.PARENT_JOBS))[0]
                details = f"Quê quán: {home[0]}, {home[1]}. Nghề nghiệp: {job}."
                if self.ref.year - year > rng.randint(68, 95):
                    details += f" Đã mất năm {rng.randint(max(year + 55, 2000), self.ref.year - 1)}."
                name = self.name(rng, not man, p.ethnicity, year, family_name if man else "")
                add(rows, relation, name, year, details)

        parents(own, ("CHA_DE", "ME_DE"), surname, p.born, p.hometown)
        for _ in range(rng.choice((0, 1, 1, 2))):
            year, man = p.born + rng.choice((-5, -3, -2, 2, 3, 5)), rng.random() < 0.5
            relation = ("ANH_RUOT" if man else "CHI_RUOT") if year < p.born else "EM_RUOT"
            job = rng.choices(*table(data.JOBS))[0]
            details = f"Nghề nghiệp: {job}. Nơi ở: {self.address(rng, self.local_ward(rng))}."
            add(own, relation, self.name(rng, not man, p.ethnicity, year, surname), year, details)
        age = self.ref.year - p.born
        if rng.random() < (0.9 if age >= 30 else 0.45 if age >= 25 else 0.1):
            spouse_born = p.born + (-rng.randint(0, 5) if p.female else rng.randint(0, 5))
            khmer = p.ethnicity == data.KHMER
            spouse_surname = rng.choice(data.KHMER_SURNAMES) if khmer else rng.choices(*table(data.SURNAMES))[0]
            spouse = self.name(rng, not p.female, p.ethnicity, spouse_born, spouse_surname)
            details = f"Nghề nghiệp: {rng.choices(*table(data.JOBS))[0]}. Nơi ở: {self.address(rng, p.home)}."
            add(own, "CHONG" if p.female else "VO", spouse, spouse_born, details)
            year = p.born + rng.randint(24, 31)
            for _ in range(rng.choices((0, 1, 2, 3), (8, 30, 50, 12))[0]):
                if year >= self.ref.year:
                    break
                child_age = self.ref.year - year
                job = next(job for limit, job in CHILD_JOBS if child_age < limit)
                name = self.name(rng, rng.random() < 0.5, p.ethnicity, year, spouse_surname if p.female else surname)
                add(own, "CON", name, year, job)
                year += rng.randint(2, 6)
            in_laws_home = self.local_ward(rng)
            parents(spouse_side, ("CHA_VO_CHONG", "ME_VO_CHONG"), spouse_surname, spouse_born, in_laws_home)
        p.content["family_own"], p.content["family_spouse"] = own, spouse_side

    def _allowances(self, p: Draft) -> None:
        """37.2 by sector (teachers' incentive and seniority, health incentive, the civil-service allowance)."""
        role, service = p.role, span(p.recruited, self.ref)
        if role.field == "edu" and role.category == "VC":
            self.allowance(p, "UU_DAI_NGHE", p.recruited, percent="35" if p.key in ("gv_mn", "gv_th") else "30")
            if service >= 60:
                self.allowance(p, "THAM_NIEN_NGHE", months(p.recruited, 60), percent=str(service // 12))
        elif role.field == "med" and role.category == "VC":
            self.allowance(p, "UU_DAI_NGHE", p.recruited, percent="40" if p.place.kind == "TRAM_Y_TE" else "30")
        elif role.category in ("CB", "CC"):
            self.allowance(p, "CONG_VU", max(p.recruited, datetime.date(2012, 5, 1)), percent="25")
        shares = [(self.label("loai_phu_cap", row["allowance_type"]), row["percent"]) for row in p.allowances]
        p.salary["other_allowances"] = "; ".join(f"{label} {percent}%" for label, percent in shares if percent)

    def _contracts(self, p: Draft) -> None:
        """NĐ 111 support staff: a one-year contract, then an open-ended one (or a first three-year contract)."""
        if p.role.category != "NLD_111":
            return
        rng, start = p.rng, p.recruited
        if months(start, 24) <= self.ref:
            renewed = months(start, 12)
            terms = [(start, renewed - DAY, "xác định thời hạn"), (renewed, None, "không xác định thời hạn")]
        else:
            terms = [(start, months(start, 36) - DAY, "xác định thời hạn")]
        rows = []
        for since, until, kind in terms:
            pay = next(row for row in reversed(p.pay) if row["date_from"] <= since)
            rows.append(
                {
                    "number": f"{rng.randint(1, 60):02d}/{since.year}/HĐLĐ",
                    "contract_type": f"Hợp đồng lao động {kind}",
                    "signed_on": since - datetime.timedelta(days=rng.randint(1, 10)),
                    "date_from": since,
                    "date_to": until,
                    "work_type": "Công việc hỗ trợ, phục vụ",
                    "job_position": p.role.title,
                    "reference_grade": pay["grade"],
                    "step": pay["step"],
                    "coefficient": pay["coefficient"],
                    "pay_source": "Nguồn thu sự nghiệp" if p.place.kind == "BENH_VIEN" else "Ngân sách nhà nước",
                }
            )
        p.content["contracts"] = rows

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
