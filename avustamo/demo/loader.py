"""Loads the demo: reference data, TEM's published history, demo people, organisations and calls.

Everything is created only when missing, so running it again changes nothing.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from avustamo.accounts.models import User
from avustamo.applications import services as application_services
from avustamo.core.dates import helsinki_datetime
from avustamo.demo import content
from avustamo.demo.documents import one_page_pdf
from avustamo.organisations.models import Membership, Organisation
from avustamo.programmes import services as call_services
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import Call, CallStatus, Programme
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


def _demo_answers(call: Call, funding_year: int) -> dict:
    return {
        "contact-persons": [
            {
                "name": "Aino Rahastonhoitaja",
                "email": "aino.rahastonhoitaja@kotipiha.example.org",
                "phone": "040 123 4567",
            }
        ],
        "project-name": "Kotipiha – perheiden arjen tuki",
        "project-summary": (
            "Vertaistukea ja tietoa palveluista maahanmuuttaneille perheille Tampereella: perhekerhot, "
            "vanhempien keskusteluryhmät ja lasten harrastuskokeilut."
        ),
        "objectives": "Perheet tuntevat lähipalvelut ja löytävät lapsille harrastuksen; vanhemmat saavat vertaistukea.",
        "target-groups": "Tampereen seudulle viimeisen viiden vuoden aikana muuttaneet lapsiperheet.",
        "activities": "Viikoittaiset perhekerhot, kuukausittaiset vanhempainillat ja kesän harrastuskokeilut.",
        "regions": ["06"],
        "period": {"start": f"{funding_year}-01-01", "end": f"{funding_year}-12-31"},
        "budget": {
            "costs": {"personnel": "42000.00", "rents": "6000.00", "travel": "1500.00", "other": "3500.00"},
            "income": "1000.00",
            "own_funding": "4000.00",
        },
        "declarations": [str(pk) for pk in call.declarations.values_list("pk", flat=True)],
        "joint-project": "no",
    }


def _applications(people: dict[str, User], today: datetime.date) -> None:
    """Kotipiha ry has submitted to this year's NGO call; Vantaa has a draft for guidance services."""
    funding_year = _funding_year(today)
    treasurer = people["applicant-a@example.org"]
    ngo_call = Call.objects.filter(reference=f"TEM-KOTO-{funding_year}").first()
    kotipiha = Organisation.objects.get(business_id="1618033-3")
    if (
        ngo_call
        and ngo_call.status() == CallStatus.OPEN
        and not ngo_call.applications.filter(organisation=kotipiha).exists()
    ):
        application = application_services.application_start(
            call=ngo_call, organisation=kotipiha, acting_user=treasurer
        )
        application = application_services.application_save(
            application=application,
            answers=_demo_answers(ngo_call, funding_year),
            version=application.version,
            acting_user=treasurer,
        )
        for required in ngo_call.required_attachments.all():
            document = one_page_pdf(
                required.name_fi, ["Monikulttuurinen perheyhdistys Kotipiha ry", "Esittelyaineisto"]
            )
            application_services.attachment_add(
                application=application,
                upload=SimpleUploadedFile(
                    f"{required.name_fi}.pdf", document, content_type="application/pdf"
                ),
                required_attachment=required,
                acting_user=treasurer,
            )
        application_services.application_submit(application=application, acting_user=treasurer)
    manager = people["applicant-b@example.org"]
    guidance_call = Call.objects.filter(reference=f"TEM-NEUVO-{funding_year}").first()
    vantaa = Organisation.objects.get(business_id="0124610-9")
    if (
        guidance_call
        and guidance_call.status() == CallStatus.OPEN
        and not guidance_call.applications.filter(organisation=vantaa).exists()
    ):
        draft = application_services.application_start(
            call=guidance_call, organisation=vantaa, acting_user=manager
        )
        application_services.application_save(
            application=draft,
            answers={
                "project-name": "Monikielinen neuvonta Vantaalla",
                "regions": ["01"],
                "budget": {"costs": {"personnel": "180000.00", "rents": "20000.00"}},
            },
            version=draft.version,
            acting_user=manager,
        )


@transaction.atomic
def load_demo() -> None:
    load_reference_data()
    import_tem_history()
    people = _people()
    _organisations(people)
    today = timezone.localdate()
    _calls(people["official@example.org"], today)
    _applications(people, today)
