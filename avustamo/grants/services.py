"""Writes in the life of a grant: opening it when its decision is published, the recipient's acceptance or
decline, the publication of a call's decisions, and change requests with their change decisions. One transaction
each, keyword-only `acting_user`, every status change through `core.transitions.transition`.

The grant's money (instalments and ledger, in `payments`) follows these changes through the signals of
`grants.signals`, sent inside the same transaction: the money moves with the status or not at all.
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.links import site_url
from avustamo.core.money import format_euros, to_cents
from avustamo.core.notices import acceptance_deadline, notice_of, notice_send
from avustamo.core.storage import save_whole_to
from avustamo.core.task_runs import abandon_task_result
from avustamo.core.tasks import queue_email
from avustamo.core.text import refuse_unstorable
from avustamo.core.transitions import transition
from avustamo.core.uploads import accepted_upload_kind, stored_name
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.grants import selectors, signals
from avustamo.grants.models import (
    ChangeKind,
    ChangeOutcome,
    ChangePart,
    ChangeRequest,
    ChangeRequestStatus,
    Grant,
    GrantStatus,
    OnwardTransferAgreement,
    PublicationRun,
)
from avustamo.grants.selectors import signed_decision_count
from avustamo.organisations.authority import authority_details, require_authority
from avustamo.organisations.selectors import notice_addressee
from avustamo.programmes.application_form.budget import COST_CATEGORIES
from avustamo.programmes.models import Call, CallStatus
from avustamo.register.services import register_decision

logger = logging.getLogger(__name__)


def lock_grant(grant: Grant) -> Grant:
    """The grant again, its row locked for the rest of the transaction, with what the services read of it."""
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__organisation", "decision__presenter")
        .get(pk=grant.pk)
    )


# --- The grant ----------------------------------------------------------------------------------------------


@transaction.atomic
def grant_open(*, decision: Decision, acting_user) -> Grant | None:
    """Open the grant of a positive decision being published; a correction takes over the grant of the decision
    it corrects, to be accepted anew, and records the change in the ledger. A negative correction closes the
    grant. None for a negative decision without a grant."""
    application = decision.application
    existing = Grant.objects.select_for_update().filter(application=application).first()
    day = decision.decision_date or helsinki_today()
    if not decision.is_positive:
        if existing is not None:
            transition(
                existing,
                "close_by_correction",
                acting_user=acting_user,
                changes={"decision": decision},
                decision=decision.pk,
            )
            signals.grant_closed.send(Grant, grant=existing, decision=decision, day=day)
        return None
    if existing is not None and existing.decision_id == decision.pk:
        return existing
    if existing is None:
        grant = Grant.objects.create(application=application, decision=decision)
        audit(
            acting_user=acting_user,
            action="grant.opened",
            target=grant,
            decision=decision.pk,
            amount=decision.amount,
            **{"from": "", "to": grant.status},
        )
    else:
        # A correction restates the terms: the grant waits for the recipient's answer again.
        grant = transition(
            existing,
            "reopen_by_correction",
            acting_user=acting_user,
            changes={"decision": decision, "answered_at": None, "answered_by": None, "decline_reason": ""},
            decision=decision.pk,
            amount=decision.amount,
        )
    signals.grant_opened.send(Grant, grant=grant, decision=decision, day=day, corrected=existing is not None)
    return grant


def _require_answerable(grant: Grant, acting_user) -> None:
    if not acting_user.has_perm("payments.answer_grant", grant):
        raise PermissionDenied
    if grant.status != GrantStatus.AWAITING_ACCEPTANCE:
        raise ValidationError(
            _("The grant has already been %(status)s.") % {"status": grant.get_status_display()},
            code="already_answered",
        )


@transaction.atomic
def grant_accept(*, grant: Grant, acting_user) -> Grant:
    """The recipient accepts the decision's terms; payments may then be made. Where the call sets days to accept,
    not after the last of them, counted from the notification date."""
    grant = lock_grant(grant)
    _require_answerable(grant, acting_user)
    accept_by = acceptance_deadline(notice_of(grant.decision), grant.application.call)
    if accept_by is not None and helsinki_today() > accept_by:
        raise ValidationError(
            _(
                "The terms were to be accepted by %(day)s, counted from the day the decision was notified. Contact "
                "the authority: the grant can no longer be accepted in the service."
            )
            % {"day": date_format(accept_by, "SHORT_DATE_FORMAT")},
            code="acceptance_late",
        )
    authority = require_authority(person=acting_user, organisation=grant.application.organisation)
    transition(
        grant,
        "accept",
        acting_user=acting_user,
        changes={"answered_at": timezone.now(), "answered_by": acting_user, "authority_check": authority},
        decision=grant.decision_id,
        **authority_details(authority),
    )
    signals.grant_accepted.send(Grant, grant=grant)
    return grant


@transaction.atomic
def grant_decline(*, grant: Grant, reason: str, acting_user) -> Grant:
    """The recipient declines the grant: nothing is paid, the money is free for the call again, and the decision's
    presenter is told."""
    grant = lock_grant(grant)
    _require_answerable(grant, acting_user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell us briefly why the grant is declined.")})
    authority = require_authority(person=acting_user, organisation=grant.application.organisation)
    transition(
        grant,
        "decline",
        acting_user=acting_user,
        changes={
            "answered_at": timezone.now(),
            "answered_by": acting_user,
            "decline_reason": reason,
            "authority_check": authority,
        },
        decision=grant.decision_id,
        reason=reason,
        **authority_details(authority),
    )
    signals.grant_declined.send(Grant, grant=grant, day=helsinki_today())
    presenter = grant.decision.presenter
    application = grant.application
    queue_email(
        key=f"grant-declined:{grant.pk}:{grant.decision_id}",
        template="grants/email/declined",
        context={
            "application": application,
            "decision": grant.decision,
            "reason": reason,
            "url": site_url(
                "official:application_decision", language=presenter.preferred_language, pk=application.pk
            ),
        },
        recipient=presenter.email,
        language=presenter.preferred_language,
    )
    return grant


# --- Publication of a call's decisions ---------------------------------------------------------------------


def _enqueue_publication(run_id: int) -> None:
    """Hand the run to the task worker, and record which task result is its own (to tell a run waiting for a
    worker from one whose worker has gone)."""
    from avustamo.grants.tasks import publish_decisions

    result = publish_decisions.enqueue(run_id=run_id)
    PublicationRun.objects.filter(pk=run_id).update(task_result_id=result.id)


@transaction.atomic
def decisions_publish(*, call: Call, acting_user) -> PublicationRun:
    """Start publishing the call's signed decisions; the task worker does the work and reports progress."""
    if not acting_user.has_perm("decisions.publish_decisions", call):
        raise PermissionDenied(_("Your role does not allow this."))
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status() != CallStatus.CLOSED:
        raise ValidationError(_("Decisions are published after the call has closed."), code="call_not_closed")
    unfinished = call.publication_runs.filter(
        status__in=[PublicationRun.Status.QUEUED, PublicationRun.Status.RUNNING]
    ).first()
    if unfinished is not None and unfinished.is_stalled:
        raise ValidationError(
            _(
                "The publication of these decisions has stalled: resume it with the button “Resume publication”."
            ),
            code="stalled",
        )
    if unfinished is not None:
        raise ValidationError(_("The decisions are already being published."), code="running")
    total = signed_decision_count(call)
    if not total:
        raise ValidationError(_("There are no signed decisions to publish."), code="nothing_to_publish")
    run = PublicationRun.objects.create(call=call, total=total, started_by=acting_user)
    audit(acting_user=acting_user, action="decisions.publication_started", target=call, decisions=total)
    transaction.on_commit(lambda: _enqueue_publication(run.pk))
    return run


