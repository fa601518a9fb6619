"""The officials' page of Statistics Finland's population figures: which years are loaded, and the upload of a new
file (administrators)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustamo.core.forms import add_service_errors
from avustamo.reference import selectors, services

VIEW_PERMISSION = "reference.view_population"


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Statistics Finland's CSV file"),
        help_text=gettext_lazy(
            "Population by language per municipality and year, in the layout described above."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > services.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)d MB.")
                % {"megabytes": services.MAX_FILE_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


@login_required
def population(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    can_import = request.user.has_perm(services.IMPORT_PERMISSION)
    form = PopulationUploadForm(request.POST or None, request.FILES or None) if can_import else None
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                done = services.population_import(
                    content=upload.read(), file_name=upload.name, acting_user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The figures of %(count)d municipalities for %(years)s are loaded.")
                    % {"count": done.municipalities, "years": ", ".join(str(year) for year in done.years)},
                )
                return redirect("official:population")
    context = {"years": selectors.loaded_years(), "imports": selectors.recent_imports(), "form": form}
    return render(
        request, "reference/population.html", context, status=422 if form is not None and form.errors else 200
    )
