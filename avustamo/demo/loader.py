"""Loads the demo: reference data, TEM's published history, demo people, organisations and calls.

Two closed calls show the officials' side, worked through the services by the demo officials: last year's NGO call
with its decisions published, and this season's youth call with applications at every step of handling.
Everything is created only when missing, so running it again changes nothing.
"""

import datetime
import json
from decimal import ROUND_UP, Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from stdnum.fi import hetu

from avustamo.accounts.identities import person_key
from avustamo.accounts.models import RoleGrant, StrongIdentity, User
from avustamo.accounts.selectors import is_staff_person
from avustamo.applications import services as application_services
from avustamo.applications.models import Application, CompletionRequest
from avustamo.core.dates import banking_day_from, helsinki_datetime, helsinki_today, in_helsinki
from avustamo.core.money import to_cents
from avustamo.decisions import services as decision_services
from avustamo.decisions.models import DecisionStatus, Outcome
from avustamo.decisions.selectors import approved_costs_default, decision_language
from avustamo.demo import content
from avustamo.demo.documents import one_page_pdf
from avustamo.grants import selectors as grant_selectors
from avustamo.grants import services as grant_services
from avustamo.grants.models import Grant, GrantStatus
from avustamo.hearings import services as hearing_services
from avustamo.hearings.models import Hearing, HearingSubject
from avustamo.organisations import services as organisation_services
from avustamo.organisations.models import (
    TYPES_VERIFIED_BY_OFFICIALS,
    Membership,
    Organisation,
    OrganisationType,
    RepresentationVerification,
    VerificationStatus,
)
from avustamo.organisations.selectors import consents_to_electronic_notification
from avustamo.payments import services as payment_services
from avustamo.payments.accounting import PUBLISHED_TRANSFER_ACCOUNTS
from avustamo.payments.interest import half_year_start, next_half_year
from avustamo.payments.models import PostingAccount, PostingPurpose, ReferenceRate, ReturnGround
from avustamo.payments.reference_rates import load_reference_rates
from avustamo.payments.tasks import RETURN, money_decision_publish
from avustamo.programmes import services as call_services
from avustamo.programmes.application_form.standard import standard_definition
from avustamo.programmes.models import Agency, Call, CallStatus, PaymentChannel, Programme
from avustamo.programmes.reference import load_reference_data
from avustamo.reference.code_lists import DATA_DIR as REFERENCE_DATA_DIR
from avustamo.reference.models import PopulationImport
from avustamo.reference.services import population_import
from avustamo.register.imports import import_tem_history
from avustamo.reports import services as report_services
from avustamo.reports.selectors import reports_due
from avustamo.reviews import services as review_services
from avustamo.reviews.models import CallAssignment, ReviewAssignment, ScreeningResult


def _funding_year(today: datetime.date) -> int:
    # Calls open in the autumn for the next year's activity.
    return today.year + 1 if today.month >= 7 else today.year


def _people() -> dict[str, User]:
    people = {}
    password = None
    for row in content.PEOPLE:
        user, created = User.objects.get_or_create(
            email=row["email"],
            defaults={key: value for key, value in row.items() if key not in ("email", "roles")},
        )
        if created:
            # Hashed once: every demo person has the same published password, and hashing takes a while.
            password = password or make_password(content.DEMO_PASSWORD)
            user.password = password
            user.save(update_fields=["password"])
        people[user.email] = user
        # The demo's addresses count as verified, as if each person had followed the signup link.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    # Roles are granted by the administrator as RoleGrant rows; there is no service for them.
    for row in content.PEOPLE:
        for role in row.get("roles", ()):
            RoleGrant.objects.get_or_create(
                person=people[row["email"]], role=role, defaults={"granted_by": people["admin@example.org"]}
            )
    # Officials sign in with a second factor. In the demo only, every official's authenticator app shares one
    # published secret (README, `manage.py demo_totp EMAIL` prints the current code).
    for user in people.values():
        if is_staff_person(user) and not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ):
            TOTP.activate(user, content.DEMO_TOTP_SECRET)
    return people


def _test_persons() -> dict[str, dict]:
    """The local identification stand-in's test persons by name, so that identifying there as Aino
    Rahastonhoitaja signs in as the demo's Aino."""
    persons = json.loads((settings.BASE_DIR / "stand_ins" / "test_persons.json").read_text())["persons"]
    return {f"{person['given_name']} {person['family_name']}": person for person in persons}


