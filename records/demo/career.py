"""The career steps of a demo person: recruitment, pay, work history, positions, allowances, contracts.

A mixin of ``records.demo.people.People``: it reads the catalogues and places ``People`` loads.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import pairwise

from portal.services.admin_units import REFORM_DAY
from records.demo import data
from records.demo.common import DAY, between, division, lower_first, months, span, ym
from records.demo.data import STAFFING
from records.demo.draft import Draft


class CareerSteps:
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
