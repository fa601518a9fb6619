"""The public register's pages: the search, a decision's page and an organisation's history. No login."""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from stdnum.fi import ytunnus

from avustamo.core.keyset import InvalidCursor
from avustamo.register import exports, selectors
from avustamo.register.forms import GrantSearchForm
from avustamo.register.models import GrantOutcome


def search_form(request) -> GrantSearchForm:
    """The bound search form of this request (an empty query is a valid search of everything)."""
    form = GrantSearchForm(request.GET, years=selectors.register_years())
    form.is_valid()
    return form


def grant_list(request):
    form = search_form(request)
    context = {"form": form, "page": None, "count": None}
    if form.errors:
        return render(request, "register/grant_list.html", context, status=400)
    filters = form.filters()
    try:
        page = selectors.grant_page(filters, sort=form.sort_order(), cursor=request.GET.get("cursor", ""))
    except InvalidCursor:
        form.add_error(None, _("The page link is not valid. Start again from the first page."))
        return render(request, "register/grant_list.html", context, status=400)
    query = request.GET.copy()
    query.pop("cursor", None)
    context.update(
        page=page,
        count=selectors.grant_count(filters),
        query=query.urlencode(),
        filtered=any(value for key, value in request.GET.items() if key not in ("sort", "cursor")),
        # 360Giving lists grants made: a search of negative decisions alone has no package.
        offers_package=filters.outcome in exports.PACKAGE_OUTCOMES,
    )
    return render(request, "register/grant_list.html", context)


def grant_detail(request, pk: int):
    grant = selectors.published_grant(pk)
    if grant is None:
        raise Http404
    co_implementers = selectors.co_implementers_of_grants([grant.pk]).get(grant.pk, [])
    return render(request, "register/grant_detail.html", {"grant": grant, "co_implementers": co_implementers})


def organisation_detail(request, business_id: str):
    if not ytunnus.is_valid(business_id) or ytunnus.format(business_id) != business_id:
        raise Http404
    grants = selectors.grants_of_organisation(business_id)
    if not grants:
        raise Http404
    return _recipient_page(request, name=grants[0].recipient_name, business_id=business_id, grants=grants)


def recipient_detail(request):
    """Decisions published under one exact name without a Business ID, as historic registers published them."""
    name = request.GET.get("name", "")[:255]
    grants = selectors.grants_of_recipient_name(name) if name else []
    if not grants:
        raise Http404
    return _recipient_page(request, name=name, business_id="", grants=grants)


def _recipient_page(request, *, name: str, business_id: str, grants: list):
    awarded = [grant for grant in grants if grant.outcome == GrantOutcome.AWARDED]
    return render(
        request,
        "register/recipient_detail.html",
        {
            "name": name,
            "business_id": business_id,
            "grants": grants,
            "awarded_count": len(awarded),
            "awarded_total": sum((grant.amount_awarded for grant in awarded), Decimal("0")),
        },
    )
