"""records/services/content.py: section validation with Vietnamese messages, canonical hash, diff, completeness."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from records.services.completeness import completeness
from records.services.content import content_clean, month_text, parse_month, section_clean
from records.services.content_diff import content_diff
from records.services.content_hash import _canonical_bytes_json, canonical_bytes, content_sha256
from tests.records.factories import BASE_CONTENT, content

pytestmark = pytest.mark.django_db


def messages(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_valid_content_is_cleaned_to_json_ready_values():
    cleaned = content_clean(content(salary={"grade": "01.003", "salary_step": "3", "salary_coefficient": "3,00"}))
    assert cleaned["salary"] == {"grade": "01.003", "salary_step": 3, "salary_coefficient": "3.00"}
    assert cleaned["identity"]["birth_date"] == "1990-05-17"
    assert cleaned["training_professional"][0]["period_from"] == "2008-09"


@pytest.mark.parametrize("value", ["100000000000000000000000000", "1e30", "123456789012,5"])
def test_a_decimal_too_large_for_its_column_is_refused_with_a_message(value):
    # 10**26 at two decimal places needs 29 digits, more than the decimal context holds: it once
    # raised decimal.InvalidOperation (a server error) instead of a message (found by hypothesis).
    with pytest.raises(ValidationError) as exc:
        content_clean(content(salary={"grade": "01.003", "salary_step": "3", "salary_coefficient": value}))
    assert messages(exc)["salary.salary_coefficient"] == ["30. Tiền lương, 'hệ số lương': giá trị quá lớn."]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("09/2008", "2008-09"), ("2008-9", "2008-09"), ("2008", "2008"), ("9.2008", "2008-09")],
)
def test_months_are_read_in_the_forms_clerks_type(value, expected):
    assert parse_month(value) == expected
    assert month_text("2008-09") == "09/2008"


def test_bad_values_name_section_row_and_field_in_vietnamese():
    rows = [
        {"period_from": "13/2008", "institution": "ĐH Cần Thơ", "major": "Luật"},
        {"period_from": "2010-01", "period_to": "2009-01", "institution": "ĐH Luật", "major": "Luật"},
        {"institution": "Không có từ"},
    ]
    with pytest.raises(ValidationError) as exc:
        section_clean("training_professional", rows)
    found = messages(exc)
    assert found["training_professional[1].period_from"] == [
        "32.1. Đào tạo chuyên môn, dòng 1, 'từ': giá trị có tháng nằm ngoài 1–12."
    ]
    assert "dòng 2" in found["training_professional[2].period_to"][0]
    assert "trước" in found["training_professional[2].period_to"][0]
    assert found["training_professional[3].period_from"][0].startswith("32.1. Đào tạo chuyên môn, dòng 3")
    assert "training_professional[3].major" in found


def test_unknown_catalogue_code_and_unknown_field_are_refused():
    with pytest.raises(ValidationError) as exc:
        section_clean("identity", {"full_name": "A", "ethnicity": "99", "nickname": "x"})
    found = messages(exc)
    assert "'99'" in found["identity.ethnicity"][0] and "danh mục" in found["identity.ethnicity"][0]
    assert "nickname" in found["identity.nickname"][0]


def test_unknown_section_is_refused():
    with pytest.raises(ValidationError) as exc:
        content_clean({"khong_co": {}})
    assert "khong_co" in messages(exc)["section"][0]


def test_text_longer_than_the_column_is_refused():
    with pytest.raises(ValidationError) as exc:
        section_clean("identity", {"phone": "0" * 21})
    assert "20" in messages(exc)["identity.phone"][0]


def test_empty_values_are_left_out_so_equal_contents_hash_equal():
    a = content_clean(content(identity={**BASE_CONTENT["identity"], "other_names": "  "}))
    b = content_clean(content())
    assert a == b
    assert content_sha256(a) == content_sha256(b)
    assert canonical_bytes({"b": 1, "a": "Thắng"}) == '{"a":"Thắng","b":1}'.encode()


_JSON_READY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(exclude_categories=("Cs",))),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(exclude_categories=("Cs",)), max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.text(max_size=12), _JSON_READY, max_size=6))
def test_canonical_bytes_are_the_json_module_bytes(value):
    # The hashes already signed were made with json.dumps; the faster writer must give the same bytes
    # (control characters, non-BMP text, big integers, nested keys in every order).
    assert canonical_bytes(value) == _canonical_bytes_json(value)


def test_canonical_bytes_fall_back_for_what_orjson_refuses():
    big = {"n": 2**70, "a": "ư"}
    assert canonical_bytes(big) == '{"a":"ư","n":1180591620717411303424}'.encode()

    class Name(str):
        pass

    assert canonical_bytes({"full_name": Name("Thắng")}) == '{"full_name":"Thắng"}'.encode()
    # A date is not a cleaned value: refused as the json module always refused it, never written silently.
    with pytest.raises(TypeError):
        canonical_bytes({"birth_date": datetime.date(1990, 5, 17)})


def test_diff_lists_changed_fields_and_added_and_removed_rows():
    before = content_clean(content())
    after = content_clean(
        content(
            identity={**BASE_CONTENT["identity"], "phone": "0912345678"},
            work_history=[
                *BASE_CONTENT["work_history"],
                {"period_from": "2020-01", "workplace": "Sở Tài chính", "title": "Chuyên viên chính"},
            ],
            family_own=BASE_CONTENT["family_own"][:1],
        )
    )
    diffs = {diff.key: diff for diff in content_diff(before, after)}
    assert set(diffs) == {"identity", "work_history", "family_own"}
    assert [(str(label), old, new) for label, old, new in diffs["identity"].changes] == [
        ("điện thoại", None, "0912345678")
    ]
    assert diffs["work_history"].added == [2] and diffs["work_history"].removed == []
    assert diffs["family_own"].removed == [2] and diffs["family_own"].added == []
    assert content_diff(before, before) == []


def test_completeness_counts_required_items_and_names_the_missing_ones():
    full, missing = completeness(content_clean(content()))
    assert 0 < full < 100
    assert "11–18. " in " ".join(missing) and any(item.endswith("ngày được tuyển dụng lần đầu") for item in missing)
    emptier, missing_more = completeness(content_clean(content(training_professional=None)))
    assert emptier < full
    assert len(missing_more) == len(missing) + 1


@pytest.mark.parametrize(
    ("recruited", "age"),
    [("2002-09-01", "12"), ("2080-09-01", "90")],
)
def test_an_impossible_recruitment_age_is_refused(recruited, age):
    background = {
        "first_recruited_on": recruited,
        "recruiting_body": "Sở Nội vụ",
        "joined_current_agency_on": recruited,
    }
    with pytest.raises(ValidationError) as exc:
        content_clean(content(background=background))
    message = messages(exc)["background.first_recruited_on"][0]
    assert f"người này sẽ {age} tuổi khi được tuyển dụng lần đầu" in message
    assert "17/05/1990" in message


def test_party_admission_before_18_and_official_before_admission_are_refused():
    background = {"party_joined_on": "2007-01-01", "party_official_on": "2006-01-01"}
    with pytest.raises(ValidationError) as exc:
        content_clean(content(background=background))
    found = messages(exc)
    assert "18" in found["background.party_joined_on"][0]
    assert any("trước" in m for m in found["background.party_official_on"])


def test_a_future_birth_date_is_refused():
    identity = {**BASE_CONTENT["identity"], "birth_date": "2099-01-01"}
    with pytest.raises(ValidationError) as exc:
        content_clean(content(identity=identity))
    assert "identity.birth_date" in messages(exc)