def _identities(people: dict[str, User]) -> None:
    """The demo's applicants as strongly identified persons: those with a test person of the stand-in by that
    person's identity code, the rest by a test code of their own (individual numbers 900–999 are test codes)."""
    test_persons = _test_persons()
    now = timezone.now()
    applicants = [row for row in content.PEOPLE if not row.get("roles") and "is_staff" not in row]
    for number, row in enumerate(applicants):
        person = people[row["email"]]
        test_person = test_persons.get(person.full_name)
        if test_person:
            code = test_person["national_identification_number"]
            given_name, family_name = test_person["given_name"], test_person["family_name"]
            birth_date = datetime.date.fromisoformat(test_person["birth_date"])
        else:
            code = f"0101{80 + number:02d}-9{number:02d}"
            given_name, _space, family_name = person.full_name.partition(" ")
            birth_date = datetime.date(1980 + number, 1, 1)
            code += next(
                check for check in "0123456789ABCDEFHJKLMNPRSTUVWXY" if hetu.is_valid(code + check, True)
            )
        StrongIdentity.objects.get_or_create(
            user=person,
            defaults={
                "person_key": person_key(code),
                "given_name": given_name,
                "family_name": family_name,
                "birth_date": birth_date,
                "first_identified_at": now,
                "last_identified_at": now,
                "level_of_assurance": "http://ftn.ficora.fi/2017/loa2",
            },
        )


def _organisations(people: dict[str, User]) -> None:
    for row in content.ORGANISATIONS:
        values = {
            key: value
            for key, value in row.items()
            if key not in ("administrators", "electronic_notification")
        }
        organisation = Organisation.objects.filter(business_id=row["business_id"]).first()
        if organisation is None:
            organisation = Organisation(**values)
            organisation.full_clean()
            organisation.save()
        # Also for organisations of an earlier demo that had no people yet.
        for email in row["administrators"]:
            Membership.objects.get_or_create(
                person=people[email],
                organisation=organisation,
                defaults={"role": Membership.Role.ADMINISTRATOR},
            )
            _verified_representation(people[email], organisation, verifier=people["manager@example.org"])
        # Most consent to electronic notification; one gets its decisions by post, so the registry's list has them.
        if row.get("electronic_notification") and not consents_to_electronic_notification(organisation):
            organisation_services.notification_consent_set(
                organisation=organisation, consents=True, acting_user=people[row["administrators"][0]]
            )


def _verified_representation(person: User, organisation: Organisation, *, verifier: User) -> None:
    """The administrator's right to act as an official verified it from the organisation's document."""
    if RepresentationVerification.objects.filter(person=person, organisation=organisation).exists():
        return
    verification = RepresentationVerification(
        person=person,
        organisation=organisation,
        status=VerificationStatus.VERIFIED,
        explanation=(
            "Kaupunginhallituksen delegointipäätös, 7 §."
            if organisation.organisation_type in TYPES_VERIFIED_BY_OFFICIALS
            else "Yhdistysrekisteriote: hallituksen puheenjohtaja, nimenkirjoittaja."
        ),
        proof_name="edustusoikeus.pdf",
        proof_kind="pdf",
        decided_by=verifier,
        decided_at=timezone.now(),
    )
    verification.proof.save(
        "edustusoikeus.pdf",
        SimpleUploadedFile(
            "edustusoikeus.pdf", one_page_pdf("Edustusoikeus", [organisation.name, person.full_name])
        ),
        save=False,
    )
    verification.save()


def _texts(rows, names) -> list[dict]:
    return [dict(zip(names, row, strict=True)) for row in rows]


def _calls(official: User, today: datetime.date) -> None:
    for row in content.calls(_funding_year(today)):
        if Call.objects.filter(reference=row["reference"]).exists():
            continue
        opens_at = helsinki_datetime(
            today + datetime.timedelta(days=row["opens_in_days"]), datetime.time(8, 0)
        )
        closes_at = helsinki_datetime(
            today + datetime.timedelta(days=row["closes_in_days"]), datetime.time(*row["closes_at_time"])
        )
        _call_create(row, official, opens_at=opens_at, closes_at=closes_at)


def _call_create(row: dict, official: User, *, opens_at, closes_at) -> Call:
    """Create and publish a call of `content` through the services."""
    (start, end) = row["period"]
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
    fields["min_foreign_language_population"] = row.get("min_foreign_language_population")
    for rule in ("co_implementers_allowed", "own_funding_min_per_co_implementer"):
        if rule in row:
            fields[rule] = row[rule]
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
        call = call_services.call_publish(call=call, acting_user=official)
    return call


