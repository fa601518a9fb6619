"""Loads the demo: reference data, TEM's published history, demo people, organisations and calls.

Everything is created only when missing, so running it again changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from avustamo.accounts.models import User
from avustamo.core.dates import helsinki_datetime
from avustamo.demo import content
from avustamo.organisations.models import Membership, Organisation
from avustamo.programmes import services as call_services
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import Call, Programme
from avustamo.programmes.reference import load_reference_data
from avustamo.register.imports import import_tem_history


def _funding_year(today: datetime.date) -> int:
    # Calls open in the autumn for the next year's activity.
    return today.year + 1 if today.month >= 7 else today.year


def _people() -> dict[str, User]:
    people = {}
    for row in content.PEOPLE:
        user, created = User.objects.get_or_create(
            email=row["email"], defaults={key: value for key, value in row.items() if key != "email"}
        )
        if created:
            user.set_password(content.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        people[user.email] = user
    return people


def _organisations(people: dict[str, User]) -> None:
    for row in content.ORGANISATIONS:
        values = {key: value for key, value in row.items() if key != "administrators"}
        if Organisation.objects.filter(business_id=row["business_id"]).exists():
            continue
        organisation = Organisation(**values)
        organisation.full_clean()
        organisation.save()
        for email in row["administrators"]:
            Membership.objects.create(
                person=people[email], organisation=organisation, role=Membership.Role.ADMINISTRATOR
            )


def _texts(rows, names) -> list[dict]:
    return [dict(zip(names, row, strict=True)) for row in rows]


def _calls(official: User, today: datetime.date) -> None:
    for row in content.calls(_funding_year(today)):
        if Call.objects.filter(reference=row["reference"]).exists():
            continue
        (start, end) = row["period"]
        opens_at = helsinki_datetime(
            today + datetime.timedelta(days=row["opens_in_days"]), datetime.time(8, 0)
        )
        closes_at = helsinki_datetime(
            today + datetime.timedelta(days=row["closes_in_days"]), datetime.time(*row["closes_at_time"])
        )
        parts = call_services.CallParts(
            themes=_texts(row["themes"], ("name_fi", "name_sv", "name_en")),
            declarations=_texts(row["declarations"], ("text_fi", "text_sv", "text_en")),
            criteria=_texts(row["criteria"], ("name_fi", "name_sv", "name_en", "weight")),
            required_attachments=_texts(row["attachments"], ("name_fi", "name_sv", "name_en")),
        )
        fields = {
            key: row[key]
            for key in (
                "reference",
                "title_fi",
                "title_sv",
                "title_en",
                "description_fi",
                "description_sv",
                "description_en",
                "appropriation",
                "min_grant",
                "max_grant",
            )
        }
        fields["eligible_organisation_types"] = [str(code) for code in row["eligible_organisation_types"]]
        call = call_services.call_create(
            programme=Programme.objects.get(code=row["programme"]),
            acting_user=official,
            parts=parts,
            opens_at=opens_at,
            closes_at=closes_at,
            period_earliest_start=datetime.date(*start),
            period_latest_end=datetime.date(*end),
            **content.HOW_TO_APPLY,
            **fields,
        )
        if row.get("extra_project_questions"):
            definition = standard_definition()
            project_section = next(
                section for section in definition["sections"] if section["id"] == "project-section"
            )
            project_section["questions"] += row["extra_project_questions"]
            call_services.call_form_save(call=call, definition=definition, acting_user=official)
        if call.closes_at <= timezone.now():
            # A past call was published before it opened; the service only publishes calls still to close.
            call.published_at = opens_at - datetime.timedelta(days=14)
            call.save(update_fields=["published_at"])
        else:
            call_services.call_publish(call=call, acting_user=official)


@transaction.atomic
def load_demo() -> None:
    load_reference_data()
    import_tem_history()
    people = _people()
    _organisations(people)
    _calls(people["official@example.org"], timezone.localdate())
