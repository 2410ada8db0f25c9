"""Password policy (portal/validators.py, portal/services/passwords.py): length, character
classes, name, birth date, unit name, reuse of recent passwords, and ``password_set``."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from portal.models import PasswordHistory, SecurityPolicy
from portal.models.audit import SecurityEvent, SecurityEventKind
from portal.services.passwords import password_change, password_generate, password_set
from portal.validators import UnitNameValidator
from tests.conftest import make_unit

pytestmark = pytest.mark.django_db

GOOD = "Kq7!mzp2Rw"
PASSWORDS = [f"Kq7!mzp2Rw{i}" for i in range(1, 7)]


def codes(password: str, user=None) -> set[str]:
    """The error codes the validators raise for ``password`` (empty: accepted)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return {item.code for item in error.error_list}
    return set()


def set_policy(**values) -> SecurityPolicy:
    policy = SecurityPolicy.load()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    return policy


@pytest.fixture
def noi_vu(db):
    return make_unit("Sở Nội vụ", code="000.00.05.H20", type_code="SO", short_name="SNV")


@pytest.fixture
def thang(django_user_model, noi_vu):
    """Nguyễn Văn Thắng, born 05/03/1990, of Sở Nội vụ (SNV)."""
    return django_user_model.objects.create_user(
        username="thangnv",
        password="Ban-dau#2026",
        first_name="Văn Thắng",
        last_name="Nguyễn",
        birth_date=datetime.date(1990, 3, 5),
        unit=noi_vu,
    )


def test_a_good_password_is_accepted(thang):
    assert codes(GOOD, thang) == set()
    assert codes(GOOD) == set()


def test_too_short_uses_the_policy_minimum(thang):
    assert codes("Kq7!mzp", thang) == {"password_too_short"}
    set_policy(password_min_length=12)
    assert codes(GOOD, thang) == {"password_too_short"}
    assert codes(GOOD + "x#", thang) == set()


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("kq7!mzp2rw", {"password_no_upper"}),
        ("KQ7!MZP2RW", {"password_no_lower"}),
        ("Kqx!mzpyRw", {"password_no_digit"}),
        ("Kq7xmzp2Rw", {"password_no_special"}),
        ("kqxymzpyrw", {"password_no_upper", "password_no_digit", "password_no_special"}),
    ],
)
def test_each_missing_class_is_reported(thang, password, missing):
    assert codes(password, thang) == missing


def test_accented_letters_count_as_letters(thang):
    assert codes("Đường7!kx", thang) == set()


def test_common_passwords_are_still_refused():
    assert "password_too_common" in codes("qwertyuiop")


def test_help_text_lists_the_rules_with_the_policy_values():
    set_policy(password_min_length=10, password_history_count=4)
    texts = password_validation.password_validators_help_texts()
    assert any("10" in text for text in texts)
    assert any("4" in text for text in texts)
    assert len(texts) == 7


@pytest.mark.parametrize("password", ["Thang@2024x", "thắng@2024X", "X#THẮNG2024", "Nguyen#2024ab", "Ab1!thangnv"])
def test_the_persons_name_or_user_name_is_refused(thang, password):
    assert "password_contains_name" in codes(password, thang)


def test_short_name_words_are_not_checked(django_user_model):
    user = django_user_model.objects.create_user(username="ab", first_name="Thị An", last_name="Lê")
    # "An", "Lê" (2 letters) are too short to be refused; "Thị" (3) is.
    assert codes("Anle#2024X", user) == set()
    assert "password_contains_name" in codes("Thi#2024Xy", user)


@pytest.mark.parametrize(
    "password", ["Abc@05031990", "Abc@1990xy", "Abc@050390x", "Abc@19900305", "Ab@05/03/1990", "Ab@1990-03-05"]
)
def test_the_birth_date_is_refused(thang, password):
    assert "password_contains_birth_date" in codes(password, thang)


def test_other_dates_are_accepted(thang):
    assert codes("Abc@06041991", thang) == set()


@pytest.mark.parametrize("password", ["Snv#2024abc", "snv#2024ABC", "Sonoivu#2024", "SởNộiVụ#2024"])
def test_the_unit_name_is_refused(thang, password):
    assert "password_contains_unit" in codes(password, thang)