# Municipalities, joint municipal authorities and wellbeing services counties have the VAT in their costs refunded;
# the associations of the demo cannot recover it.
VAT_REFUNDED_TYPES = {
    OrganisationType.MUNICIPALITY,
    OrganisationType.JOINT_MUNICIPAL_AUTHORITY,
    OrganisationType.WELLBEING_SERVICES_COUNTY,
}


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
        "vat-recoverable": "no",
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
        # The rates agreed with the partners are the association's business secret: officials see the mark, the
        # public version of the application leaves the budget out.
        application_services.business_secrets_mark(
            application=application,
            answers={"budget": "Kumppaneiden kanssa neuvotellut tuntihinnat ovat liikesalaisuuksia."},
            attachments={},
            acting_user=treasurer,
        )
        application_services.application_submit(application=application, acting_user=treasurer)
    manager = people["applicant-b@example.org"]
    vantaa = Organisation.objects.get(business_id="0124610-9")
    _joint_application(manager, vantaa, funding_year)
    guidance_call = Call.objects.filter(reference=f"TEM-NEUVO-{funding_year}").first()
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


def _joint_application(manager: User, vantaa: Organisation, funding_year: int) -> None:
    """Vantaa has sent a Talent Hub application for a joint project with two co-implementers."""
    call = Call.objects.filter(reference=f"TEM-TALENT-{funding_year}").first()
    if (
        call is None
        or call.status() != CallStatus.OPEN
        or call.applications.filter(organisation=vantaa).exists()
    ):
        return
    application = application_services.application_start(call=call, organisation=vantaa, acting_user=manager)
    application = application_services.application_save(
        application=application,
        answers=content.talent_hub_answers(funding_year)
        | {"declarations": [str(pk) for pk in call.declarations.values_list("pk", flat=True)]},
        version=application.version,
        acting_user=manager,
    )
    for co_implementer in content.TALENT_HUB_CO_IMPLEMENTERS:
        application_services.co_implementer_add(
            application=application, acting_user=manager, **co_implementer
        )
    for required in call.required_attachments.all():
        document = one_page_pdf(required.name_fi, ["Vantaan kaupunki", "Kaupunginhallituksen päätös"])
        application_services.attachment_add(
            application=application,
            upload=SimpleUploadedFile(f"{required.name_fi}.pdf", document, content_type="application/pdf"),
            required_attachment=required,
            acting_user=manager,
        )
    application.refresh_from_db()
    application_services.application_submit(application=application, acting_user=manager)


# --- The officials' side: calls that have closed, handled through the services ------------------------------


def _submitted_application(call: Call, row: dict, people: dict[str, User], submitted_at) -> Application:
    """Start, fill in, attach and submit an application as the organisation's administrator."""
    person = people[row["applicant"]]
    organisation = Organisation.objects.get(business_id=row["business_id"])
    application = application_services.application_start(
        call=call, organisation=organisation, acting_user=person
    )
    answers = {
        **row["answers"],
        # Municipalities have the VAT in their costs refunded (Municipal VAT refund); the associations cannot.
        "vat-recoverable": "yes" if organisation.organisation_type in VAT_REFUNDED_TYPES else "no",
        "declarations": [str(pk) for pk in call.declarations.values_list("pk", flat=True)],
    }
    application = application_services.application_save(
        application=application, answers=answers, version=application.version, acting_user=person
    )
    for required in call.required_attachments.all():
        name = required.name_sv if person.preferred_language == "sv" else required.name_fi
        document = one_page_pdf(name, [organisation.name, row["answers"]["project-name"]])
        application_services.attachment_add(
            application=application,
            upload=SimpleUploadedFile(f"{name}.pdf", document, content_type="application/pdf"),
            required_attachment=required,
            acting_user=person,
        )
    # `now` is the moment the applicant pressed Submit, while the call was open; the service checks it.
    return application_services.application_submit(
        application=application, acting_user=person, now=submitted_at
    )


def _request_completion(application: Application, spec: dict, presenter: User) -> None:
    call = application.call
    today = helsinki_today()
    request = application_services.completion_request_create(
        application=application,
        question_ids=spec.get("question_ids", []),
        required_attachments=[
            required
            for required in call.required_attachments.all()
            if required.name_fi in spec.get("attachments", ())
        ],
        message=spec["message"],
        reply_by=today + datetime.timedelta(days=spec["reply_in_days"]),
        acting_user=presenter,
    )
    if spec.get("overdue_by_days"):
        # The service only accepts a deadline after today; the applicant has since let it pass, so the demo
        # moves the deadline into the past (the clock moves on in a demo).
        CompletionRequest.objects.filter(pk=request.pk).update(
            reply_by=today - datetime.timedelta(days=spec["overdue_by_days"])
        )


