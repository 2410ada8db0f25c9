"""The family step of a demo person (item 36: parents, spouse, children, in-laws).

A mixin of ``records.demo.people.People``: it reads the catalogues and places ``People`` loads.
"""

from __future__ import annotations

from records.demo import data
from records.demo.data import table
from records.demo.draft import Draft

CHILD_JOBS = ((6, "Còn nhỏ"), (18, "Học sinh"), (22, "Sinh viên"), (200, "Đã đi làm"))


class FamilySteps:
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
