"""An official's download of the export for the State Treasury's grant data repository."""

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from avustamo.register import treasury

# Staff who read everything: auditors, finance officers, programme managers and administrators.
EXPORT_PERMISSION = "register.export_treasury_data"
# Exports larger than this are spooled to a temporary file rather than kept in memory.
IN_MEMORY_LIMIT = 8 * 1024 * 1024
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TreasuryExportForm(forms.Form):
    call = forms.ChoiceField(label=_("Call"), required=False)
    first_day = forms.DateField(label=_("First day"), required=False, widget=DATE_INPUT)
    last_day = forms.DateField(label=_("Last day"), required=False, widget=DATE_INPUT)
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("json", _("JSON (one document)")), ("csv", _("CSV (a ZIP of three files)"))],
        initial="json",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", _("No call: export a period"))] + [
            (call.reference, f"{call.reference} – {call.title}")
            for call in treasury.exportable_calls().order_by("-opens_at", "reference")
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.selection = treasury.make_selection(
                    call_reference=data["call"], first_day=data["first_day"], last_day=data["last_day"]
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


@login_required
def treasury_export(request):
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    if not request.GET:
        return render(request, "register/treasury_export.html", {"form": TreasuryExportForm()})
    form = TreasuryExportForm(request.GET)
    if not form.is_valid():
        return render(request, "register/treasury_export.html", {"form": form}, status=400)
    file_format = form.cleaned_data["file_format"]
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_LIMIT)  # noqa: SIM115 (FileResponse closes it)
    counts = treasury.write_export(form.selection, file_format, out)
    treasury.record_export(
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
        filename=treasury.file_name(form.selection, file_format),
        content_type=treasury.CONTENT_TYPES[file_format],
    )