def _screen(application: Application, spec, presenter: User) -> None:
    checks = review_services.screening_suggestion(application)
    if spec == "eligible":
        result, reason = ScreeningResult.ELIGIBLE, ""
    else:
        # The official corrects what the submitted facts suggest, and says why.
        checks[spec["failed"]] = False
        result, reason = ScreeningResult.INELIGIBLE, spec["reason"]
    review_services.screening_record(
        application=application, **checks, result=result, reason=reason, acting_user=presenter
    )


def _review(application: Application, spec: dict, people: dict[str, User], manager: User) -> None:
    review_services.reviewers_assign(
        application=application, reviewers=[people[email] for email in spec], acting_user=manager
    )
    criteria = list(application.call.criteria.all())
    for email, given in spec.items():
        if given is None:  # assigned, not yet opened
            continue
        reviewer = people[email]
        assignment = ReviewAssignment.objects.get(application=application, reviewer=reviewer)
        conflict = isinstance(given, dict)
        review_services.conflict_declare(
            assignment=assignment,
            conflicted=conflict,
            reason=given["conflict"] if conflict else "",
            acting_user=reviewer,
        )
        if conflict or given == "no_conflict":
            continue
        scores = {
            criterion.pk: (score, content.REVIEW_JUSTIFICATIONS[index][score])
            for index, (criterion, score) in enumerate(zip(criteria, given, strict=True))
        }
        review_services.review_submit(assignment=assignment, scores=scores, acting_user=reviewer)


def _reports_due(period_start: datetime.date, period_end: datetime.date) -> list[dict]:
    """An interim report at the end of August, the final report by the end of the second month after the period."""
    final = (period_end.replace(day=1) + datetime.timedelta(days=95)).replace(day=1) - datetime.timedelta(
        days=1
    )
    reports = [{"kind": "final", "due": final}]
    interim = datetime.date(period_start.year, 8, 31)
    if period_start < interim < period_end:
        reports.insert(0, {"kind": "interim", "due": interim})
    return reports


def _decide(
    application: Application, spec: dict, presenter: User, decider: User, *, signed_at: datetime.datetime
):
    """Draft the decision as the presenter; send it for signing and have the decision maker sign it at `signed_at`
    as `spec` says."""
    application = Application.objects.select_related("call", "submitted_by", "proposal").get(
        pk=application.pk
    )
    details = {}
    if spec["outcome"] in Outcome.positive():
        amount = application.proposal.amount
        costs = application.total_eligible_costs
        language = decision_language(application)
        details = {
            "amount": amount,
            "purpose": spec["purpose"],
            "eligible_costs": costs,
            "approved_costs": approved_costs_default(application, costs),
            "max_share_percent": (amount / costs * 100).quantize(Decimal("0.01"), rounding=ROUND_UP),
            "period_start": application.period_start,
            "period_end": application.period_end,
            "instalments": content.DECISION_INSTALMENTS,
            "reports_due": _reports_due(application.period_start, application.period_end),
            "conditions": content.DECISION_CONDITIONS[language],
        }
    decision = decision_services.decision_save_draft(
        application=application,
        terms=decision_services.DecisionTerms(outcome=spec["outcome"], reasons=spec["reasons"], **details),
        acting_user=presenter,
    )
    if spec["status"] in (DecisionStatus.FOR_SIGNING, DecisionStatus.PUBLISHED):
        decision = decision_services.decision_send_for_signing(
            decision=decision, decision_maker=decider, acting_user=presenter
        )
    if spec["status"] == DecisionStatus.PUBLISHED:
        decision = decision_services.decision_sign(decision=decision, acting_user=decider, now=signed_at)
    return decision


DECIDED_AFTER_CLOSING = datetime.timedelta(weeks=6)


