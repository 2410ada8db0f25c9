"""Fixtures of the import tests: units, a clerk and a system administrator, workbooks built with
openpyxl, and a helper that creates and runs an import job the way the admin and the CLI do."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from imports.choices import ImportMode
from imports.models import ImportJob, ImportRow
from imports.services.jobs import import_job_create, import_job_run
from portal.choices import Role
from tests.permissions import make_account
from tests.records.factories import make_dossier

# The headers a province's own sheet typically carries (synonyms, not our template's headers).
HEADERS = ["Số CCCD", "Họ và tên", "Giới tính", "Ngày sinh", "Dân tộc", "Loại cán bộ", "Số điện thoại"]

# Valid personal ids: birth registered in Đồng Tháp (087), 4th digit 0 = male born 19xx,
# 1 = female born 19xx, then the year's two digits.
MAN_1990 = "087090000123"
WOMAN_1985 = "087185000456"


def person_id(number: int, *, year: int = 1990, female: bool = False, province: str = "087") -> str:
    """A valid personal id for a person born in ``year`` (1900–2099)."""
    century = 0 if year < 2000 else 2
    return f"{province}{century + (1 if female else 0)}{year % 100:02d}{number:06d}"


def person_row(
    pid: str,
    name: str = "Nguyễn Văn Thắng",
    *,
    sex: str = "Nam",
    birth: object = "17/05/1990",
    ethnicity: object = "Kinh",
    category: object = "CC",
    phone: object = "0912345678",
) -> list:
    """One row under ``HEADERS``."""
    return [pid, name, sex, birth, ethnicity, category, phone]


def workbook(
    rows: list[list],
    headers: list[str] | None = None,
    *,
    title_row: bool = False,
    sheet: str = "Hồ sơ",
    extra_sheets: dict[str, list[list]] | None = None,
) -> bytes:
    """An xlsx (openpyxl) with ``headers`` then ``rows`` on sheet ``sheet``; ``title_row`` puts a
    one-cell title above the header, as provinces' sheets do. ``extra_sheets``: {name: rows}."""
    book = Workbook()
    main = book.active
    main.title = sheet
    if title_row:
        main.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC NĂM 2026"])
    main.append(list(HEADERS if headers is None else headers))
    for row in rows:
        main.append(list(row))
    for name, extra_rows in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in extra_rows:
            other.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_job(
    *,
    actor,
    unit,
    content: bytes,
    target: str = "dossiers",
    commit: bool = False,
    check_first: bool = False,
    mode: str = ImportMode.ALL,
    publish: bool = False,
    mapping=None,
    filename: str = "danh-sach.xlsx",
    sheet: str = "",
) -> tuple[ImportJob, list[ImportRow]]:
    """Create the job and run it (a dry run, or an import; ``check_first``: a dry run, then the
    import of the same job, as the admin does); return the job and its row outcomes."""
    job = import_job_create(
        actor=actor,
        target=target,
        unit=unit,
        filename=filename,
        content=content,
        mapping=mapping,
        mode=mode,
        publish=publish,
        sheet=sheet,
    )
    if check_first and commit:
        import_job_run(job=job, commit=False)
    job = import_job_run(job=job, commit=commit)
    job.refresh_from_db()
    return job, list(ImportRow.objects.filter(job=job).order_by("row_number"))


def row_messages(row: ImportRow) -> list[str]:
    return [error["message"] for error in row.errors]


@pytest.fixture
def units(province):
    """Unit A (Sở Nội vụ, with its sub-unit Chi cục) and unit B (Sở Tài chính)."""
    return {
        "a": province["noi_vu"],
        "a_child": province["chi_cuc"],
        "b": province["tai_chinh"],
        "root": province["root"],
    }


@pytest.fixture
def clerk(units):
    """An HR clerk of unit A (its subtree)."""
    return make_account("tccb.snv", unit=units["a"], role=Role.HR_CLERK)


@pytest.fixture
def clerk_b(units):
    return make_account("tccb.stc", unit=units["b"], role=Role.HR_CLERK)


@pytest.fixture
def system_admin(units):
    """A system administrator of the province (a grant over the root unit)."""
    return make_account("quantri.snv", unit=units["root"], role=Role.SYSTEM_ADMIN)


@pytest.fixture
def dossier_a(units):
    """A published dossier in unit A: Nguyễn Văn Thắng, male, 17/05/1990, MAN_1990."""
    return make_dossier(units["a"], personal_id=MAN_1990)


@pytest.fixture
def dossier_b(units):
    """A published dossier in unit B: Trần Thị Hoa, female, 1985, WOMAN_1985."""
    from tests.records.factories import BASE_CONTENT

    identity = {**BASE_CONTENT["identity"], "full_name": "Trần Thị Hoa", "sex": "2", "birth_date": "1985-03-08"}
    return make_dossier(units["b"], personal_id=WOMAN_1985, identity=identity)


@pytest.fixture
def today():
    return datetime.date.today()


@pytest.fixture
def vietnamese(settings):
    """The screens in Vietnamese, as a province runs them (``pytestmark = pytest.mark.usefixtures(...)``)."""
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
