"""The register's downloads and the page describing them. No login; the same GET parameters as the search page.

The writers are in `register.exports`; these views check the search, name the file and stream the answer.
"""

from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from avustamo.core.dates import helsinki_today
from avustamo.core.links import site_url
from avustamo.core.templatetags.avustamo import number
from avustamo.core.translation import language_code
from avustamo.organisations.models import OrganisationType
from avustamo.register import exports, selectors
from avustamo.register.forms import GrantSearchForm
from avustamo.register.views import search_form

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"


def _problems(form: GrantSearchForm) -> str:
    return "\n".join(
        f"{form.fields[name].label if name in form.fields else name}: {message}"
        for name, messages in form.errors.items()
        for message in messages
    )


def _invalid_search_text(form: GrantSearchForm) -> HttpResponse:
    message = _("The search is not valid, so nothing was downloaded.")
    return HttpResponse(
        f"{message}\n{_problems(form)}\n", status=400, content_type="text/plain; charset=utf-8"
    )


def _json_error(message: str, *, status: int, form: GrantSearchForm | None = None) -> JsonResponse:
    body = {"error": message}
    if form is not None:
        body["fields"] = {name: list(messages) for name, messages in form.errors.items()}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(kind: str, extension: str) -> str:
    return exports.download_name(kind, extension, helsinki_today())


def grants_csv(request):
    form = search_form(request)
    if form.errors:
        return _invalid_search_text(form)
    content = exports.csv_content(form.filters(), sort=form.sort_order(), language=language_code())
    return _attachment(StreamingHttpResponse(content, content_type=CSV_TYPE), _filename("grants", "csv"))


def grants_xlsx(request):
    form = search_form(request)
    if form.errors:
        return _invalid_search_text(form)
    filters = form.filters()
    if not exports.fits_a_worksheet(filters):
        message = _(
            "More decisions match than a worksheet holds (%(rows)s rows). Narrow the search or download CSV."
        ) % {"rows": number(exports.XLSX_MAX_ROWS)}
        return HttpResponse(f"{message}\n", status=400, content_type="text/plain; charset=utf-8")
    workbook = exports.xlsx_file(filters, sort=form.sort_order(), language=language_code())
    return FileResponse(
        workbook, as_attachment=True, filename=_filename("grants", "xlsx"), content_type=XLSX_TYPE
    )


def grants_json(request):
    form = search_form(request)
    if form.errors:
        return _json_error(_("The search is not valid, so nothing was downloaded."), status=400, form=form)
    content = exports.json_content(
        form.filters(),
        sort=form.sort_order(),
        language=language_code(),
        documentation_url=site_url("register:open_data", language=language_code()),
    )
    return _attachment(StreamingHttpResponse(content, content_type=JSON_TYPE), _filename("grants", "json"))


def _package_response(filters: selectors.GrantFilters) -> JsonResponse | StreamingHttpResponse:
    if not selectors.grants(exports.package_filters(filters)).exists():
        # The standard asks for at least one grant in a package.
        return _json_error(_("No grant awarded matches the search."), status=404)
    content = exports.package_content(
        filters, access_url=site_url("register:open_data", language=exports.PACKAGE_LANGUAGE)
    )
    return _attachment(StreamingHttpResponse(content, content_type=JSON_TYPE), _filename("360giving", "json"))


def grants_360giving(request):
    """The grants made among a search, as a 360Giving package."""
    form = search_form(request)
    if form.errors:
        return _json_error(_("The search is not valid, so nothing was downloaded."), status=400, form=form)
    filters = form.filters()
    if filters.outcome not in exports.PACKAGE_OUTCOMES:
        return _json_error(
            _(
                "A 360Giving package lists grants awarded, and this search asks for negative decisions only. "
                "Download them as CSV, Excel or JSON."
            ),
            status=400,
        )
    return _package_response(filters)


def register_360giving(request):
    """Every grant made in the register, as one 360Giving package, at an address without a language."""
    return _package_response(selectors.GrantFilters())


def open_data(request):
    columns = [
        {"name": column.name, "description": column.description, "kind": exports.KIND_LABELS[column.kind]}
        for column in exports.COLUMNS
    ]
    return render(
        request,
        "register/open_data.html",
        {
            "columns": columns,
            "organisation_types": OrganisationType.choices,
            "agencies": exports.agency_identifiers(),
            "license_url": exports.LICENSE_URL,
            "business_id_list": exports.BUSINESS_ID_LIST,
            "region_code_type": exports.REGION_CODE_TYPE,
            "municipality_code_type": exports.MUNICIPALITY_CODE_TYPE,
            "package_url": reverse("open_data_360giving"),
        },
    )