def _file_name(decision: Decision, language: str) -> str:
    number = decision.application.register_number.replace("/", "-")
    return f"decision-{number}-{decision.pk}-{language}.pdf"


@transaction.atomic
def decision_publish(*, decision_id: int, acting_user) -> bool:
    """Publish one signed decision: its documents, the register entry, its grant and the email. False when
    already done, so that a run started again goes on where it stopped."""
    from avustamo.decisions.documents import decision_pdf

    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related(
            "application__call__programme__agency",
            "application__submitted_by",
            "application__organisation",
            "presenter",
        )
        .get(pk=decision_id)
    )
    if decision.status != DecisionStatus.SIGNED:
        return False
    application = decision.application
    save_whole_to(
        decision.document, _file_name(decision, decision.language), decision_pdf(decision, decision.language)
    )
    save_whole_to(decision.courtesy_document, _file_name(decision, "en"), decision_pdf(decision, "en"))
    transition(
        decision,
        "publish",
        acting_user=acting_user,
        changes={
            "document": decision.document,
            "courtesy_document": decision.courtesy_document,
            "published_at": timezone.now(),
        },
        audit_target=application,
        decision=decision.pk,
    )
    register_decision(decision=decision)
    grant_open(decision=decision, acting_user=acting_user)
    title = gettext_noop("Decision on the grant application")  # translated where it is shown
    notice_send(
        decision,
        **notice_addressee(application.organisation),
        register_number=application.register_number,
        title=title,
        language=decision.language,
        document=decision.document.name,
        acting_user=acting_user,
    )
    recipient = application.submitted_by
    queue_email(
        key=f"decision-published:{decision.pk}",
        template="decisions/email/published",
        context={
            "application": application,
            "decision": decision,
            "url": site_url("applications:decision", language=decision.language, pk=application.pk),
        },
        recipient=recipient.email,
        language=decision.language,
        attachment=decision.document.name,
        attachment_name=_file_name(decision, decision.language),
    )
    return True