def _handled_call(
    row: dict, applications: list[dict], people: dict[str, User], *, opens_at, closes_at
) -> None:
    """A call that was open, received `applications` and has closed; then handled as each row says."""
    official, manager = people["official@example.org"], people["manager@example.org"]
    presenter, decider = people["presenter@example.org"], people["decider@example.org"]
    # Created open (closing tomorrow), so that the applications go through the services like any other.
    call = _call_create(
        row, official, opens_at=opens_at, closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    closing_day = in_helsinki(closes_at).date()
    submitted = []
    for application_row in applications:
        days_before, time_of_day = application_row["submitted"]
        moment = helsinki_datetime(
            closing_day - datetime.timedelta(days=days_before), datetime.time(*time_of_day)
        )
        application = _submitted_application(call, application_row, people, moment)
        submitted.append((application_row, application.pk))
    # The clock moves on in a demo: the call closed at its closing moment, which is now in the past.
    Call.objects.filter(pk=call.pk).update(closes_at=closes_at)
    call.refresh_from_db()

    for reviewer in ("reviewer-1@example.org", "reviewer-2@example.org"):
        review_services.call_assign(
            call=call, person=people[reviewer], role=CallAssignment.Role.REVIEWER, acting_user=manager
        )
    review_services.call_assign(
        call=call, person=presenter, role=CallAssignment.Role.PRESENTER, acting_user=manager
    )
    for application_row, pk in submitted:
        application = Application.objects.select_related("call").get(pk=pk)
        if "completion" in application_row:
            _request_completion(application, application_row["completion"], presenter)
        if "screening" in application_row:
            _screen(application, application_row["screening"], presenter)
        if "reviews" in application_row:
            _review(application, application_row["reviews"], people, manager)

    decision_services.allocation_suggest(call=call, min_score=row["min_score"], acting_user=presenter)
    # Decided six weeks after closing, as a ministry would, or just now for a call that closed since: its report
    # deadlines and payments then fall after its decisions.
    signed_at = min(closes_at + DECIDED_AFTER_CLOSING, timezone.now() - datetime.timedelta(hours=1))
    signed = []
    for application_row, pk in submitted:
        application = Application.objects.select_related("call").get(pk=pk)
        if "proposal" in application_row:
            decision_services.proposal_set(
                application=application,
                amount=application_row["proposal"]["amount"],
                eligible_costs=application.total_eligible_costs,
                max_share_percent=None,
                justification=application_row["proposal"]["justification"],
                acting_user=presenter,
            )
        if "decision" in application_row:
            decision = _decide(
                application, application_row["decision"], presenter, decider, signed_at=signed_at
            )
            if application_row["decision"]["status"] == DecisionStatus.PUBLISHED:
                signed.append(decision.pk)
    # decisions_publish would hand the publishing to the task worker, which does not run during load_demo;
    # publishing each signed decision here, as the worker's task does, leaves the demo complete without it.
    for decision_id in signed:
        grant_services.decision_publish(decision_id=decision_id, acting_user=presenter)


def _earlier_ngo_call(people: dict[str, User], today: datetime.date) -> None:
    """Last funding year's NGO call: decided, signed and published, with its documents and register entries."""
    row = content.earlier_ngo_call(_funding_year(today) - 1)
    if Call.objects.filter(reference=row["reference"]).exists():
        return
    _handled_call(
        row,
        content.earlier_ngo_call_applications(_funding_year(today) - 1),
        people,
        opens_at=helsinki_datetime(datetime.date(*row["opens_on"]), datetime.time(8, 0)),
        closes_at=helsinki_datetime(datetime.date(*row["closes_on"]), datetime.time(*row["closes_at_time"])),
    )


def _youth_call(people: dict[str, User], today: datetime.date) -> None:
    """This season's closed youth call, its applications at every step of handling."""
    row = content.youth_call(_funding_year(today))
    if Call.objects.filter(reference=row["reference"]).exists():
        return
    _handled_call(
        row,
        content.youth_call_applications(_funding_year(today)),
        people,
        opens_at=helsinki_datetime(
            today + datetime.timedelta(days=row["opens_in_days"]), datetime.time(8, 0)
        ),
        closes_at=helsinki_datetime(
            today + datetime.timedelta(days=row["closes_in_days"]), datetime.time(*row["closes_at_time"])
        ),
    )


def _accounting() -> None:
    """Where TEM's grants are booked in the State's accounts: the transfer account by the recipient's kind (none
    for wellbeing services counties and other organisations, whose payments wait until one is entered), the
    income accounts of returns, recoveries and interest, and the operational unit and project of its programmes."""
    agency = Agency.objects.get(code="TEM")
    accounts = [
        PostingAccount(
            agency=agency, purpose=PostingPurpose.TRANSFER, organisation_type=kind, account=account
        )
        for kind, account in PUBLISHED_TRANSFER_ACCOUNTS.items()
    ] + [
        PostingAccount(agency=agency, purpose=purpose, account=account)
        for purpose, account in content.DEMO_INCOME_ACCOUNTS.items()
    ]
    PostingAccount.objects.bulk_create(accounts, ignore_conflicts=True)
    for code, project in content.DEMO_PROJECT_CODES.items():
        Programme.objects.filter(code=code, operational_unit="").update(
            operational_unit=content.DEMO_OPERATIONAL_UNIT, project_code=project
        )


def _paying_authority() -> None:
    """KEHA-keskus pays the guidance and counselling grants TEM decides, from its own account (made up)."""
    Agency.objects.filter(code="KEHA", payment_iban="").update(
        payment_iban=content.KEHA_PAYMENT_ACCOUNT,
        payment_bic=content.KEHA_PAYMENT_BIC,
        payment_service_code=content.KEHA_PAYMENT_SERVICE_CODE,
    )


def _population_figures(people: dict[str, User]) -> None:
    """The municipalities' population figures the calls' municipal rules are checked against (made up: see
    content.DEMO_POPULATION_FILE), loaded once by the administrator."""
    if PopulationImport.objects.exists():
        return
    population_import(
        content=(REFERENCE_DATA_DIR / content.DEMO_POPULATION_FILE).read_bytes(),
        file_name=content.DEMO_POPULATION_FILE,
        acting_user=people["official@example.org"],
    )


def _through_the_invoice_circulation() -> None:
    """TEM paid its earlier grants from its own account; from now on its payments go through the State's invoice
    circulation (the demo's stand-in, which `make demo` starts beside the service)."""
    Agency.objects.filter(code="TEM").update(
        payment_channel=PaymentChannel.INVOICE_CIRCULATION, invoice_edi_code=content.DEMO_INVOICE_EDI_CODE
    )


def _grant_payments(people: dict[str, User], today: datetime.date) -> None:
    """The earlier call's money in its states: the Närpes association's grant accepted and its first instalment paid
    in a batch one finance officer prepared and another approved; Kotipiha's grant still awaiting acceptance."""
    agency = Agency.objects.get(code="TEM")
    if not agency.payment_iban:
        agency.payment_iban = content.DEMO_PAYMENT_ACCOUNT
        agency.payment_bic = content.DEMO_PAYMENT_BIC
        agency.payment_service_code = content.DEMO_PAYMENT_SERVICE_CODE
        agency.save(update_fields=["payment_iban", "payment_bic", "payment_service_code"])
    grant = Grant.objects.filter(
        application__organisation__name__contains="Närpes", status=GrantStatus.AWAITING_ACCEPTANCE
    ).first()
    if grant is None:
        return
    member = grant.application.organisation.memberships.order_by("pk").first().person
    grant_services.grant_accept(grant=grant, acting_user=member)
    finance, approver = people["finance@example.org"], people["finance-approver@example.org"]
    batch = payment_services.batch_prepare(
        agency=agency, execution_date=banking_day_from(today), acting_user=finance
    )
    payment_services.batch_approve(batch=batch, acting_user=approver)
    payment_services.batch_credit_transfer(batch=batch, acting_user=finance)
    payment_services.batch_mark_paid(batch=batch, paid_on=today, acting_user=finance)


def _report_answers(activities: str, results: str, costs: dict, counts: dict) -> dict:
    return {
        "activities-done": activities,
        "results": results,
        "actual-budget": {"costs": costs},
        **counts,
    }


def _sent_report(grant: Grant, kind: str, answers: dict, accounts_title: str):
    """The recipient's report as its first member writes and sends it, the accounts attached."""
    member = grant.application.organisation.memberships.order_by("pk").first().person
    due = next(due for due in reports_due(grant) if due.kind == kind)
    report = report_services.report_start(grant=grant, kind=kind, due_date=due.due_date, acting_user=member)
    if report.is_sent:
        return None
    # A recipient that can recover the VAT reports its costs without it, as its decision says.
    answers = {"vat-included": "no" if grant.application.vat_recoverable else "yes", **answers}
    report = report_services.report_save(
        report=report, answers=answers, version=report.version, acting_user=member
    )
    upload = SimpleUploadedFile(
        "kirjanpito.pdf", one_page_pdf(accounts_title, [grant.application.applicant_name]), "application/pdf"
    )
    report_services.report_attachment_add(
        report=report, question_id="accounts", upload=upload, acting_user=member
    )
    return report_services.report_submit(report=report, acting_user=member)


def _grant_reports(people: dict[str, User], today: datetime.date) -> None:
    """Reports in their states: the Närpes association's interim report sent and waiting for the presenter; the
    northern association's grant paid 80 %, its final report approved (content, then finances) and settled, the
    rest to pay due."""
    narpes = Grant.objects.filter(
        application__organisation__business_id="2449489-3", status=GrantStatus.ACCEPTED
    ).first()
    if narpes is not None:
        _sent_report(
            narpes,
            "interim",
            _report_answers(
                "Tolv språkvänner utbildades i mars; 31 par har träffats varje vecka sedan april.",
                "Arbetet följer planen; samtalsgruppen i Kristinestad startade i juni.",
                {"personnel": "11800.00", "rents": "1200.00", "travel": "1350.00"},
                {
                    "age-18-29": "9",
                    "age-30-64": "47",
                    "gender-women": "38",
                    "gender-men": "18",
                    "language-other": "56",
                },
            ),
            "Utdrag ur bokföringen",
        )
    northern = Grant.objects.filter(
        application__call__reference=content.earlier_ngo_call(_funding_year(today) - 1)["reference"],
        application__organisation__business_id="1732050-2",
        status=GrantStatus.AWAITING_ACCEPTANCE,
    ).first()
    if northern is None:
        return
    member = northern.application.organisation.memberships.order_by("pk").first().person
    grant_services.grant_accept(grant=northern, acting_user=member)
    finance, approver = people["finance@example.org"], people["finance-approver@example.org"]
    batch = payment_services.batch_prepare(
        agency=northern.application.call.programme.agency,
        execution_date=banking_day_from(today),
        acting_user=finance,
    )
    payment_services.batch_approve(batch=batch, acting_user=approver)
    payment_services.batch_credit_transfer(batch=batch, acting_user=finance)
    payment_services.batch_mark_paid(batch=batch, paid_on=today, acting_user=finance)
    report = _sent_report(
        northern,
        "final",
        _report_answers(
            "Kolme kielikahvilaa kokoontui viikoittain helmikuusta syyskuuhun; 28 vapaaehtoista perehdytettiin.",
            "Kahviloissa kävi 134 eri osallistujaa; kyselyn mukaan 8/10 rohkaistui puhumaan suomea asioidessaan.",
            {"personnel": "23800.00", "rents": "3000.00", "travel": "640.00", "other": "2210.00"},
            {
                "age-18-29": "41",
                "age-30-64": "86",
                "age-65-plus": "7",
                "gender-women": "92",
                "gender-men": "40",
                "gender-other": "2",
                "language-other": "134",
            },
        ),
        "Hankkeen tuloslaskelma",
    )
    presenter = people["presenter@example.org"]
    report = report_services.report_approve_content(
        report=report, notes="Toiminta toteutui suunnitellusti.", acting_user=presenter
    )
    _heard_in_the_past(
        northern,
        HearingSubject.SETTLEMENT,
        content.SETTLEMENT_HEARING_PROPOSAL,
        content.SETTLEMENT_HEARING_GROUNDS,
        finance,
    )
    report_services.report_approve_finances(
        report=report,
        accepted_costs=report_services.reported_costs(report) - Decimal("210.00"),
        notes="Muista kuluista ei hyväksytty 210 euron tarjoilukuluja juhlaan, joka ei kuulunut hankesuunnitelmaan.",
        acting_user=finance,
    )


def _heard_in_the_past(grant, subject, proposal, grounds, official) -> Hearing:
    """A hearing request sent through the service, moved three weeks into the past with its reply date passed
    unanswered, so that the decision on `subject` may be made now."""
    hearing = hearing_services.hearing_send(
        grant=grant, subject=subject, proposal=proposal, grounds=grounds, acting_user=official
    )
    Hearing.objects.filter(pk=hearing.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=21),
        reply_by=helsinki_today() - datetime.timedelta(days=7),
    )
    return hearing


