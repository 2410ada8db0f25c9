"""A demo person while being drawn, and the workplace they are drawn into."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from portal.models import Unit


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
