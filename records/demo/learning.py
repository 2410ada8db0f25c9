"""The learning and standing steps of a demo person: studies, Party, courses, ratings.

A mixin of ``records.demo.people.People``: it reads the catalogues and places ``People`` loads.
"""

from __future__ import annotations

import datetime

from records.demo import data
from records.demo.common import between, lower_first, months, span, ym
from records.demo.draft import Draft


class LearningSteps:
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