def _grant_in_change_request() -> None:
    """The Närpes association, its grant accepted, asks to move money from rents to travel and, while there is
    still time, to extend the period of use by two months; the request waits for the presenter."""
    grant = Grant.objects.filter(
        application__organisation__name__contains="Närpes", status=GrantStatus.ACCEPTED
    ).first()
    if grant is None or grant.change_requests.exists():
        return
    member = grant.application.organisation.memberships.order_by("pk").first().person
    costs = grant_selectors.approved_budget(grant).costs
    asked = {
        "costs": {"rents": costs["rents"] - 1000, "travel": costs["travel"] + 1000},
        "budget_reasons": (
            "Språkvännerna träffas oftare hemma hos familjerna i Kristinestad än i våra lokaler: resorna ökar och "
            "hyrorna minskar."
        ),
    }
    _start, end = grant_selectors.period_in_force(grant)
    if helsinki_today() <= grant_selectors.extension_deadline(grant):
        asked |= {
            "period_end": end + datetime.timedelta(days=61),
            "extension_reasons": "Sommarfesten flyttades till augusti på grund av växthussäsongen.",
        }
    grant_services.change_request_submit(grant=grant, **asked, acting_user=member)


def _grant_in_recovery(people: dict[str, User], today: datetime.date) -> None:
    """A grant in recovery: the NGO call of two funding years back with one application, decided and published; the
    grant accepted and its first instalment paid when the project began; then grounds for a recovery noted and the
    recovery decided on them, with its decision document, the money not yet back."""
    funding_year = _funding_year(today) - 2
    row = content.earlier_ngo_call(funding_year)
    if Call.objects.filter(reference=row["reference"]).exists():
        return
    _handled_call(
        row,
        [content.recovery_call_application(funding_year)],
        people,
        opens_at=helsinki_datetime(datetime.date(*row["opens_on"]), datetime.time(8, 0)),
        closes_at=helsinki_datetime(datetime.date(*row["closes_on"]), datetime.time(*row["closes_at_time"])),
    )
    grant = Grant.objects.select_related("application", "decision").get(
        application__call__reference=row["reference"]
    )
    member = grant.application.organisation.memberships.order_by("pk").first().person
    grant_services.grant_accept(grant=grant, acting_user=member)
    agency = grant.application.call.programme.agency
    finance, approver = people["finance@example.org"], people["finance-approver@example.org"]
    batch = payment_services.batch_prepare(
        agency=agency, execution_date=banking_day_from(today), acting_user=finance
    )
    payment_services.batch_approve(batch=batch, acting_user=approver)
    payment_services.batch_credit_transfer(batch=batch, acting_user=finance)
    # Paid three weeks after the decision, once the recipient had accepted it.
    paid_on = min(grant.decision.decision_date + datetime.timedelta(weeks=3), today)
    payment_services.batch_mark_paid(batch=batch, paid_on=paid_on, acting_user=finance)
    _carry_reference_rate_forward(people["admin@example.org"], today)
    manager = people["manager@example.org"]
    grounds = payment_services.recovery_grounds_note(
        grant=grant,
        ground=ReturnGround.OTHER_PURPOSE,
        learned_on=today - datetime.timedelta(days=40),
        description=content.RECOVERY_GROUNDS,
        acting_user=manager,
    )
    _heard_in_the_past(
        grant, HearingSubject.RETURN, content.RECOVERY_HEARING_PROPOSAL, content.RECOVERY_GROUNDS, manager
    )
    claim = payment_services.return_claim_create(
        grant=grant,
        ground=grounds.ground,
        amount=to_cents(grant.decision.amount / 10),
        due_date=today + datetime.timedelta(days=30),
        learned_on=grounds.learned_on,
        reasons=content.RECOVERY_REASONS,
        grounds=grounds,
        acting_user=manager,
    )
    # The task worker does not run during load_demo: the document is made here as its task would make it.
    money_decision_publish(RETURN, claim.pk)


