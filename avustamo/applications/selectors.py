from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, Exists, F, Value
from django.db.models.functions import Cast

from avustamo.applications.joint import CoImplementerPart, JointBudget
from avustamo.applications.models import Application, ApplicationStatus, Attachment, SubmittedVersion
from avustamo.core.models import AuditEntry
from avustamo.organisations.models import Membership
from avustamo.programmes.application_form.budget import BudgetFigures
from avustamo.programmes.application_form.schema import Attachment as AttachmentQuestion
from avustamo.programmes.application_form.schema import applies
from avustamo.programmes.models import CallDeclaration, CallStatus, RequiredAttachment
from avustamo.programmes.selectors import public_calls
from avustamo.reference.models import Municipality, Region


def applications_for_person(*, person):
    """The applications of every organisation the person acts for, newest first."""
    return (
        Application.objects.filter(organisation__memberships__person=person)
        .select_related("call__programme__agency", "organisation")
        .order_by("-updated_at")
    )


def application_for_person(*, person, pk: int) -> Application | None:
    """One application, only if the person acts for its organisation; otherwise nothing is revealed.

    One statement: what a page or the API shows of the attachments, the call's required attachments and its
    declarations is read where it is needed, so a save or a submit does not read them before the service does."""
    return (
        applications_for_person(person=person)
        .select_related("form", "organisation__home_municipality", "submitted_by")
        .filter(pk=pk)
        .first()
    )


def person_acts_for_application(*, person, pk: int) -> Exists:
    """Whether the person (an id, or `OuterRef` to one) acts for the organisation of application `pk`: the rule
    of `application_for_person`, as an expression another statement reads. The API asks it with the token, so
    that the rights to the application in the path cost no statement of their own (`api.applicant.TokenAuth`)."""
    return Exists(Application.objects.filter(pk=pk, organisation__memberships__person=person))


def application_and_form_for_person(*, person, pk: int) -> Application | None:
    """One application with its form, only if the person acts for its organisation: what the API's operations
    that show an application read. Two tables: the call, its programme and the organisation are read by the
    service that acts on it, and every table more in this statement cost PostgreSQL more time to plan than to run,
    on every request at the deadline (docs/performance.md)."""
    return (
        Application.objects.filter(pk=pk, organisation__memberships__person=person)
        .select_related("form")
        .first()
    )


def latest_sent_version(*, application: Application) -> SubmittedVersion | None:
    """The application as it was last sent (submitted, or sent back completed), with who sent it; None for a draft
    never sent."""
    return (
        SubmittedVersion.objects.filter(application=application)
        .select_related("sent_by")
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class CodeLists:
    """What answers to a call are checked against: region and municipality codes, the call's declarations and
    required attachments."""

    regions: frozenset[str]
    municipalities: frozenset[str]
    declarations: frozenset[str]
    required_attachments: frozenset[int]


def _tagged(rows, list_name: str, key: str, **columns):
    """`rows` as (list name, key as text, *columns): rows of several tables read together with UNION ALL."""
    return (
        rows.order_by()
        .annotate(list=Value(list_name), key=Cast(key, CharField()), **columns)
        .values_list("list", "key", *columns)
    )


def code_lists(*, call, year: int) -> CodeLists:
    """The regions, the municipalities valid in `year` (as `Municipality.objects.valid_in`), the call's
    declarations and required attachments, read in one statement: every save and submit checks against them.

    Written as SQL: built with the ORM, this union of four tables took more of a save's time to compose than any
    other statement of it, and every save and automatic save runs it (docs/performance.md).
    """
    quote = connection.ops.quote_name
    region, municipality, declaration, attachment = (
        quote(model._meta.db_table) for model in (Region, Municipality, CallDeclaration, RequiredAttachment)
    )
    sql = (
        f"SELECT 'region', code FROM {region} "
        f"UNION ALL SELECT 'municipality', code FROM {municipality} "
        "WHERE (valid_from_year IS NULL OR valid_from_year <= %s) "
        "AND (valid_until_year IS NULL OR valid_until_year >= %s) "
        f"UNION ALL SELECT 'declaration', CAST(id AS varchar(20)) FROM {declaration} WHERE call_id = %s "
        f"UNION ALL SELECT 'required_attachment', CAST(id AS varchar(20)) FROM {attachment} WHERE call_id = %s"
    )
    keys = {"region": set(), "municipality": set(), "declaration": set(), "required_attachment": set()}
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, year, call.pk, call.pk])
        for list_name, key in cursor.fetchall():
            keys[list_name].add(key)
    return CodeLists(
        regions=frozenset(keys["region"]),
        municipalities=frozenset(keys["municipality"]),
        declarations=frozenset(keys["declaration"]),
        required_attachments=frozenset(int(key) for key in keys["required_attachment"]),
    )


