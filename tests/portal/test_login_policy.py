"""Login policy: lockout through the real login view (portal/auth_backends.py, portal/receivers.py),
forced password change and session expiry (portal/security_middleware.py), and the
change-password page (portal/views/passwords.py)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import PasswordHistory, SecurityPolicy
from portal.models.audit import SecurityEvent, SecurityEventKind
from portal.security_middleware import POLICY_REFRESH_SECONDS, POLICY_SESSION_KEY
from portal.services.accounts import account_unlock

pytestmark = pytest.mark.django_db

PASSWORD = "Mk@2026-canbo"
NEW_PASSWORD = "Kq7!mzp2Rw"
LOGIN_URL = "/admin/login/"
CHANGE_URL = "/admin/mat-khau/doi/"


def age_policy_snapshot(client) -> None:
    """Make the session's copy of the policy stale, as after POLICY_REFRESH_SECONDS."""
    session = client.session
    session[POLICY_SESSION_KEY]["read_at"] -= POLICY_REFRESH_SECONDS + 1
    session.save()


def set_policy(**values) -> SecurityPolicy:
    policy = SecurityPolicy.load()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    return policy


@pytest.fixture
def officer(django_user_model):
    """An account that may enter the admin (no other permission)."""
    user = django_user_model.objects.create_user(username="canbo", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


def login(client, password: str, username: str = "canbo"):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def events(kind: str, user) -> int:
    return SecurityEvent.objects.filter(kind=kind, user_id=user.pk).count()


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Lockout ---------------------------------------------------------------------------------------


def test_change_url_is_the_vietnamese_path():
    assert reverse("portal_passwords:change") == CHANGE_URL


def test_a_good_login_records_login_and_resets_the_counter(client, officer):
    login(client, "sai-mat-khau")
    login(client, "sai-mat-khau")
    officer.refresh_from_db()
    assert officer.failed_login_count == 2
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)
    officer.refresh_from_db()
    assert officer.failed_login_count == 0
    assert events(SecurityEventKind.LOGIN_FAILED, officer) == 2
    assert events(SecurityEventKind.LOGIN, officer) == 1


def test_the_account_locks_after_the_threshold_and_the_right_password_is_refused(client, officer):
    set_policy(lockout_threshold=3)
    for attempt in range(1, 3):
        response = login(client, "sai-mat-khau")
        officer.refresh_from_db()
        assert (officer.failed_login_count, officer.locked_at) == (attempt, None)
        assert response.context["form"].errors.as_data()["__all__"][0].code == "invalid_login"
    response = login(client, "sai-mat-khau")
    officer.refresh_from_db()
    assert officer.failed_login_count == 3
    assert officer.is_locked
    assert officer.lock_reason
    assert events(SecurityEventKind.LOGIN_FAILED, officer) == 3
    assert events(SecurityEventKind.LOCKED, officer) == 1
    # A wrong password never tells that the account exists and is locked...
    assert response.context["form"].errors.as_data()["__all__"][0].code == "invalid_login"
    assert login(client, "sai-nua").context["form"].errors.as_data()["__all__"][0].code == "invalid_login"
    # ...the right one does, so its owner knows to call the administrator.

    response = login(client, PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)
    form_error = response.context["form"].non_field_errors()[0]
    assert response.context["form"].errors.as_data()["__all__"][0].code == "account_locked"
    assert form_error in response.content.decode()
    assert events(SecurityEventKind.LOGIN, officer) == 0
    assert events(SecurityEventKind.LOCKED, officer) == 1  # not locked twice
    officer.refresh_from_db()
    assert officer.failed_login_count == 3  # attempts while locked are logged, not counted again


def test_unknown_user_names_are_recorded_without_a_user(client):
    response = login(client, "whatever", username="khong-ton-tai")
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == "invalid_login"
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert (event.user_id, event.username) == (None, "khong-ton-tai")


def test_threshold_zero_never_locks(client, officer):
    set_policy(lockout_threshold=0)
    for _ in range(6):
        login(client, "sai-mat-khau")
    officer.refresh_from_db()
    assert officer.failed_login_count == 6
    assert not officer.is_locked
    assert login(client, PASSWORD).status_code == 302


def test_an_unlocked_account_signs_in_again(client, officer, admin_user):
    set_policy(lockout_threshold=2)
    login(client, "sai-mat-khau")
    login(client, "sai-mat-khau")
    officer.refresh_from_db()
    assert officer.is_locked
    account_unlock(actor=admin_user, user=officer)
    assert login(client, PASSWORD).status_code == 302
    assert signed_in(client)


def test_locking_ends_an_open_session(client, officer):
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200
    set_policy(lockout_threshold=1)
    login(client.__class__(), "sai-mat-khau")  # another browser fails once
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


# --- Forced change -------------------------------------------------------------------------------


def test_must_change_password_redirects_every_admin_page(client, officer):
    officer.must_change_password = True
    officer.save()
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == f"{CHANGE_URL}?next=%2Fadmin%2F"
    response = client.get("/admin/account/")
    assert response.url.startswith(CHANGE_URL)
    # The change page itself, the JavaScript catalogue and static files stay reachable.
    assert client.get(CHANGE_URL).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    assert client.get("/static/does-not-exist.css").status_code == 404
    # Signing out works.
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302
    assert not signed_in(client)


