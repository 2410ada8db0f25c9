"""Vietnamese-first settings and formats."""

import datetime

from django.conf import settings
from django.utils import formats, translation

from portal.formatting import format_decimal, format_vnd


def test_language_time_zone_and_database():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert ("en", "English") in settings.LANGUAGES


def test_dates_and_money_in_vietnamese():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2026, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2026"
        assert format_vnd(2340000) == "2.340.000 ₫"
        assert format_decimal("2.34") == "2,34"
    with translation.override("en"):
        assert format_vnd(2340000) == "2,340,000 ₫"
        assert formats.date_format(datetime.date(2026, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2026"


def test_vietnamese_date_input_accepted():
    from django import forms

    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = DateForm({"day": "31/12/2025"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2025, 12, 31)


def test_admin_language_is_vietnamese_by_default_and_english_per_user(client, admin_user):
    from wagtail.users.models import UserProfile

    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()
    assert "Tình trạng hệ thống" in response.content.decode()

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    response = client.get("/admin/")
    assert 'lang="en"' in response.content.decode()
    assert "System status" in response.content.decode()


def test_browser_language_does_not_override_vietnamese(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert 'lang="vi"' in page and "Tình trạng hệ thống" in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert " ".join(title.split()).endswith(" - Hồ sơ CBCCVC")


def test_language_cookie_switches_to_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    page = client.get("/admin/login/").content.decode()
    assert 'lang="en"' in page and "Sign in to the personnel records portal" in page
    client.post("/i18n/setlang/", {"language": "vi", "next": "/admin/login/"})
    page = client.get("/admin/login/").content.decode()
    assert 'lang="vi"' in page and "Đăng nhập cổng hồ sơ cán bộ, công chức, viên chức" in page
