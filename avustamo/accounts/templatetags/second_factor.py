from django import template

from avustamo.accounts.selectors import has_second_factor, is_staff_person

register = template.Library()


@register.filter
def must_set_up_second_factor(user) -> bool:
    return is_staff_person(user) and not has_second_factor(user)