def test_distinctive_words_of_the_unit_name_are_refused(django_user_model):
    unit = make_unit("Ủy ban nhân dân tỉnh Đồng Tháp", code="000.00.00.H20", type_code="UBND_TINH")
    user = django_user_model.objects.create_user(username="vt", unit=unit)
    assert "password_contains_unit" in codes("Thap#2024xy", user)
    assert "password_contains_unit" in codes("Xx#2024THÁP", user)
    # Generic words ("nhân", "tỉnh", "đồng") alone are not the unit's name.
    assert codes("Nhan#2024xy", user) == set()
    assert UnitNameValidator().fragments(unit) == ["thap", "uybannhandantinhdongthap"]


def test_without_a_user_only_the_generic_rules_apply():
    assert codes("Thang@2024x") == set()


def test_the_last_five_passwords_cannot_be_reused_and_the_sixth_oldest_can(thang):
    for password in PASSWORDS:
        password_set(user=thang, raw_password=password)
    # Current (6) and the four before it (2..5) are "the last 5"; 1 is the 6th-oldest.
    for password in PASSWORDS[1:]:
        assert codes(password, thang) == {"password_reused"}, password
    assert codes(PASSWORDS[0], thang) == set()
    before = PasswordHistory.objects.filter(user=thang).count()
    password_set(user=thang, raw_password=PASSWORDS[0])
    assert PasswordHistory.objects.filter(user=thang).count() == before + 1
    thang.refresh_from_db()
    assert thang.check_password(PASSWORDS[0])


def test_the_count_follows_the_policy(thang):
    for password in PASSWORDS[:4]:
        password_set(user=thang, raw_password=password)
    set_policy(password_history_count=2)
    assert codes(PASSWORDS[3], thang) == {"password_reused"}
    assert codes(PASSWORDS[2], thang) == {"password_reused"}
    assert codes(PASSWORDS[1], thang) == set()
    set_policy(password_history_count=0)
    assert codes(PASSWORDS[3], thang) == set()


def test_the_current_password_is_refused(thang):
    assert codes("Ban-dau#2026", thang) == {"password_reused"}


def test_an_invalid_password_changes_nothing(thang):
    with pytest.raises(ValidationError):
        password_set(user=thang, raw_password="Thang@2024x")
    thang.refresh_from_db()
    assert thang.check_password("Ban-dau#2026")
    assert not PasswordHistory.objects.filter(user=thang).exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED).exists()


def test_own_change_records_password_changed(thang):
    password_set(user=thang, raw_password=GOOD, actor=thang)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_CHANGED)
    assert (event.user_id, event.actor_id, event.username) == (thang.pk, thang.pk, "thangnv")
    thang.refresh_from_db()
    assert thang.password_changed_at is not None
    assert thang.must_change_password is False


def test_an_administrator_reset_records_nothing_here(thang, admin_user):
    password_set(user=thang, raw_password=password_generate(), temporary=True, validate=False)
    password_set(user=thang, raw_password=GOOD, actor=admin_user)
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED).exists()
    thang.refresh_from_db()
    assert PasswordHistory.objects.filter(user=thang).count() == 2


def test_temporary_sets_the_forced_change_flag(thang):
    password_set(user=thang, raw_password=password_generate(), temporary=True, validate=False)
    thang.refresh_from_db()
    assert thang.must_change_password is True


def test_generated_passwords_pass_the_policy(thang):
    for _ in range(20):
        password = password_generate()
        assert codes(password) == set()


def test_wrong_current_password_is_keyed_on_the_field(thang):
    with pytest.raises(ValidationError) as error:
        password_change(user=thang, old_password="wrong", new_password=GOOD)
    assert set(error.value.message_dict) == {"old_password"}


def test_policy_errors_are_keyed_on_the_new_password(thang):
    with pytest.raises(ValidationError) as error:
        password_change(user=thang, old_password="Ban-dau#2026", new_password="Abc@05031990")
    assert set(error.value.message_dict) == {"new_password"}


def test_change_clears_the_flag_and_keeps_the_old_hash(thang):
    thang.must_change_password = True
    thang.save()
    old_hash = thang.password
    password_change(user=thang, old_password="Ban-dau#2026", new_password=GOOD)
    thang.refresh_from_db()
    assert thang.must_change_password is False
    assert thang.check_password(GOOD)
    assert list(PasswordHistory.objects.filter(user=thang).values_list("password", flat=True)) == [old_hash]
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED, user_id=thang.pk).count() == 1
