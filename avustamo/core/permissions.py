"""The base of the permission checks: who is signed in, who is an official and which roles an official holds.

The table of who may do what (`rules.add_perm`) is `avustamo/portal/permissions.py`, above every app, because its
rules read the models of many of them. Views, the API, services and templates ask `user.has_perm("<code>", obj)`;
nothing else decides who may do what. As everywhere in Django, an active superuser passes every check.
"""

import rules
from django.core.exceptions import PermissionDenied


@rules.predicate
def is_official(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_signed_in(user):
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_organisation_member(user, organisation):
    if organisation is None or not (user and user.is_authenticated and user.is_active):
        return False
    return organisation.memberships.filter(person=user).exists()


def staff_roles(user) -> frozenset[str]:
    """The official's role codes, read once per user object (one request)."""
    if not is_official(user):
        return frozenset()
    if not hasattr(user, "_staff_roles"):
        user._staff_roles = frozenset(user.role_grants.values_list("role", flat=True))
    return user._staff_roles


def require_permission(user, permission: str, target=None) -> None:
    """Refuse (403) unless `user` has `permission`, on `target` where the rule is about one object."""
    if not user.has_perm(permission, target):
        raise PermissionDenied
