"""Validity periods of catalogue entries (overlaps, adjacency, updates, code format) and the base
salary valid on a given day."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal import selectors
from portal.models import CatalogueEntry
from portal.services.catalogues import entry_update
from tests.portal.services.catalogues.conftest import (
    d,
    kind,
    make,
)

pytestmark = pytest.mark.django_db


# --- validity periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (d(2020, 6), d(2020, 9)),  # inside
        (d(2019), d(2020, 6)),  # across the start
        (d(2020, 12, 31), d(2022)),  # across the end
        (d(2020, 12, 31), None),  # open-ended, starting inside
        (None, d(2020, 1, 2)),  # open start, ending inside
        (None, None),  # no limits at all
        (d(2020), d(2021)),  # the very same period
        (d(2019), d(2022)),  # around it
    ],
)
def test_overlapping_periods_of_the_same_code_are_refused(test_kind, start, end):
    make(test_kind, "T1", d(2020), d(2021))
    with pytest.raises(ValidationError) as excinfo:
        make(test_kind, "T1", start, end)
    assert list(excinfo.value.message_dict) == ["valid_from"]
    message = excinfo.value.message_dict["valid_from"][0]
    assert "T1" in message
    assert "01/01/2020" in message
    assert "01/01/2021" in message
    assert CatalogueEntry.objects.filter(kind=test_kind, code="T1").count() == 1


def test_two_open_ended_periods_of_the_same_code_are_refused(test_kind):
    make(test_kind, "T1", d(2021), None)
    with pytest.raises(ValidationError) as excinfo:
        make(test_kind, "T1", d(2030), None)
    assert "01/01/2021" in excinfo.value.message_dict["valid_from"][0]
    # an entry without any period is open-ended on both sides
    make(test_kind, "T2")
    with pytest.raises(ValidationError):
        make(test_kind, "T2", d(2010), d(2011))
    with pytest.raises(ValidationError):
        make(test_kind, "T2", d(2030), None)
    assert CatalogueEntry.objects.filter(kind=test_kind).count() == 2


def test_adjacent_periods_are_accepted(test_kind):
    make(test_kind, "T1", d(2020), d(2021))
    make(test_kind, "T1", d(2021), None)  # starts the day the first one stops applying
    make(test_kind, "T1", d(2019), d(2020))  # stops applying the day the first one starts
    make(test_kind, "T1", None, d(2019))
    periods = sorted(
        CatalogueEntry.objects.filter(kind=test_kind, code="T1").values_list("valid_from", "valid_to"),
        key=lambda period: period[0] or d(1900),
    )
    assert periods == [(None, d(2019)), (d(2019), d(2020)), (d(2020), d(2021)), (d(2021), None)]


def test_same_code_in_another_code_system_or_catalogue_does_not_overlap(test_kind):
    make(test_kind, "T1")
    make(test_kind, "T1", code_system="KHAC")
    make(kind("dan_toc"), "T1")
    assert CatalogueEntry.objects.filter(code="T1").count() == 3


@pytest.mark.parametrize(("start", "end"), [(d(2021), d(2020)), (d(2020), d(2020))])
def test_end_of_validity_must_be_after_its_start(test_kind, start, end):
    with pytest.raises(ValidationError) as excinfo:
        make(test_kind, "T1", start, end)
    assert list(excinfo.value.message_dict) == ["valid_to"]
    assert not CatalogueEntry.objects.filter(kind=test_kind).exists()


def test_update_checks_periods_against_the_other_entries_only(test_kind):
    first = make(test_kind, "T1", d(2020), d(2021))
    second = make(test_kind, "T1", d(2021), None)
    entry_update(entry=first, values={"valid_from": d(2019, 6)})  # its own old period is no obstacle
    first.refresh_from_db()
    assert first.valid_from == d(2019, 6)
    with pytest.raises(ValidationError) as excinfo:
        entry_update(entry=first, values={"valid_to": d(2021, 6)})
    assert list(excinfo.value.message_dict) == ["valid_from"]
    with pytest.raises(ValidationError) as excinfo:
        entry_update(entry=second, values={"valid_to": d(2020, 6)})
    assert list(excinfo.value.message_dict) == ["valid_to"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.valid_from, first.valid_to) == (d(2019, 6), d(2021))
    assert (second.valid_from, second.valid_to) == (d(2021), None)


@pytest.mark.parametrize("code", ["", "A B", "-01", "mã", "01;02"])
def test_entry_code_format_is_checked(test_kind, code):
    with pytest.raises(ValidationError) as excinfo:
        make(test_kind, code)
    assert "code" in excinfo.value.message_dict


# --- base salary by date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code", "amount"),
    [
        (d(2025), "2024-07", 2340000),
        (d(2024, 7, 1), "2024-07", 2340000),
        (d(2024, 6, 30), "2023-07", 1800000),
        (d(2026, 6, 30), "2024-07", 2340000),
        (d(2026, 7, 1), "2026-07", 2530000),
        (d(2020), "2019-07", 1490000),
    ],
)
def test_base_salary_valid_on_a_day(day, code, amount):
    [base] = selectors.catalogue_entries(kind="luong_co_so", on=day)
    assert base.code == code
    assert base.attributes["amount"] == amount
    assert selectors.catalogue_entry_get(kind="luong_co_so", code=code, on=day).pk == base.pk


def test_no_base_salary_before_the_first_period():
    assert list(selectors.catalogue_entries(kind="luong_co_so", on=d(2019, 6, 30))) == []