def _publication_run_move(run: PublicationRun, action: str, **changes) -> None:
    with transaction.atomic():
        transition(run, action, acting_user=run.started_by, changes=changes)


def publication_run_execute(*, run_id: int) -> None:
    """Publish the run's decisions one by one, each in its own transaction, counting them and recording a
    heartbeat as they are done; a failure stops the run and shows on the call's page, and the decisions published
    so far stay published. A resumed run counts the decisions its earlier worker published (one may have been
    published just before that worker was killed, uncounted) and goes on with the rest."""
    run = PublicationRun.objects.select_related("started_by").get(pk=run_id)
    pending = list(
        Decision.objects.filter(application__call_id=run.call_id, status=DecisionStatus.SIGNED).values_list(
            "pk", flat=True
        )
    )
    if run.status != PublicationRun.Status.RUNNING:
        done = Decision.objects.filter(
            application__call_id=run.call_id,
            status=DecisionStatus.PUBLISHED,
            published_at__gte=run.started_at,
        ).count()
        _publication_run_move(run, "start", done=done, total=done + len(pending), heartbeat_at=timezone.now())
    try:
        for decision_id in pending:
            published = decision_publish(decision_id=decision_id, acting_user=run.started_by)
            PublicationRun.objects.filter(pk=run_id).update(
                heartbeat_at=timezone.now(), **({"done": F("done") + 1} if published else {})
            )
    except Exception as error:  # the run shows the failure; decisions published so far stay published
        logger.exception("publishing the decisions of run %s failed", run_id)
        _publication_run_move(run, "fail", error=str(error)[:2000], finished_at=timezone.now())
        return
    _publication_run_move(run, "finish", finished_at=timezone.now())