def code_lists_of(application: Application, choices: "FormChoices") -> CodeLists:
    """The code lists made from the choices a page read and the call's required attachments (prefetched by the
    caller): what `code_lists` reads, without a statement of its own."""
    return CodeLists(
        regions=frozenset(region.code for region in choices.regions),
        municipalities=frozenset(municipality.code for municipality in choices.municipalities),
        declarations=frozenset(str(declaration.pk) for declaration in choices.declarations),
        required_attachments=frozenset(
            required.pk for required in application.call.required_attachments.all()
        ),
    )


def organisations_that_may_apply(*, person, call):
    """The person's organisations whose type the call accepts."""
    memberships = Membership.objects.filter(person=person).select_related("organisation")
    if call.eligible_organisation_types:
        memberships = memberships.filter(organisation__organisation_type__in=call.eligible_organisation_types)
    return [membership.organisation for membership in memberships.order_by("organisation__name")]


def calls_open_to_person(*, person):
    """Open calls that accept one of the person's organisations, leaving out a call once each organisation it
    accepts has an application in it (a draft or sent; a withdrawn one does not count): that application is in
    the person's list above it."""
    organisations = dict(
        Membership.objects.filter(person=person).values_list(
            "organisation_id", "organisation__organisation_type"
        )
    )
    calls = list(public_calls(status=CallStatus.OPEN))
    if not organisations:
        return [call for call in calls if not call.eligible_organisation_types]
    applied = set(
        Application.objects.filter(organisation__in=organisations, call__in=[call.pk for call in calls])
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .values_list("call_id", "organisation_id")
    )
    return [
        call
        for call in calls
        if any(
            (call.pk, organisation) not in applied
            for organisation, organisation_type in organisations.items()
            if not call.eligible_organisation_types or organisation_type in call.eligible_organisation_types
        )
    ]


@dataclass(frozen=True)
class FormChoices:
    """What a form's region, municipality and declaration questions offer, in the order they are shown."""

    regions: list[Region]
    municipalities: list[Municipality]
    declarations: list[CallDeclaration]


def form_choices(*, call, definition, valid_in: int | None = None) -> FormChoices:
    """The regions, the municipalities (when the form `definition` asks for one; those valid in `valid_in` if
    given) and the call's declarations, read in one statement: the form page and the officials' view of an
    application show them on every view."""
    rows = _tagged(
        Region.objects.all(),
        "region",
        "code",
        sort=Value(0),
        fi=F("name_fi"),
        sv=F("name_sv"),
        en=F("name_en"),
    )
    parts = [
        _tagged(
            CallDeclaration.objects.filter(call=call),
            "declaration",
            "pk",
            sort=F("position"),
            fi=F("text_fi"),
            sv=F("text_sv"),
            en=F("text_en"),
        )
    ]
    if any(item.type == "municipality" for item, _group in definition.elements()):
        places = Municipality.objects.all() if valid_in is None else Municipality.objects.valid_in(valid_in)
        parts.append(
            _tagged(
                places, "municipality", "code", sort=Value(0), fi=F("name_fi"), sv=F("name_sv"), en=Value("")
            )
        )
    found = {"region": [], "declaration": [], "municipality": []}
    for list_name, key, sort, fi, sv, en in rows.union(*parts, all=True):
        found[list_name].append((sort, key, fi, sv, en))
    return FormChoices(
        regions=[
            Region(code=key, name_fi=fi, name_sv=sv, name_en=en)
            for _s, key, fi, sv, en in sorted(found["region"])
        ],
        municipalities=sorted(
            (
                Municipality(code=key, name_fi=fi, name_sv=sv)
                for _s, key, fi, sv, _en in found["municipality"]
            ),
            key=lambda municipality: municipality.name_fi,
        ),
        declarations=[
            CallDeclaration(pk=int(key), call=call, position=sort, text_fi=fi, text_sv=sv, text_en=en)
            for sort, key, fi, sv, en in sorted(found["declaration"], key=lambda row: (row[0], int(row[1])))
        ],
    )