def _carry_reference_rate_forward(administrator: User, today: datetime.date) -> None:
    """Interest is reckoned from the payments up to a due date in the current or the next half-year. Until an
    administrator enters the rates the Bank of Finland announced for the half-years since the last one the service
    ships with, the demo carries that one forward into each of them, and says so in its source."""
    latest = ReferenceRate.objects.order_by("-valid_from").first()
    last_needed = next_half_year(half_year_start(today))
    valid_from = next_half_year(latest.valid_from)
    while valid_from <= last_needed:
        payment_services.reference_rate_enter(
            valid_from=valid_from,
            rate=latest.rate,
            source=content.CARRIED_RATE_SOURCE,
            acting_user=administrator,
        )
        valid_from = next_half_year(valid_from)


@transaction.atomic
def load_demo() -> None:
    # The demo's history was sent under rights to act that officials verified, as in a deployment before it took
    # Suomi.fi e-Authorizations into use; acts from now on are checked by the deployment's own settings.
    with override_settings(SUOMIFI_AUTHORIZATIONS_URL=""):
        _load_demo()


def _load_demo() -> None:
    load_reference_data()
    load_reference_rates()
    import_tem_history()
    _accounting()
    people = _people()
    _paying_authority()
    _population_figures(people)
    _identities(people)
    _organisations(people)
    today = timezone.localdate()
    _calls(people["official@example.org"], today)
    _earlier_ngo_call(people, today)
    _grant_payments(people, today)
    # Before the reports: its batch would otherwise pay what the settlement leaves due.
    _grant_in_recovery(people, today)
    _grant_reports(people, today)
    _grant_in_change_request()
    _youth_call(people, today)
    _applications(people, today)
    _through_the_invoice_circulation()