def _publication_run_resume(run: PublicationRun, acting_user) -> PublicationRun:
    run = PublicationRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_stalled:
        if run.status in (PublicationRun.Status.QUEUED, PublicationRun.Status.RUNNING):
            message = _("The publication has not stalled: the task worker is publishing the decisions.")
        else:
            message = _("The publication has ended (%(status)s): there is nothing to resume.") % {
                "status": run.get_status_display()
            }
        raise ValidationError(message, code="not_stalled")
    abandon_task_result(run.task_result_id)
    transition(
        run,
        "resume",
        acting_user=acting_user,
        changes={"heartbeat_at": timezone.now()},
        done=run.done,
        total=run.total,
    )
    transaction.on_commit(lambda: _enqueue_publication(run.pk))
    return run


@transaction.atomic
def publication_run_resume(*, run: PublicationRun, acting_user) -> PublicationRun:
    """An official resumes a stalled publication (its worker was killed): the run is handed to the task worker
    again and publishes the decisions not yet published; those published already are not touched again."""
    if not acting_user.has_perm("decisions.publish_decisions", run.call):
        raise PermissionDenied(_("Your role does not allow this."))
    return _publication_run_resume(run, acting_user)


def publication_runs_resume_stalled() -> int:
    """Resume every stalled publication (for `manage.py resume_stalled_tasks`); how many were resumed."""
    resumed = 0
    for run in PublicationRun.objects.filter(
        status__in=[PublicationRun.Status.QUEUED, PublicationRun.Status.RUNNING]
    ).select_related("call"):
        if not run.is_stalled:
            continue
        try:
            with transaction.atomic():
                _publication_run_resume(run, acting_user=None)
        except ValidationError:  # resumed meanwhile by an official or another cron
            continue
        resumed += 1
    return resumed


# --- Change requests and change decisions ------------------------------------------------------------------


def _require_terms_in_force(grant: Grant) -> None:
    """Only terms in force can be changed: not those of a grant declined or closed, nor those still to accept."""
    if grant.status in (GrantStatus.DECLINED, GrantStatus.CLOSED):
        raise ValidationError(
            _("The grant has been %(status)s: its terms can no longer be changed.")
            % {"status": grant.get_status_display()},
            code="grant_not_in_force",
        )
    if not grant.may_be_paid:
        raise ValidationError(
            _("Accept the grant's terms before asking to change them."), code="not_accepted"
        )


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _extension_problem(grant: Grant, period_end: datetime.date) -> str | None:
    """The new end must extend the period of use in force."""
    _start, end = selectors.period_in_force(grant)
    if end is None:
        return _("The decision sets no period of use to extend.")
    if period_end <= end:
        return _("The new end must be later than the end of the period of use in force, %(day)s.") % {
            "day": _day(end)
        }
    return None


def _costs_in_force(grant: Grant) -> dict[str, Decimal]:
    return selectors.approved_budget(grant).costs


def _clean_costs(grant: Grant, costs: dict) -> tuple[dict[str, Decimal], str | None]:
    """New amounts by cost category (a category left out keeps its amount in force) and what is wrong with them:
    money is only moved between categories, so the total stays and no category goes below zero."""
    in_force = _costs_in_force(grant)
    unknown = set(costs) - set(COST_CATEGORIES)
    if unknown:
        return {}, _("Unknown cost categories: %(names)s.") % {"names": ", ".join(sorted(unknown))}
    cleaned = {category: to_cents(costs.get(category, in_force[category])) for category in COST_CATEGORIES}
    if any(amount < 0 for amount in cleaned.values()):
        return cleaned, _("No cost category can be negative.")
    total, new_total = sum(in_force.values(), Decimal("0.00")), sum(cleaned.values(), Decimal("0.00"))
    if new_total != total:
        return cleaned, _(
            "Money is moved between cost categories: the total must stay %(total)s, not %(new_total)s."
        ) % {"total": format_euros(total), "new_total": format_euros(new_total)}
    if cleaned == in_force:
        return cleaned, _("These are the amounts in force already: move money between the categories.")
    return cleaned, None


