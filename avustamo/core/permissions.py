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


def granted_roles(user) -> frozenset[str]:
    """The role codes granted to the person, read once per user object (one request): the second factor's check
    (is this person staff?) and the permission checks (which roles?) ask on every official page."""
    if not hasattr(user, "_granted_roles"):
        user._granted_roles = frozenset(user.role_grants.values_list("role", flat=True))
    return user._granted_roles


def staff_roles(user) -> frozenset[str]:
    """The official's role codes; none for anyone else, whatever was granted to them."""
    return granted_roles(user) if is_official(user) else frozenset()


def require_permission(user, permission: str, target=None) -> None:
    """Refuse (403) unless `user` has `permission`, on `target` where the rule is about one object."""
    if not user.has_perm(permission, target):
        raise PermissionDenied
