"""Every permission check of the service, as `rules` predicates.

Views, the API and templates ask `user.has_perm("<code>", obj)`; nothing else decides who may do what.
As everywhere in Django, an active superuser (the system administrator) passes every check.
"""

import rules


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


@rules.predicate
def is_organisation_administrator(user, organisation):
    if organisation is None or not (user and user.is_authenticated and user.is_active):
        return False
    from avustamo.organisations.models import Membership

    return organisation.memberships.filter(person=user, role=Membership.Role.ADMINISTRATOR).exists()


rules.add_perm("organisations.register_organisation", is_signed_in)
rules.add_perm("organisations.read_organisation", is_organisation_member | is_official)
rules.add_perm("organisations.edit_organisation", is_organisation_administrator)
rules.add_perm("organisations.manage_members", is_organisation_administrator)
rules.add_perm("organisations.list_all_organisations", is_official)

rules.add_perm("programmes.manage_calls", is_official)

rules.add_perm("applications.apply_for_organisation", is_organisation_member)