def _as_json(costs: dict[str, Decimal]) -> dict[str, str]:
    return {category: str(amount) for category, amount in costs.items()}


@transaction.atomic
def change_request_submit(
    *,
    grant: Grant,
    period_end: datetime.date | None = None,
    extension_reasons: str = "",
    costs: dict | None = None,
    budget_reasons: str = "",
    content: str = "",
    content_reasons: str = "",
    acting_user,
) -> ChangeRequest:
    """The recipient asks to extend the period of use, to move money between cost categories, to change the
    content, or several of these, each with its reasons. One request waits for a decision at a time; an extension
    is asked at least the call's days before the period of use in force ends."""
    grant = lock_grant(grant)
    if not acting_user.has_perm("decisions.request_change", grant):
        raise PermissionDenied
    _require_terms_in_force(grant)
    if grant.change_requests.filter(status=ChangeRequestStatus.OPEN).exists():
        raise ValidationError(
            _("A change request of this grant is waiting for a decision: a new one can be made after it."),
            code="already_open",
        )
    content = content.strip()
    if period_end is None and costs is None and not content:
        raise ValidationError(
            _("Ask for at least one change: a later end of the period of use, new amounts of the cost "
              "categories or a change of content."),
            code="nothing_asked",
        )  # fmt: skip
    today = helsinki_today()
    errors, parts = {}, []
    reasons_missing = _("Give the reasons for the change.")
    if period_end is not None:
        deadline = selectors.extension_deadline(grant)
        problem = _extension_problem(grant, period_end)
        if problem is None and today > deadline:
            problem = _(
                "An extension is asked at least %(days)s days before the period of use ends: the last day "
                "to ask was %(day)s."
            ) % {"days": grant.application.call.extension_notice_days, "day": _day(deadline)}
        if problem:
            errors["period_end"] = problem
        if not extension_reasons.strip():
            errors["extension_reasons"] = reasons_missing
        parts.append(
            ChangePart(kind=ChangeKind.EXTENSION, asked_period_end=period_end, reasons=extension_reasons)
        )
    if costs is not None:
        cleaned, problem = _clean_costs(grant, costs)
        if problem:
            errors["costs"] = problem
        if not budget_reasons.strip():
            errors["budget_reasons"] = reasons_missing
        parts.append(
            ChangePart(kind=ChangeKind.BUDGET, asked_budget=_as_json(cleaned), reasons=budget_reasons)
        )
    if content:
        if not content_reasons.strip():
            errors["content_reasons"] = reasons_missing
        parts.append(ChangePart(kind=ChangeKind.CONTENT, asked_content=content, reasons=content_reasons))
    if errors:
        raise ValidationError(errors)
    authority = require_authority(person=acting_user, organisation=grant.application.organisation)
    change_request = ChangeRequest.objects.create(
        grant=grant,
        submitted_by=acting_user,
        submitted_on=today,
        language=grant.decision.language,
        authority_check=authority,
    )
    for part in parts:
        part.request = change_request
        part.reasons = part.reasons.strip()
        refuse_unstorable(part)
    ChangePart.objects.bulk_create(parts)
    audit(
        acting_user=acting_user,
        action="change_request.submitted",
        target=change_request,
        grant=grant.pk,
        parts=[part.kind for part in parts],
        **authority_details(authority),
    )
    return change_request


