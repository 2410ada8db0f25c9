"""Word lists and staffing tables of the demo people (Mekong delta: the default demo province is Đồng Tháp).

Weighted lists are written ``"name weight, name weight"`` so they read like the statistics they come from.
Catalogue codes named here are only preferences: the generator keeps those in use in the catalogues at run time.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple


@cache
def table(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """``"Nguyễn 38, Trần 11"`` → ``(("Nguyễn", "Trần"), (38, 11))``."""
    items = [item.strip().rsplit(" ", 1) for item in text.split(",")]
    return tuple(name for name, _weight in items), tuple(int(weight) for _name, weight in items)


def words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(","))


# --- names (domain.md §9) --------------------------------------------------------------------------
SURNAMES = (
    "Nguyễn 38, Trần 11, Lê 9, Phạm 6, Huỳnh 5, Võ 5, Phan 4, Trương 2, Đặng 2, Bùi 2, Hồ 2, Ngô 1, Dương 1, Lý 1, "
    "Đỗ 1, Hoàng 1, Vũ 1, Lâm 1, Đoàn 1, Mai 1, Cao 1, Châu 1, Lương 1, Tô 1, Đinh 1"
)
MIDDLE_NAMES = {
    False: "Văn 30, Minh 8, Hữu 7, Quốc 7, Thanh 6, Tấn 6, Hoàng 5, Công 5, Thành 4, Đức 4, Duy 4, Phước 3, Trung 3, "
    "Ngọc 3, Nhật 3, Chí 3, Trọng 3, Anh 2, Hoài 2",
    True: "Thị 40, Ngọc 10, Thanh 6, Thu 6, Kim 6, Hồng 5, Mỹ 5, Bích 4, Phương 4, Thùy 4, Cẩm 3, Diễm 3, Tuyết 2, "
    "Minh 3, Trúc 3, Khánh 2, Bảo 2, Hoài 2, Yến 2",
}
SECOND_MIDDLE = words("Ngọc, Thanh, Kim, Mỹ, Thu, Bích")  # "Nguyễn Thị Ngọc Hân", common in the south
GIVEN_NAMES = {
    False: words(
        "Hùng, Dũng, Tuấn, Minh, Hải, Phong, Long, Nam, Hiếu, Thắng, Phúc, Tài, Trí, Nhân, Nghĩa, Thịnh, Khoa, Huy, "
        "Khang, Lộc, Toàn, Tâm, Quang, Bình, Sơn, Tùng, Vinh, Hậu, Phát, Đạt, Tú, Trung, Hòa, Cường, Hưng, Kiệt, "
        "Luân, Thuận, Tín, Nhựt, Lợi, Thiện, Vũ, Khải, Định, Bảo, Thái, Danh"
    ),
    True: words(
        "Lan, Hương, Hoa, Mai, Linh, Trang, Thảo, Hạnh, Nhung, Phương, Ngân, Hà, Hằng, Thủy, Loan, Tuyết, Trinh, "
        "Diễm, Ngọc, Vy, Thư, Yến, Anh, Quyên, Nhi, Hân, Oanh, Huyền, Duyên, Tiên, Thắm, Liên, Xuân, Nga, Giang, "
        "Hiền, Kiều, Uyên, Như, Trâm, Châu, My, Dung, Cúc, Phượng, Vân, Thúy, Hồng"
    ),
}
KHMER_SURNAMES = words("Thạch, Sơn, Kim, Danh, Lâm, Trà")
KHMER_GIVEN_NAMES = {
    False: words("Sa Rươl, Sóc, Chanh Đa, Sô Phanh, Rết"),
    True: words("Sa Ri, Sô Phi, Srây, Sóc Khum"),
}
HOA_SURNAMES = words("Lâm, Quách, Trương, Lý, Huỳnh, Tăng, Lưu, Mã")

# --- identity and places (dan_toc, ton_giao codes) -----------------------------------------------
KINH, HOA, KHMER, NO_RELIGION, BUDDHISM = "01", "04", "05", "99", "01"
ETHNICITY = "01 965, 05 20, 04 15"
RELIGION = "99 62, 01 18, 03 8, 05 5, 02 5, 08 2"  # Hòa Hảo and Cao Đài are strong in the delta
# GSO commune codes keep the numbering of the former provinces (before the 2025 mergers), so they tell the
# birth-registration code of a commune's births. Only the ranges checked against the data are listed.
FORMER_PROVINCES = {
    "079": (26734, 27679),  # Thành phố Hồ Chí Minh
    "080": (27694, 28243),  # Long An
    "082": (28249, 28752),  # Tiền Giang
    "083": (28756, 29241),  # Bến Tre
    "084": (29242, 29550),  # Trà Vinh
    "086": (29551, 29868),  # Vĩnh Long
    "087": (29869, 30279),  # Đồng Tháp
    "092": (31117, 31320),  # Cần Thơ
}
BORN_ELSEWHERE = "079 4, 086 3, 083 2, 080 2, 092 2, 001 1"
HAMLETS = words("1, 2, 3, 4, Tân Thuận, Bình Hòa, Mỹ Tây, An Lợi, Phú Hòa, Long Hưng, Thạnh Lợi, Hòa Khánh, Tân Lập")
STREETS = words("Nguyễn Huệ, Lê Lợi, Trần Hưng Đạo, Hùng Vương, Nguyễn Trãi, Lý Thường Kiệt, 30 Tháng 4, Lê Duẩn")
PHONE_PREFIXES = words("090, 091, 093, 094, 097, 098, 086, 039, 036, 070, 077, 083, 088")
FAMILY_BACKGROUNDS = "Nông dân 45, Công nhân 12, Tiểu thương 12, Công chức 16, Viên chức 15"
BLOOD_GROUPS = "O 42, B 31, A 21, AB 6"

# --- studies -------------------------------------------------------------------------------------
SUBJECTS = words("Toán học, Ngữ văn, Tiếng Anh, Vật lý, Hóa học, Sinh học, Lịch sử, Địa lý, Tin học, Giáo dục thể chất")
# Civil servants' majors and where they are taught (field "adm").
ADMIN_MAJORS = {
    "Luật": words("Trường Đại học Luật Thành phố Hồ Chí Minh, Trường Đại học Cần Thơ"),
    "Kinh tế": words("Trường Đại học Kinh tế Thành phố Hồ Chí Minh, Trường Đại học Cần Thơ"),
    "Kế toán": words("Trường Đại học Kinh tế Thành phố Hồ Chí Minh, Trường Đại học Tiền Giang"),
    "Tài chính - Ngân hàng": words("Trường Đại học Kinh tế Thành phố Hồ Chí Minh, Trường Đại học Cần Thơ"),
    "Quản lý nhà nước": words("Học viện Hành chính Quốc gia"),
    "Công nghệ thông tin": words("Trường Đại học Cần Thơ, Trường Đại học Đồng Tháp"),
    "Nông học": words("Trường Đại học Cần Thơ, Trường Đại học Nông Lâm Thành phố Hồ Chí Minh"),
    "Quản lý đất đai": words("Trường Đại học Nông Lâm Thành phố Hồ Chí Minh, Trường Đại học Cần Thơ"),
    "Khoa học môi trường": words("Trường Đại học Cần Thơ"),
    "Lưu trữ học": words("Trường Đại học Khoa học Xã hội và Nhân văn Thành phố Hồ Chí Minh"),
}
# field → (universities, colleges) when the major does not say
SCHOOLS = {
    "edu": (
        words("Trường Đại học Đồng Tháp, Trường Đại học Cần Thơ, Trường Đại học Sư phạm Thành phố Hồ Chí Minh"),
        words("Trường Cao đẳng Cộng đồng Đồng Tháp, Trường Cao đẳng Sư phạm Trung ương Thành phố Hồ Chí Minh"),
    ),
    "med": (
        words("Trường Đại học Y Dược Cần Thơ, Trường Đại học Y Dược Thành phố Hồ Chí Minh"),
        words("Trường Cao đẳng Y tế Đồng Tháp, Trường Cao đẳng Y tế Tiền Giang, Trường Cao đẳng Y tế Cần Thơ"),
    ),
    "adm": (words("Trường Đại học Cần Thơ"), words("Trường Cao đẳng Cộng đồng Đồng Tháp")),
    "voc": ((), words("Trường Cao đẳng nghề Đồng Tháp, Trường Cao đẳng Tiền Giang")),
}
MASTERS = {
    "edu": (("Quản lý giáo dục", words("Trường Đại học Sư phạm Thành phố Hồ Chí Minh, Trường Đại học Cần Thơ")),),
    "adm": (
        ("Quản lý công", words("Học viện Hành chính Quốc gia")),
        ("Luật Kinh tế", words("Trường Đại học Luật Thành phố Hồ Chí Minh, Trường Đại học Cần Thơ")),
    ),
}
LANGUAGE_CERTIFICATES = {
    "CC_B": "Chứng chỉ tiếng Anh trình độ B",
    "BAC_2": "Chứng chỉ tiếng Anh bậc 2/6 (A2)",
    "BAC_3": "Chứng chỉ tiếng Anh bậc 3/6 (B1)",
    "CC_TIENG_DTTS": "Chứng chỉ tiếng Khmer",
}
INSPECTORATE = "Thanh tra tỉnh"  # portal.demo.DEPARTMENTS: its civil servants are inspectors
# Short IT and language courses
CENTRES = words("Trường Đại học Đồng Tháp, Trường Đại học Cần Thơ, Trường Đại học Tiền Giang")
LONG_STUDIES = ("Y khoa", "Y học dự phòng")  # six years


class Role(NamedTuple):
    category: str  # loai_nhan_su
    grades: tuple[str, ...]  # the career ladder (ngach_cdnn), entry grade first
    title: str  # job title in the work history ("" → the grade's label)
    field: str  # key of SCHOOLS ("" → no professional training row)
    majors: tuple[str, ...]
    work: str  # main assigned work (item 28)


def _role(category: str, grades: str, title: str, field: str, majors, work: str) -> Role:
    return Role(category, tuple(grades.split()), title, field, tuple(majors), work)


ROLES = {
    "gv_mn": _role("VC", "V.07.02.26 V.07.02.25 V.07.02.24", "Giáo viên", "edu", ["Giáo dục Mầm non"],
                   "Nuôi dưỡng, chăm sóc, giáo dục trẻ"),
    "gv_th": _role("VC", "V.07.03.29 V.07.03.28 V.07.03.27", "Giáo viên", "edu", ["Giáo dục Tiểu học"],
                   "Chủ nhiệm, giảng dạy lớp"),
    "gv_thcs": _role("VC", "V.07.04.32 V.07.04.31 V.07.04.30", "Giáo viên", "edu", SUBJECTS, "Giảng dạy môn"),
    "gv_thpt": _role("VC", "V.07.05.15 V.07.05.14 V.07.05.13", "Giáo viên", "edu", SUBJECTS, "Giảng dạy môn"),
    "bac_si": _role("VC", "V.08.01.03 V.08.01.02 V.08.01.01", "Bác sĩ", "med", ["Y khoa"], "Khám bệnh, chữa bệnh"),
    "bs_dp": _role("VC", "V.08.02.06 V.08.02.05", "Bác sĩ", "med", ["Y học dự phòng"], "Phòng, chống dịch bệnh"),
    "y_si": _role("VC", "V.08.03.07", "Y sĩ", "med", ["Y sĩ đa khoa"], "Khám bệnh, sơ cứu, tiêm chủng"),
    "dieu_duong": _role("VC", "V.08.05.12 V.08.05.11", "Điều dưỡng", "med", ["Điều dưỡng"], "Chăm sóc người bệnh"),
    "ho_sinh": _role("VC", "V.08.06.15", "Hộ sinh", "med", ["Hộ sinh"], "Chăm sóc sức khỏe sinh sản"),
    "duoc_si": _role("VC", "V.08.08.22 V.08.08.21", "Dược sĩ", "med", ["Dược học"], "Quản lý, cấp phát thuốc"),
    "duoc": _role("VC", "V.08.08.23", "Nhân viên dược", "med", ["Dược"], "Cấp phát thuốc"),
    "ktv": _role("VC", "V.08.07.18", "Kỹ thuật viên", "med", ["Kỹ thuật xét nghiệm y học"], "Xét nghiệm"),
    "dan_so": _role("VC", "V.08.10.28", "Dân số viên", "med", ["Y tế công cộng"], "Công tác dân số"),
    "cv": _role("CC", "01.003 01.002 01.001", "", "adm", ADMIN_MAJORS, "Tham mưu, tổng hợp, báo cáo"),
    "ke_toan": _role("CC", "06.031 06.030", "", "adm", ["Kế toán", "Tài chính - Ngân hàng"], "Kế toán, tài chính"),
    "thanh_tra": _role("CC", "04.025 04.024 04.023", "", "adm", ["Luật", "Kinh tế"], "Thanh tra, tiếp công dân"),
    "van_thu": _role("CC", "02.007 02.006", "", "adm", ["Lưu trữ học"], "Văn thư, lưu trữ"),
    "cb_xa": _role("CB", "01.003 01.002", "", "adm", ["Quản lý nhà nước", "Luật"], "Lãnh đạo, điều hành"),
    "lai_xe": _role("NLD_111", "01.010", "Lái xe", "", [], "Lái xe phục vụ công tác của cơ quan"),
    "bao_ve": _role("NLD_111", "01.011", "Nhân viên bảo vệ", "", [], "Bảo vệ cơ quan"),
    "phuc_vu": _role("NLD_111", "01.009", "Nhân viên phục vụ", "", [], "Phục vụ, vệ sinh cơ quan"),
    "ky_thuat": _role("NLD_111", "01.007", "Nhân viên kỹ thuật", "voc", ["Điện công nghiệp"], "Quản lý điện, nước"),
}  # fmt: skip
FEMALE_SHARE = {"gv_mn": 0.96, "ho_sinh": 0.95, "dieu_duong": 0.75, "phuc_vu": 0.8, "ke_toan": 0.7, "cv": 0.45}
FEMALE_SHARE |= {"thanh_tra": 0.35, "cb_xa": 0.25, "lai_xe": 0.0, "bao_ve": 0.0, "ky_thuat": 0.05}
DOCTORS = ("bac_si", "bs_dp")


class Staffing(NamedTuple):
    positions: dict[int, str]  # rank in the unit → chuc_vu_chinh_quyen: the first person heads the unit
    leader_role: str
    roles: str  # weighted roles of everyone else
    weight: int  # share of the province's people when the unit has no staffing quota
    earlier: str = ""  # where people of this kind of unit worked before ("" → a unit of the same kind)


def positions(text: str) -> dict[int, str]:
    """``"0 HIEU_TRUONG, 5 PHO_HIEU_TRUONG"`` → ``{0: "HIEU_TRUONG", 5: "PHO_HIEU_TRUONG"}``: deputies are
    spaced out so that a unit with few people in the demo is not made only of leaders."""
    return {int(rank): code for rank, code in (item.split() for item in text.split(","))}


SCHOOL_HEADS = positions("0 HIEU_TRUONG, 5 PHO_HIEU_TRUONG, 15 PHO_HIEU_TRUONG")
HOSPITAL_HEADS = positions("0 GD_DVSN, 5 PGD_DVSN, 10 TRUONG_KHOA, 15 PGD_DVSN, 20 TRUONG_KHOA, 30 TRUONG_KHOA")
COMMUNE_HEADS = positions("0 CT_UBND_XA, 1 CT_HDND_XA, 2 PCT_UBND_XA, 3 PCT_UBND_XA, 4 PCT_HDND_XA")
# Keys are unit types (loai_don_vi); "COMMUNE" stands for UBND_XA, UBND_PHUONG and UBND_DAC_KHU.
STAFFING = {
    "TRUONG_MN": Staffing(SCHOOL_HEADS, "gv_mn", "gv_mn 90, bao_ve 4, phuc_vu 6", 20, "Trường Mầm non"),
    "TRUONG_TH": Staffing(SCHOOL_HEADS, "gv_th", "gv_th 90, bao_ve 5, phuc_vu 5", 25, "Trường Tiểu học"),
    "TRUONG_THCS": Staffing(SCHOOL_HEADS, "gv_thcs", "gv_thcs 90, bao_ve 5, phuc_vu 5", 30, "Trường Trung học cơ sở"),
    "TRUONG_THPT": Staffing(SCHOOL_HEADS, "gv_thpt", "gv_thpt 88, bao_ve 5, phuc_vu 5, ky_thuat 2", 60,
                            "Trường Trung học phổ thông"),
    "TRAM_Y_TE": Staffing(positions("0 TRUONG_TRAM_Y_TE, 4 PHO_TRAM_Y_TE"), "bac_si",
                          "bac_si 15, y_si 25, dieu_duong 25, ho_sinh 15, duoc 10, dan_so 10", 8, "Trạm Y tế"),
    "BENH_VIEN": Staffing(HOSPITAL_HEADS, "bac_si", "bac_si 25, dieu_duong 35, ho_sinh 5, ktv 10, duoc_si 7, "
                          "lai_xe 3, bao_ve 5, phuc_vu 10", 150, "Trạm Y tế"),
    # Only the disease-control centre: other public service units need titles the catalogue does not have.
    "DVSN": Staffing(positions("0 GD_DVSN, 5 PGD_DVSN"), "bs_dp",
                     "bs_dp 30, ktv 20, dieu_duong 20, dan_so 15, lai_xe 5, bao_ve 5, phuc_vu 5", 60, "Trạm Y tế"),
    "SO": Staffing(positions("0 GD_SO, 1 PGD_SO, 3 PGD_SO"), "cv", "lai_xe 40, cv 40, van_thu 20", 5),
    "VP_UBND": Staffing(positions("0 CVP_UBND, 1 PCVP_UBND, 3 PCVP_UBND"), "cv", "lai_xe 50, cv 30, van_thu 20", 8),
    "PHONG": Staffing(positions("0 TP_SO, 3 PTP_SO"), "cv", "cv 70, ke_toan 15, van_thu 15", 6),
    "CHI_CUC": Staffing(positions("0 CCT_SO, 1 PCCT_SO"), "cv", "cv 80, ke_toan 20", 3),
    "PHONG_CHI_CUC": Staffing(positions("0 TP_CHICUC, 3 PTP_CHICUC"), "cv", "cv 85, ke_toan 15", 4),
    "COMMUNE": Staffing(COMMUNE_HEADS, "cb_xa", "cv 100", 6),
    "PHONG_XA": Staffing(positions("0 TP_XA, 3 PTP_XA"), "cv", "cv 80, ke_toan 20", 7),
}  # fmt: skip
COMMUNE_TYPES = frozenset({"UBND_XA", "UBND_PHUONG", "UBND_DAC_KHU"})
GOVERNMENT = frozenset({"SO", "VP_UBND", "PHONG", "CHI_CUC", "PHONG_CHI_CUC"})  # "Sở Nội vụ tỉnh Đồng Tháp"
REFORMED = frozenset({"COMMUNE", "PHONG_XA"})  # offices created by the 2025 reform

# --- career --------------------------------------------------------------------------------------
PARTY_SHARE = {"CB": 0.95, "CC": 0.38, "VC": 0.25, "NLD_111": 0.06}  # leaders: see People._party
PARTY_POSITIONS = {"CT_HDND_XA": "BI_THU", "CT_UBND_XA": "PHO_BI_THU", "PCT_UBND_XA": "DANG_UY_VIEN"}
OLD_COMMUNE_TITLES = words("Văn phòng - Thống kê, Tài chính - Kế toán, Tư pháp - Hộ tịch, Địa chính - Xây dựng")
RATINGS = "HTTNV 62, HTXSNV 18, HTNV 18, KHTNV 2"
VIOLATIONS = words(
    "Vi phạm quy định về thời giờ làm việc, Chậm thực hiện nhiệm vụ được giao, Vi phạm quy chế chuyên môn"
)
PARENT_JOBS = "Làm ruộng 50, Buôn bán nhỏ 20, Công nhân 10, Hưu trí 20"
JOBS = "Giáo viên 15, Công chức 10, Kinh doanh 20, Nội trợ 10, Làm ruộng 20, Nhân viên văn phòng 15, Công nhân 10"
ALLOWANCE_FORMS = {"HE_SO": "Theo hệ số", "PHAN_TRAM": "Theo tỷ lệ phần trăm", "SO_TIEN": "Bằng tiền"}
WHO_PROJECT = "Cộng tác viên dự án phòng, chống lao của Tổ chức Y tế Thế giới (WHO) tại tỉnh"
