"""Each field of a Django form on a page, written by includes/field.html as the applicant's form writes its
questions: the label (no colon), the hint, the error, then the input; every width set by what the field holds."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from avustamo.core.templatetags.avustamo import field_kind
from avustamo.decisions.forms import DecisionForm, ProposalForm
from avustamo.payments.forms import PaymentApplicationDecisionForm, ReferenceRateForm
from avustamo.payments.models import RecoveryGrounds
from avustamo.reviews.forms import CompletionRequestForm, ScreeningForm
from tests.access import sign_in
from tests.factories import GrantFactory, UserFactory


def _field(bound_field) -> str:
    with translation.override("en"):
        return re.sub(r"\s+", " ", render_to_string("includes/field.html", {"field": bound_field}))


@pytest.mark.parametrize(
    ("form", "name", "kind"),
    [
        (ProposalForm(), "amount", "money"),
        (ProposalForm(), "max_share_percent", "number"),
        (ProposalForm(), "justification", "long-text"),
        (DecisionForm(), "outcome", "select"),
        (DecisionForm(), "period_start", "date"),
        (ScreeningForm(), "arrived_on_time", "checkbox"),
        (ScreeningForm(), "result", "choices"),
        (CompletionRequestForm(), "question_ids", "choices"),
        (ReferenceRateForm(), "source", "text"),
    ],
)
def test_a_fields_kind_follows_what_it_holds(form, name, kind):
    assert field_kind(form[name]) == kind


def test_the_label_comes_first_then_the_hint_and_the_error_which_the_input_refers_to():
    form = PaymentApplicationDecisionForm({"approved_amount": "lots"})
    form.is_valid()
    html = _field(form["approved_amount"])

    label = '<label for="id_approved_amount">Amount approved (€)</label>'
    hint = '<div class="helptext" id="id_approved_amount_helptext">0 rejects the application.</div>'
    error = '<ul class="errorlist" id="id_approved_amount_error"><li>Enter a number.</li></ul>'
    assert html.index(label) < html.index(hint) < html.index(error) < html.index("<input")
    assert 'aria-describedby="id_approved_amount_helptext id_approved_amount_error"' in html
    assert 'aria-invalid="true"' in html and 'class="field form-field field-money has-error"' in html
    # The euro sign after the amount is for the eye: the label says it already.
    assert '<span class="suffix" aria-hidden="true">€</span>' in html


def test_a_checkbox_comes_before_its_label_and_a_group_of_choices_is_a_fieldset():
    form = ScreeningForm()
    checkbox = _field(form["arrived_on_time"])
    assert checkbox.index('<input type="checkbox"') < checkbox.index(
        '<label for="id_arrived_on_time">Arrived on time</label>'
    )
    choices = _field(form["result"])
    assert "<fieldset> <legend>Result</legend>" in choices and ":</legend>" not in choices


@pytest.mark.django_db
def test_a_refused_recovery_form_comes_back_with_its_fields_and_what_was_written(client):
    grant = GrantFactory.paid()
    sign_in(client, UserFactory(roles=["programme_manager"]))
    refused = client.post(
        f"/en/official/applications/{grant.application_id}/recovery-grounds/",
        {"grounds-ground": "21_other_purpose", "grounds-description": "The auditor found receipts missing."},
    )
    page = refused.content.decode()

    assert refused.status_code == 400 and not RecoveryGrounds.objects.exists()
    assert '<a href="#id_grounds-learned_on">Grounds learned on: This field is required.</a>' in page
    assert 'id="id_grounds-learned_on"' in page
    assert "The auditor found receipts missing.</textarea>" in page
    assert f'action="/en/official/applications/{grant.application_id}/recovery-grounds/"' in page