@transaction.atomic
def change_part_decide(
    *,
    part: ChangePart,
    outcome: str,
    period_end: datetime.date | None = None,
    costs: dict | None = None,
    content: str = "",
    reasons: str = "",
    acting_user,
) -> ChangePart:
    """The presenter decides one part: accepted as asked, accepted with changes (the presenter's own end date,
    amounts or wording, held to the same rules), or rejected; reasons are needed unless it is accepted as asked.
    Only terms in force are changed: a part is accepted only while the grant's terms are in force.
    When the last part is decided, the change decision is made and its document sent to the recipient."""
    part = ChangePart.objects.select_for_update().get(pk=part.pk)
    change_request = ChangeRequest.objects.select_for_update().get(pk=part.request_id)
    grant = lock_grant(change_request.grant)
    if not acting_user.has_perm("decisions.decide_change_request", grant.decision):
        raise PermissionDenied
    if part.is_decided:
        raise ValidationError(_("This part has already been decided."), code="already_decided")
    if outcome not in ChangeOutcome.values:
        raise ValidationError(
            {
                "outcome": ValidationError(
                    _("Choose accepted, accepted with changes or rejected."), code="invalid"
                )
            }
        )
    # A request whose grant has since been declined, closed or corrected can still be rejected, so that it does
    # not wait for ever; only terms in force can be changed.
    if outcome in ChangeOutcome.in_force():
        _require_terms_in_force(grant)
    reasons = reasons.strip()
    errors = {}
    if outcome != ChangeOutcome.ACCEPTED and not reasons:
        errors["reasons"] = _("Give the reasons for the decision.")
    decided = {"period_end": part.asked_period_end, "costs": part.asked_budget, "content": part.asked_content}
    if outcome == ChangeOutcome.ACCEPTED_WITH_CHANGES:
        if part.kind == ChangeKind.EXTENSION:
            if period_end is None:
                errors["period_end"] = _("Give the end of the period of use as decided.")
            elif problem := _extension_problem(grant, period_end):
                errors["period_end"] = problem
            decided["period_end"] = period_end
        elif part.kind == ChangeKind.BUDGET:
            cleaned, problem = _clean_costs(grant, costs or {})
            if problem:
                errors["costs"] = problem
            decided["costs"] = _as_json(cleaned)
        else:
            decided["content"] = content.strip()
            if not decided["content"]:
                errors["content"] = _("Give the content as decided.")
    if errors:
        raise ValidationError(errors)
    part.outcome = outcome
    part.decision_reasons = reasons
    part.decided_by = acting_user
    part.decided_at = timezone.now()
    if outcome in ChangeOutcome.in_force():
        part.decided_period_end = decided["period_end"]
        part.decided_budget = decided["costs"]
        part.decided_content = decided["content"]
    part.save()
    audit(
        acting_user=acting_user,
        action="change_request.part_decided",
        target=change_request,
        part=part.kind,
        outcome=outcome,
        decided=part.decided(),
    )
    if not change_request.parts.filter(outcome="").exists():
        _change_decision_make(change_request, acting_user)
    return part


def _change_decision_make(change_request: ChangeRequest, acting_user) -> None:
    """Every part is decided: the request is now the change decision; its document is made and sent after
    the transaction, by the task worker."""
    from avustamo.grants.tasks import change_decision_send

    transition(
        change_request,
        "decide",
        acting_user=acting_user,
        changes={"decided_by": acting_user, "decided_at": timezone.now(), "decision_date": helsinki_today()},
    )
    transaction.on_commit(lambda: change_decision_send.enqueue(change_request_id=change_request.pk))


def _change_decision_file_name(change_request: ChangeRequest) -> str:
    number = change_request.grant.application.register_number.replace("/", "-")
    return f"change-decision-{number}-{change_request.pk}-{change_request.language}.pdf"


