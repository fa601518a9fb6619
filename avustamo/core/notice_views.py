"""The registry's pages: the decisions to post as letters to recipients who have not consented to electronic
notification, each with its document and the recipient's postal address, and marking a letter posted."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from avustamo.core import notices
from avustamo.core.downloads import file_download
from avustamo.core.models import DecisionNotice


class PostedForm(forms.Form):
    posted_on = forms.DateField(
        label=gettext_lazy("Posted on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "The recipient is presumed to have received the letter on the seventh day after."
        ),
    )


def _require_registry(request) -> None:
    if not request.user.has_perm("core.post_decisions"):
        raise PermissionDenied


@login_required
def notices_to_post(request):
    _require_registry(request)
    return render(
        request,
        "core/notices_to_post.html",
        {"to_post": notices.notices_to_post(), "posted_form": PostedForm()},
    )


@login_required
@require_POST
def notice_posted(request, pk):
    _require_registry(request)
    notice = get_object_or_404(DecisionNotice, pk=pk)
    form = PostedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the letter was posted."))
        return redirect("official:notices_to_post")
    try:
        notices.notice_posted(
            notice=notice, posted_on=form.cleaned_data["posted_on"], acting_user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The letter has been marked posted."))
    return redirect("official:notices_to_post")


@login_required
def notice_document(request, pk):
    """The decision document to print and post."""
    _require_registry(request)
    notice = get_object_or_404(DecisionNotice, pk=pk)
    if not notice.document or not default_storage.exists(notice.document):
        raise Http404
    return file_download(
        default_storage.open(notice.document, "rb"), name=notice.document.rsplit("/", 1)[-1], kind="pdf"
    )
