"""The officials' pages for the State Treasury's grant data repository: a download of the export at any time, and
the log of deliveries (each file as delivered, and corrections of them)."""

import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from avustamo.core.audit import audit
from avustamo.core.feedback import perform
from avustamo.core.forms import add_service_errors
from avustamo.treasury import export, selectors, services
from avustamo.treasury.models import Delivery, DeliveryFormat

# Staff who read everything: auditors, finance officers, programme managers and administrators.
EXPORT_PERMISSION = "register.export_treasury_data"
VIEW_DELIVERIES = "treasury.view_deliveries"
# Exports larger than this are spooled to a temporary file rather than kept in memory.
IN_MEMORY_LIMIT = 8 * 1024 * 1024
DELIVERIES_PER_PAGE = 50
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RECORD_KIND_LABELS = {
    "calls": _("Calls"),
    "applications": _("Applications"),
    "decisions": _("Decisions"),
    "payments": _("Payments"),
    "changes": _("Changes and corrected decisions"),
    "returns": _("Returns, recoveries, waivers and offsets"),
    "reports": _("Reports and settlements"),
}


class TreasuryExportForm(forms.Form):
    call = forms.ChoiceField(label=_("Call"), required=False)
    first_day = forms.DateField(label=_("First day"), required=False, widget=DATE_INPUT)
    last_day = forms.DateField(label=_("Last day"), required=False, widget=DATE_INPUT)
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=DeliveryFormat.choices,
        initial="json",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", _("No call: export a period"))] + [
            (call.reference, f"{call.reference} – {call.title}")
            for call in export.exportable_calls().order_by("-opens_at", "reference")
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.selection = export.make_selection(
                    call_reference=data["call"], first_day=data["first_day"], last_day=data["last_day"]
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class DeliveryForm(TreasuryExportForm):
    record_kinds = forms.MultipleChoiceField(
        label=_("Records to deliver"),
        choices=[(kind, RECORD_KIND_LABELS[kind]) for kind in export.RECORD_KINDS],
        initial=list(export.RECORD_KINDS),
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
def treasury_export(request):
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    if not request.GET:
        return render(request, "treasury/export.html", {"form": TreasuryExportForm()})
    form = TreasuryExportForm(request.GET)
    if not form.is_valid():
        return render(request, "treasury/export.html", {"form": form}, status=400)
    file_format = form.cleaned_data["file_format"]
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_LIMIT)  # noqa: SIM115 (FileResponse closes it)
    counts = export.write_export(form.selection, file_format, out)
    export.record_export(
        acting_user=request.user,
        selection=form.selection,
        file_format=file_format,
        counts=counts,
        via="download",
    )
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=export.file_name(form.selection, file_format),
        content_type=export.CONTENT_TYPES[file_format],
    )


@login_required
def deliveries(request):
    """The log of deliveries with, for those who deliver, the form of a new one."""
    if not request.user.has_perm(VIEW_DELIVERIES):
        raise PermissionDenied
    may_deliver = request.user.has_perm(services.DELIVER_PERMISSION)
    form = DeliveryForm() if may_deliver else None
    status = 200
    if request.method == "POST":
        if not may_deliver:
            raise PermissionDenied
        form = DeliveryForm(request.POST)
        if form.is_valid():
            try:
                delivery = services.delivery_produce(
                    selection=form.selection,
                    record_kinds=form.cleaned_data["record_kinds"],
                    file_format=form.cleaned_data["file_format"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Delivery %(number)s has been produced.") % {"number": delivery.pk}
                )
                return redirect("official:treasury_deliveries")
        status = 400
    page = Paginator(selectors.deliveries(), DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    for delivery in page:
        delivery.count_lines = [
            (RECORD_KIND_LABELS[kind], delivery.counts.get(kind, 0)) for kind in delivery.record_kinds
        ]
    context = {"form": form, "page": page, "may_deliver": may_deliver, "kind_labels": RECORD_KIND_LABELS}
    return render(request, "treasury/deliveries.html", context, status=status)


@login_required
def delivery_file(request, pk):
    """The file of a delivery, the same bytes as delivered."""
    if not request.user.has_perm(VIEW_DELIVERIES):
        raise PermissionDenied
    delivery = get_object_or_404(Delivery.objects.select_related("call"), pk=pk)
    # The same data as the export, which records each disclosure; so is each download of a delivered file.
    audit(acting_user=request.user, action="treasury.delivery_downloaded", target=delivery)
    extension = export.EXTENSIONS[delivery.file_format]
    response = FileResponse(
        delivery.file.open("rb"),
        as_attachment=True,
        filename=f"treasury-delivery-{delivery.pk}-{delivery.selection.label}.{extension}",
        content_type=export.CONTENT_TYPES[delivery.file_format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def delivery_correct(request, pk):
    """A corrective delivery of the records changed since the delivery."""
    if not request.user.has_perm(services.DELIVER_PERMISSION):
        raise PermissionDenied
    delivery = get_object_or_404(Delivery, pk=pk)
    perform(
        request,
        lambda: services.delivery_correct(delivery=delivery, acting_user=request.user),
        lambda correction: (
            _("Correction %(number)s of delivery %(original)s has been produced.")
            % {"number": correction.pk, "original": correction.corrects_id}
        ),
    )
    return redirect("official:treasury_deliveries")
