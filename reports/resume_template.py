"""The TT 06/2023 résumé template as data: its wording, its numbered items and their layout.

Rebuilt from domain.md §1.2–1.3 (field order and labels [V2]; the exact wording of
the form's italic hints is [U] there). The labels are the form's Vietnamese text and
are printed as they are in every interface language: the résumé is a legal document.
Each value names the dossier content it prints (``section``, ``field`` from
``records.sections``); how a value is formatted follows from the field's kind there
(``reports.resume``). Changing the form means changing this file only (its building blocks:
``reports.resume_blocks``).
"""

from __future__ import annotations

from reports.resume_blocks import (
    AS_MONTH,
    CODE_ITSELF,
    DAY,
    MONTH,
    PERSONAL_ID,
    UPPER,
    YEAR,
    Group,
    Rows,
    Text,
    c,
    item,
    v,
)

TITLE = "SƠ YẾU LÝ LỊCH"
HEADER_LABELS = ("Cơ quan quản lý CBCCVC", "Cơ quan, đơn vị sử dụng CBCCVC", "Số hiệu", "Mã số định danh")
PHOTO = {"label": "Ảnh màu", "size": "(4 × 6 cm)"}
SIGNATURE = {
    "declarant": {
        "title": "NGƯỜI KHAI",
        "lines": ["Tôi xin cam đoan những lời khai trên đây là đúng sự thật."],
        "hint": "(Ký tên, ghi rõ họ tên)",
    },
    "head": {"title": "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "lines": [], "hint": "(Ký tên, đóng dấu)"},
}
DOTS = "……………"

FROM = c("Tháng/năm\nTừ", "period_from", cls="period")
TO = c("Tháng/năm\nĐến", "period_to", cls="period")
INSTITUTION = c("Tên cơ sở đào tạo", "institution", cls="wide")
FAMILY_COLUMNS = (
    c("Mối quan hệ", "relation", cls="narrow"),
    c("Họ và tên", "full_name"),
    c("Năm sinh", "birth_year", cls="narrow"),
    c(
        "Quê quán, nghề nghiệp, chức danh, chức vụ, đơn vị công tác, học tập, nơi ở (trong, ngoài nước); thành viên "
        "các tổ chức chính trị - xã hội (trong, ngoài nước); làm việc cho chế độ cũ, tiền án, tiền sự (nếu có)",
        "details",
        cls="wide",
    ),
)
ID, BG, ED, POS, PAY = "identity", "background", "education", "positions", "salary"
HOUSE_A, HOUSE_B = ("assets", "housing_allocated"), ("assets", "housing_owned")

# Items 1–5 stand beside the photo box; the rest follow below it.
ITEMS: tuple = (
    item("1", (v("Họ và tên khai sinh (viết chữ in hoa)", ID, "full_name", how=UPPER), v("Giới tính", ID, "sex"))),
    item("2", v("Các tên gọi khác", ID, "other_names")),
    item(
        "3",
        (
            v("Sinh ngày", ID, "birth_date", how=DAY, sep=" "),
            v("tháng", ID, "birth_date", how=MONTH, sep=" "),
            v("năm", ID, "birth_date", how=YEAR, sep=" "),
        ),
    ),
    item("4", v("Nơi sinh", ID, "birth_place")),
    item("5", v("Quê quán (xã, phường, tỉnh, thành phố)", ID, "hometown")),
    item("6", v("Dân tộc", ID, "ethnicity")),
    item("7", v("Tôn giáo", ID, "religion")),
    item("8", (v("Số CCCD", ID, how=PERSONAL_ID), v("Ngày cấp", ID, "id_issued_on"), v("SĐT liên hệ", ID, "phone"))),
    item("9", (v("Số BHXH", ID, "social_insurance_number"), v("Số thẻ BHYT", ID, "health_insurance_number"))),
    item("10", v("Nơi ở hiện nay", ID, "current_address")),
    item("11", v("Thành phần gia đình xuất thân", BG, "family_background")),
    item("12", v("Nghề nghiệp trước khi được tuyển dụng", BG, "occupation_before_recruitment")),
    item(
        "13",
        v("Ngày được tuyển dụng lần đầu", BG, "first_recruited_on"),
        v("Cơ quan, tổ chức, đơn vị tuyển dụng", BG, "recruiting_body"),
    ),
    item("14", v("Ngày vào cơ quan hiện đang công tác", BG, "joined_current_agency_on")),
    item(
        "15",
        (v("Ngày vào Đảng Cộng sản Việt Nam", BG, "party_joined_on"), v("Ngày chính thức", BG, "party_official_on")),
    ),
    item(
        "16",
        v(
            "Ngày tham gia tổ chức chính trị - xã hội đầu tiên (ngày vào Đoàn TNCS Hồ Chí Minh, Công đoàn, Hội…)",
            BG,
            "socio_political_joined_on",
            "socio_political_organisation",
        ),
    ),
    item(
        "17",
        (
            v("Ngày nhập ngũ", BG, "military_enlisted_on"),
            v("Ngày xuất ngũ", BG, "military_discharged_on"),
            v("Quân hàm cao nhất", BG, "military_rank"),
        ),
    ),
    item("18", v("Đối tượng chính sách", BG, "policy_beneficiary")),
    item("19", v("Trình độ giáo dục phổ thông (đã tốt nghiệp lớp mấy/thuộc hệ nào)", ED, "general_education")),
    item("20", v("Trình độ chuyên môn cao nhất", ED, "highest_qualification")),
    item("21", v("Học hàm", ED, "academic_title")),
    item("22", v("Danh hiệu nhà nước phong tặng", ED, "honorary_title")),
    item(
        "23",
        v("Chức vụ hiện tại", POS, "position"),
        (
            v("Ngày bổ nhiệm/ngày phê chuẩn", POS, "position_appointed_on"),
            v("Ngày bổ nhiệm lại/phê chuẩn nhiệm kỳ tiếp theo", POS, "position_reappointed_on"),
        ),
    ),
    item("24", v("Được quy hoạch chức danh", POS, "succession_plan")),
    item("25", v("Chức vụ kiêm nhiệm", POS, "concurrent_position")),
    item("26", v("Chức vụ Đảng hiện tại", POS, "party_position")),
    item("27", v("Chức vụ Đảng kiêm nhiệm", POS, "party_concurrent_position")),
    item("28", v("Công việc chính được giao", POS, "main_work")),
    item("29", (v("Sở trường công tác", POS, "strengths"), v("Công việc làm lâu nhất", POS, "longest_job"))),
    Group(
        "30",
        "Tiền lương",
        (
            item(
                "30.1",
                (v("Ngạch/chức danh nghề nghiệp", PAY, "grade"), v("Mã số", PAY, "grade", how=CODE_ITSELF)),
                v("Ngày bổ nhiệm ngạch/chức danh nghề nghiệp", PAY, "grade_appointed_on"),
                (
                    v("Bậc lương", PAY, "salary_step"),
                    v("Hệ số", PAY, "salary_coefficient"),
                    v("Ngày hưởng", PAY, "salary_effective_on"),
                ),
                (
                    v("Phần trăm hưởng", PAY, "salary_percent"),
                    v("Phụ cấp thâm niên vượt khung", PAY, "seniority_excess_percent"),
                    v("Ngày hưởng PCTNVK", PAY, "seniority_excess_from"),
                ),
            ),
            item(
                "30.2",
                (v("Phụ cấp chức vụ", PAY, "position_allowance"), v("Phụ cấp kiêm nhiệm", PAY, "concurrent_allowance")),
                v("Phụ cấp khác", PAY, "other_allowances"),
            ),
            item(
                "30.3",
                (v("Vị trí việc làm", PAY, "job_position"), v("Mã số", PAY, "job_position_code")),
                (
                    v("Bậc lương", PAY, "job_salary_step"),
                    v("Lương theo mức tiền", PAY, "job_salary_amount", suffix=" đồng"),
                    v("Ngày hưởng", PAY, "job_salary_effective_on"),
                ),
                (
                    v("Phần trăm hưởng", PAY, "job_salary_percent"),
                    v("Phụ cấp thâm niên vượt khung", PAY, "job_seniority_excess_percent"),
                    v("Ngày hưởng PCTNVK", PAY, "job_seniority_excess_from"),
                ),
            ),
        ),
        heading=False,
    ),
    item(
        "31",
        v("Tình trạng sức khoẻ", "health", "health_status"),
        (
            v("Chiều cao", "health", "height_cm", suffix=" cm"),
            v("Cân nặng", "health", "weight_kg", suffix=" kg"),
            v("Nhóm máu", "health", "blood_group"),
        ),
    ),
    Group(
        "32",
        "QUÁ TRÌNH ĐÀO TẠO, BỒI DƯỠNG",
        (
            Rows(
                "32.1",
                "Chuyên môn (từ trung cấp trở lên cả trong nước và nước ngoài)",
                "training_professional",
                (
                    FROM,
                    TO,
                    INSTITUTION,
                    c("Chuyên ngành đào tạo", "major"),
                    c("Hình thức đào tạo", "training_form"),
                    c("Văn bằng, trình độ", "degree", "qualification"),
                ),
            ),
            Rows(
                "32.2",
                "Lý luận chính trị",
                "training_political",
                (
                    FROM,
                    TO,
                    INSTITUTION,
                    c("Hình thức đào tạo", "training_form"),
                    c("Văn bằng được cấp", "degree", "level"),
                ),
            ),
            Rows(
                "32.3",
                "Bồi dưỡng quản lý nhà nước/chức danh nghề nghiệp/nghiệp vụ chuyên ngành",
                "training_management",
                (FROM, TO, INSTITUTION, c("Chứng chỉ được cấp", "certificate", "level")),
            ),
            Rows(
                "32.4",
                "Bồi dưỡng kiến thức quốc phòng, an ninh",
                "training_defence",
                (FROM, TO, INSTITUTION, c("Chứng chỉ được cấp", "certificate")),
            ),
            Rows(
                "32.5",
                "Tin học",
                "training_it",
                (FROM, TO, INSTITUTION, c("Chứng chỉ được cấp", "certificate", "level")),
            ),
            Rows(
                "32.6",
                "Ngoại ngữ/tiếng dân tộc",
                "training_language",
                (
                    FROM,
                    TO,
                    INSTITUTION,
                    c("Tên ngoại ngữ/tiếng dân tộc", "language"),
                    c("Chứng chỉ được cấp", "certificate", "level"),
                    c("Điểm số", "score", cls="narrow"),
                ),
            ),
        ),
    ),
    Rows(
        "33",
        "TÓM TẮT QUÁ TRÌNH CÔNG TÁC",
        "work_history",
        (
            FROM,
            TO,
            c("Đơn vị công tác (đảng, chính quyền, đoàn thể, tổ chức xã hội)", "workplace", cls="wide"),
            c("Chức danh/chức vụ", "title"),
        ),
        heading=True,
    ),
    Group(
        "34",
        "ĐẶC ĐIỂM LỊCH SỬ BẢN THÂN",
        (
            Text(
                "34.1",
                "Khai rõ: bị bắt, bị tù (từ ngày tháng năm nào đến ngày tháng năm nào, ở đâu), đã khai báo cho ai, "
                "những vấn đề gì",
                "arrests",
                "arrest_history",
            ),
            Rows(
                "34.2",
                "Bản thân có làm việc cho chế độ cũ",
                "former_regime",
                (FROM, TO, c("Chức danh, chức vụ, đơn vị, địa điểm đã làm việc", "description", cls="wide")),
            ),
            Rows(
                "34.3",
                "Tham gia hoặc có quan hệ với các tổ chức chính trị, kinh tế, xã hội… ở nước ngoài",
                "foreign_organisations",
                (FROM, TO, c("Tên tổ chức, địa chỉ trụ sở, công việc đã làm", "description", cls="wide")),
            ),
        ),
    ),
    Group(
        "35",
        "KHEN THƯỞNG, KỶ LUẬT",
        (
            Rows(
                "35.1",
                "Thành tích thi đua, khen thưởng",
                "rewards",
                (
                    c("Năm", "year", cls="narrow"),
                    c("Xếp loại chuyên môn", "professional_rating"),
                    c("Xếp loại thi đua", "emulation_rating"),
                    c("Hình thức khen thưởng", "reward_form", "reward_detail", cls="wide"),
                ),
            ),
            Rows(
                "35.2",
                "Kỷ luật Đảng/hành chính",
                "discipline",
                (
                    FROM,
                    TO,
                    c("Hình thức", "form"),
                    c("Hành vi vi phạm chính", "violation", cls="wide"),
                    c("Cơ quan quyết định", "deciding_body"),
                ),
            ),
        ),
    ),
    Group(
        "36",
        "QUAN HỆ GIA ĐÌNH",
        (
            Rows(
                "36.1", "Về bản thân: Cha, Mẹ, Vợ (hoặc chồng), các con, anh chị em ruột", "family_own", FAMILY_COLUMNS
            ),
            Rows("36.2", "Cha, Mẹ, anh chị em ruột (bên vợ hoặc chồng)", "family_spouse", FAMILY_COLUMNS),
        ),
    ),
    Group(
        "37",
        "HOÀN CẢNH KINH TẾ GIA ĐÌNH",
        (
            Rows(
                "37.1",
                "Quá trình lương của bản thân",
                "salary_history",
                (
                    c("Tháng/năm\nTừ", "date_from", cls="period", how=AS_MONTH),
                    c("Tháng/năm\nĐến", "date_to", cls="period", how=AS_MONTH),
                    c("Mã số", "grade", cls="number", how=CODE_ITSELF),
                    c("Bậc lương", "step", cls="narrow"),
                    c("Hệ số lương", "coefficient", cls="number"),
                    c("Tiền lương theo vị trí việc làm", "job_position_amount"),
                ),
            ),
            Rows(
                "37.2",
                "Các loại phụ cấp khác",
                "allowances",
                (
                    FROM,
                    TO,
                    c("Loại phụ cấp", "allowance_type", cls="wide"),
                    c("Phần trăm hưởng", "percent", cls="number"),
                    c("Hệ số", "coefficient", cls="number"),
                    c("Hình thức hưởng", "form"),
                    c("Giá trị (đồng)", "amount", cls="number"),
                ),
            ),
            item(
                "37.3",
                v("Tiền lương", "assets", "income_salary", suffix=" đồng"),
                v("Các nguồn khác", "assets", "income_other"),
                v(
                    "Nhà ở được cấp, được thuê (loại nhà, tổng diện tích sử dụng, giấy chứng nhận quyền sở hữu)",
                    *HOUSE_A,
                ),
                v("Nhà ở tự mua, tự xây (loại nhà, tổng diện tích sử dụng, giấy chứng nhận quyền sở hữu)", *HOUSE_B),
                v("Đất ở được cấp (diện tích, giấy chứng nhận quyền sử dụng)", "assets", "land_allocated"),
                v("Đất ở tự mua (diện tích, giấy chứng nhận quyền sử dụng)", "assets", "land_owned"),
                v("Đất sản xuất, kinh doanh", "assets", "land_business"),
                title="Nguồn thu nhập chính của gia đình hàng năm",
            ),
        ),
    ),
    Text("38", "NHẬN XÉT, ĐÁNH GIÁ CỦA CƠ QUAN, TỔ CHỨC, ĐƠN VỊ SỬ DỤNG", "remarks", "remarks", heading=True),
)
ITEMS_BESIDE_PHOTO = 5
