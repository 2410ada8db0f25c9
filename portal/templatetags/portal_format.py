from django import template

from portal.formatting import format_decimal, format_vnd

register = template.Library()


@register.filter
def vnd(value):
    """{{ amount|vnd }} → 2.340.000 ₫"""
    return format_vnd(value)


@register.filter
def coefficient(value, places=2):
    """{{ 2.34|coefficient }} → 2,34"""
    return format_decimal(value, int(places))
