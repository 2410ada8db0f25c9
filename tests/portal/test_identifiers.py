"""Electronic identifier codes (QĐ 20/2020/QĐ-TTg, domain.md §6): parsing, nesting, rebasing."""

from __future__ import annotations

import pytest

from portal.identifiers import IdentifierCode, normalize_code, parse_code


# --- ParseCode ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "level", "groups"),
    [
        ("000.00.00.H20", 1, ("H20", "00", "00", "000")),
        ("000.00.05.H20", 2, ("H20", "05", "00", "000")),
        ("000.03.05.H20", 3, ("H20", "05", "03", "000")),
        ("001.03.05.H20", 4, ("H20", "05", "03", "001")),
        ("000.00.04.G14", 2, ("G14", "04", "00", "000")),
    ],
)
def test_levels_and_groups(value, level, groups):
    code = parse_code(value)
    assert code.level == level
    assert code.groups() == groups
    assert str(code) == value


def test_lowercase_and_surrounding_spaces_are_normalised():
    code = parse_code("  000.03.05.h20 ")
    assert str(code) == "000.03.05.H20"
    assert code == IdentifierCode(level4="000", level3="03", level2="05", level1="H20")


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "H20",
        "000.00.H20",
        "00.00.05.H20",
        "0000.00.05.H20",
        "000.0.05.H20",
        "000.00.05.H2",
        "000.00.05.20",
        "000.00.05.HH0",
        "000-00-05-H20",
        "000.00.05.H20.1",
        "1.001193.000.00.00.H35",
        "000.00.05.Ð20",
    ],
)
def test_bad_format_is_refused(value):
    with pytest.raises(ValueError) as excinfo:
        parse_code(value)
    assert "NNN.NN.NN.Xnn" in str(excinfo.value)
    if value:
        assert value in str(excinfo.value)


@pytest.mark.parametrize("value", ["000.00.00.H00", "000.00.05.H00", "000.00.00.G00"])
def test_level_one_group_cannot_be_zero(value):
    with pytest.raises(ValueError) as excinfo:
        parse_code(value)
    message = str(excinfo.value)
    assert value in message
    assert value[-3:] in message


@pytest.mark.parametrize(
    ("value", "level", "missing"),
    [
        ("001.00.05.H20", 4, 3),  # level-4 code with an empty level 3
        ("001.03.00.H20", 4, 2),  # level-4 code with an empty level 2
        ("001.00.00.H20", 4, 2),
        ("000.03.00.H20", 3, 2),  # level-3 code with an empty level 2
    ],
)
def test_skipped_level_is_refused(value, level, missing):
    with pytest.raises(ValueError) as excinfo:
        parse_code(value)
    message = str(excinfo.value)  # Vietnamese, the default language
    assert value in message
    assert f"mã cấp {level}" in message
    assert f"nhóm cấp {missing}" in message


def test_normalize_code():
    assert normalize_code(" 000.00.05.h20 ") == "000.00.05.H20"
    assert normalize_code(None) == ""
    assert normalize_code("") == ""


# --- NestsUnder ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("000.00.05.H20", "000.00.00.H20"),
        ("000.03.05.H20", "000.00.05.H20"),
        ("001.03.05.H20", "000.03.05.H20"),
        ("099.99.99.H20", "000.99.99.H20"),
    ],
)
def test_one_level_below_keeping_the_groups(child, parent):
    assert parse_code(child).nests_under(parse_code(parent)) is True


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("000.00.05.H20", "000.00.00.H29"),  # another province
        ("000.03.05.H20", "000.00.07.H20"),  # another department
        ("001.03.05.H20", "000.04.05.H20"),  # another level-3 unit
        ("000.03.05.H20", "000.00.00.H20"),  # skips level 2
        ("001.03.05.H20", "000.00.05.H20"),  # skips level 3
        ("000.00.05.H20", "000.00.07.H20"),  # same level
        ("000.00.05.H20", "000.00.05.H20"),  # itself
        ("000.00.00.H20", "000.00.05.H20"),  # parent under child
    ],
)
def test_everything_else_does_not_nest(child, parent):
    assert parse_code(child).nests_under(parse_code(parent)) is False


# --- Rebased ------------------------------------------------------------------
def test_level_three_code_moves_to_another_department():
    code = parse_code("000.03.05.H20").rebased(parse_code("000.00.05.H20"), parse_code("000.00.07.H20"))
    assert str(code) == "000.03.07.H20"
    assert code.nests_under(parse_code("000.00.07.H20"))


def test_level_four_code_keeps_its_own_group():
    code = parse_code("001.03.05.H20").rebased(parse_code("000.03.05.H20"), parse_code("000.04.07.H20"))
    assert str(code) == "001.04.07.H20"


def test_level_four_code_rebased_on_a_level_two_anchor():
    code = parse_code("001.03.05.H20").rebased(parse_code("000.00.05.H20"), parse_code("000.00.09.H20"))
    assert str(code) == "001.03.09.H20"


def test_rebased_to_another_province():
    code = parse_code("000.00.05.H20").rebased(parse_code("000.00.00.H20"), parse_code("000.00.00.H29"))
    assert str(code) == "000.00.05.H29"


def test_anchor_itself_becomes_the_new_anchor():
    code = parse_code("000.00.05.H20").rebased(parse_code("000.00.05.H20"), parse_code("000.00.07.H20"))
    assert str(code) == "000.00.07.H20"


def test_anchors_of_different_levels_are_refused():
    with pytest.raises(ValueError):
        parse_code("000.03.05.H20").rebased(parse_code("000.00.05.H20"), parse_code("000.01.07.H20"))