def test_api_answers_403_json_while_a_change_is_required(client, officer):
    officer.must_change_password = True
    officer.save()
    client.force_login(officer)
    response = client.get("/api/v1/units/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "password_change_required"
    assert body["change_url"] == CHANGE_URL
    assert body["detail"]


def basic(username: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_http_basic_obeys_the_forced_change_too(client, officer):
    """Basic auth is resolved inside DRF, after the middleware: the API checks again."""
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION=basic("canbo", PASSWORD)).status_code == 200
    officer.must_change_password = True
    officer.save()
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION=basic("canbo", PASSWORD))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "password_change_required"
    assert body["change_url"] == CHANGE_URL
    assert body["detail"] == "Bạn phải đổi mật khẩu trước khi sử dụng hệ thống."


def test_http_basic_wrong_passwords_count_towards_the_lockout(client, officer):
    set_policy(lockout_threshold=3)
    for _ in range(3):
        assert client.get("/api/v1/units/", HTTP_AUTHORIZATION=basic("canbo", "sai-mat-khau")).status_code == 403
    officer.refresh_from_db()
    assert officer.locked_at is not None
    # Locked: even the right password is refused.
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION=basic("canbo", PASSWORD)).status_code == 403


def test_an_expired_password_redirects(client, officer):
    set_policy(password_max_age_days=90)
    officer.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    officer.save()
    client.force_login(officer)
    assert client.get("/admin/").url.startswith(CHANGE_URL)
    assert client.get("/api/v1/units/").status_code == 403


def test_a_recent_password_or_no_expiry_does_not_redirect(client, officer):
    set_policy(password_max_age_days=90)
    officer.password_changed_at = timezone.now() - datetime.timedelta(days=89)
    officer.save()
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200
    officer.password_changed_at = timezone.now() - datetime.timedelta(days=400)
    officer.save()
    set_policy(password_max_age_days=0)
    age_policy_snapshot(client)
    assert client.get("/admin/").status_code == 200


def test_an_account_without_a_change_date_is_not_expired(client, officer):
    set_policy(password_max_age_days=1)
    assert officer.password_changed_at is None
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200


# --- Change-password page -----------------------------------------------------------------------


def test_the_change_page_clears_the_flag_and_keeps_the_session(client, officer):
    officer.must_change_password = True
    officer.save()
    client.force_login(officer)
    page = client.get(f"{CHANGE_URL}?next=/admin/account/")
    assert page.status_code == 200
    assert 'name="new_password_confirm"' in page.content.decode()
    assert "help-warning" in page.content.decode()  # why the page is shown
    response = client.post(
        f"{CHANGE_URL}?next=/admin/account/",
        {
            "old_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
            "next": "/admin/account/",
        },
    )
    assert response.status_code == 302
    assert response.url == "/admin/account/"
    officer.refresh_from_db()
    assert officer.must_change_password is False
    assert officer.check_password(NEW_PASSWORD)
    assert officer.password_changed_at is not None
    assert PasswordHistory.objects.filter(user=officer).count() == 1
    assert events(SecurityEventKind.PASSWORD_CHANGED, officer) == 1
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_the_change_page_reports_errors_on_their_fields(client, officer):
    client.force_login(officer)
    response = client.post(
        CHANGE_URL, {"old_password": "sai", "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"old_password"}

    response = client.post(
        CHANGE_URL, {"old_password": PASSWORD, "new_password": "canbo#2026X", "new_password_confirm": "canbo#2026X"}
    )
    assert set(response.context["form"].errors) == {"new_password"}
    response = client.post(
        CHANGE_URL, {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD + "x"}
    )
    assert set(response.context["form"].errors) == {"new_password_confirm"}
    response = client.post(
        CHANGE_URL, {"old_password": PASSWORD, "new_password": PASSWORD, "new_password_confirm": PASSWORD}
    )
    assert set(response.context["form"].errors) == {"new_password"}
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert not PasswordHistory.objects.filter(user=officer).exists()
    assert events(SecurityEventKind.PASSWORD_CHANGED, officer) == 0


def test_the_change_page_needs_a_signed_in_user(client):
    response = client.get(CHANGE_URL)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_the_account_menu_links_to_the_change_page(client, officer):
    client.force_login(officer)
    assert CHANGE_URL in client.get("/admin/account/").content.decode()


# --- Session expiry ----------------------------------------------------------------------------


def test_session_expiry_follows_the_policy(client, officer):
    set_policy(session_idle_minutes=15)
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session.get_expiry_age() == 15 * 60
    set_policy(session_idle_minutes=45)
    client.get("/admin/")
    assert client.session.get_expiry_age() == 15 * 60  # the session's copy is still fresh
    age_policy_snapshot(client)
    client.get("/admin/")
    assert client.session.get_expiry_age() == 45 * 60


def test_a_policy_change_reaches_open_sessions_after_the_refresh(client, officer):
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200
    officer.password_changed_at = timezone.now() - datetime.timedelta(days=10)
    officer.save()
    set_policy(password_max_age_days=5)
    age_policy_snapshot(client)
    assert client.get("/admin/").url.startswith(CHANGE_URL)


def test_an_ordinary_request_does_not_read_the_policy(client, officer):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    assert not [query for query in queries if "portal_securitypolicy" in query["sql"]]