@dataclass
class AttachmentSlot:
    """One place a file is attached to: a required attachment of the call or an attachment question of the form.

    `key` is the field its problems are named by (`attachment-<id>` or `q-<question id>`), `input_name` the file
    input's name. `files` are the slot's files; `counted` those its limit counts: while completing, the files
    sent with the application stay with it and do not count."""

    key: str
    input_name: str
    label: str
    max_files: int
    files: list[Attachment]
    counted: list[Attachment]
    required_attachment: RequiredAttachment | None = None
    question_id: str = ""
    asked: bool = True
    error: str = ""

    @property
    def is_full(self) -> bool:
        return len(self.counted) >= self.max_files

    @property
    def replaced_on_upload(self) -> Attachment | None:
        """The file a new upload replaces, after asking: that of a full slot that takes one file."""
        return self.counted[0] if self.max_files == 1 and self.counted else None


def attachment_slots(
    application: Application, *, language: str, attachments=None, answers=None, counted_since=None
) -> list[AttachmentSlot]:
    """The application's attachment slots in the order the form asks them, the call's required attachments last,
    each with its files. Reads the attachments and the call's required attachments, prefetched by the caller.
    `counted_since`: only files uploaded since then count against a slot's limit (the completion request's
    time), None when all do. A question whose condition the answers do not meet is not `asked`. `attachments`:
    the files to place, the application's by default (a version sent keeps some of them), and `answers` those
    that decide which questions are asked, the application's by default."""
    attachments = list(application.attachments.all() if attachments is None else attachments)
    answers = application.answers if answers is None else answers

    def slot(key, input_name, label, max_files, belongs, **where) -> AttachmentSlot:
        files = [attachment for attachment in attachments if belongs(attachment)]
        return AttachmentSlot(
            key=key,
            input_name=input_name,
            label=label,
            max_files=max_files,
            files=files,
            counted=[f for f in files if counted_since is None or f.uploaded_at >= counted_since],
            **where,
        )

    slots = [
        slot(
            f"q-{item.id}",
            f"question-{item.id}",
            item.label.in_language(language),
            item.max_files,
            lambda attachment, item=item: attachment.question_id == item.id,
            question_id=item.id,
            asked=applies(item.show_if, answers),
        )
        for item, _group in application.form.parsed.elements()
        if isinstance(item, AttachmentQuestion)
    ]
    slots += [
        slot(
            f"attachment-{required.pk}",
            f"attachment-{required.pk}",
            required.name,
            required.max_files,
            lambda attachment, required=required: attachment.required_attachment_id == required.pk,
            required_attachment=required,
        )
        for required in application.call.required_attachments.all()
    ]
    return slots


def public_version_productions(*, application: Application):
    """The public versions produced of the application for information requests: who, when, which version."""
    return AuditEntry.objects.filter(
        action="application.public_version_produced",
        target_type=application._meta.label_lower,
        target_id=str(application.pk),
    ).select_related("actor")


def joint_budget(application: Application, *, answers: dict | None = None, sent=None) -> JointBudget | None:
    """The budget of a joint project as the pages and copies show it: the lead's own part from the answers and
    each co-implementer's part, as they are now or as version `sent` kept them. None when the application has
    no co-implementers and its call allows none (nothing to show); reads the co-implementers once, unless
    prefetched."""
    if sent is not None:
        parts = tuple(CoImplementerPart.from_snapshot(kept) for kept in sent.co_implementers or [])
    elif application.call.co_implementers_allowed:
        parts = tuple(CoImplementerPart.from_model(item) for item in application.co_implementers.all())
    else:
        parts = ()
    if not parts and not application.call.co_implementers_allowed:
        return None
    answers = application.answers if answers is None else answers
    budget = application.form.parsed.fact_questions().get("budget")
    try:
        lead = BudgetFigures.from_answer(answers.get(budget.id) if budget else None)
    except (ArithmeticError, AttributeError, TypeError):
        # An answer the page posted and the save refused may be no budget at all.
        lead = BudgetFigures()
    return JointBudget(lead=lead, co_implementers=parts)