def change_decision_send(*, change_request_id: int) -> None:
    """Make the change decision's document and email it to the member who asked for the change. Done once: a
    repeated run finds the document made and sends nothing again."""
    from avustamo.grants.documents import change_decision_pdf

    with transaction.atomic():
        change_request = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related(
                "grant__application__call__programme__agency",
                "grant__application__organisation",
                "submitted_by",
                "decided_by",
            )
            .get(pk=change_request_id)
        )
        if change_request.status != ChangeRequestStatus.DECIDED or change_request.document:
            return
        application = change_request.grant.application
        name = _change_decision_file_name(change_request)
        save_whole_to(change_request.document, name, change_decision_pdf(change_request))
        change_request.save(update_fields=["document"])
        audit(
            acting_user=change_request.decided_by,
            action="change_request.document_made",
            target=change_request,
            document=change_request.document.name,
        )
        title = gettext_noop("Decision on the change request")  # translated where it is shown
        notice_send(
            change_request,
            **notice_addressee(application.organisation),
            register_number=application.register_number,
            title=title,
            language=change_request.language,
            document=change_request.document.name,
            acting_user=change_request.decided_by,
        )
        recipient = change_request.submitted_by
        queue_email(
            key=f"change-decision:{change_request.pk}",
            template="grants/email/change_decision",
            context={
                "application": application,
                "change_request": change_request,
                "url": site_url("applications:decision", language=change_request.language, pk=application.pk),
            },
            recipient=recipient.email,
            language=change_request.language,
            attachment=change_request.document.name,
            attachment_name=name,
        )


AGREEMENT_KINDS = ("pdf", "docx", "odt", "jpeg", "png")
AGREEMENT_MAX_MB = 20


@transaction.atomic
def onward_transfer_agreement_record(
    *, grant: Grant, co_implementer, signed_on: datetime.date | None, document, acting_user
) -> OnwardTransferAgreement:
    """Record the written agreement under which the recipient passes the grant on to a co-implementer (688/2001
    section 7(3)): its date and the document. A second recording replaces the first. The recipient is paid once
    every co-implementer given a share has one (`selectors.grants_lacking_agreements`)."""
    grant = Grant.objects.select_for_update().select_related("decision", "application__call").get(pk=grant.pk)
    if not acting_user.has_perm("grants.record_onward_transfer_agreement", grant.decision):
        raise PermissionDenied(_("Your role does not allow this."))
    if grant.status in (GrantStatus.DECLINED, GrantStatus.CLOSED):
        raise ValidationError(
            _("The grant was %(status)s: nothing is passed on.") % {"status": grant.get_status_display()},
            code="grant_not_open",
        )
    if not grant.decision.co_implementer_shares.filter(co_implementer=co_implementer, amount__gt=0).exists():
        raise ValidationError(
            _("The decision gives %(name)s no share of the grant: no agreement is needed.")
            % {"name": co_implementer.name},
            code="no_share",
        )
    errors = {}
    if signed_on is None:
        errors["signed_on"] = ValidationError(_("Enter the date of the agreement."), code="required")
    elif signed_on > helsinki_today():
        errors["signed_on"] = ValidationError(
            _("The agreement cannot be dated in the future."), code="future_date"
        )
    kind = None
    if document is None:
        errors["document"] = ValidationError(_("Attach the signed agreement."), code="required")
    else:
        try:
            kind = accepted_upload_kind(document, kinds=AGREEMENT_KINDS, max_mb=AGREEMENT_MAX_MB)
        except ValidationError as refusal:
            errors["document"] = refusal
    if errors:
        raise ValidationError(errors)
    agreement = OnwardTransferAgreement.objects.filter(grant=grant, co_implementer=co_implementer).first()
    replaced = agreement.document.name if agreement is not None else ""
    if agreement is None:
        agreement = OnwardTransferAgreement(grant=grant, co_implementer=co_implementer)
    agreement.signed_on = signed_on
    agreement.document_name = document.name[:255]
    agreement.document_kind = kind
    agreement.recorded_by = acting_user
    agreement.document.save(stored_name(document.name, kind), document, save=False)
    agreement.save()
    if replaced:
        storage = agreement.document.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    audit(
        acting_user=acting_user,
        action="grant.onward_transfer_agreement_replaced"
        if replaced
        else "grant.onward_transfer_agreement_recorded",
        target=grant.application,
        grant=grant.pk,
        co_implementer=co_implementer.business_id,
        signed_on=signed_on.isoformat(),
        file=agreement.document_name,
    )
    return agreement
