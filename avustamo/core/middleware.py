"""Requests carrying text no field accepts are refused before any view runs; errors under /api/ are JSON.

No form field, filter, file name or JSON value ever legitimately holds U+0000 or a lone surrogate
(U+D800–U+DFFF, which is not a character). PostgreSQL cannot store or even compare text with NUL (SQLite can),
and a lone surrogate cannot be encoded as UTF-8, so SQLite keeps it inside JSON and every page showing it fails:
letting one through would make the two databases behave differently and turn a stray escape into a server error.
Query strings and form posts are checked for both (Django decodes their bytes with replacement, so a surrogate
only reaches them through a client that builds the request itself), JSON bodies for lone surrogates — NUL in
JSON answers is refused with the answers themselves (`applications.answers`), naming the question. Every model
refuses both again before it is written (`core.text`).
"""

import json
import re
from typing import NamedTuple

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from avustamo.core.text import UNSTORABLE, unstorable_path
from avustamo.core.translation import language_asked

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A JSON body can only hold a lone surrogate as an escape (`\ud800` to `\udfff`) or as the bytes of one
# (json.loads reads bytes with surrogatepass); bodies without either are not parsed twice.
MAY_HOLD_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _refusal_code(text: str) -> str | None:
    if NUL in text:
        return "null_character"
    if UNSTORABLE.search(text):
        return "lone_surrogate"
    return None


def _form_refusal(request) -> str | None:
    texts = []
    queries = [request.GET]
    if request.method == "POST" and request.content_type in FORM_TYPES:
        queries.append(request.POST)
        texts.extend(upload.name or "" for upload in request.FILES.values())
    texts.extend(text for query in queries for key, values in query.lists() for text in (key, *values))
    return next((code for code in map(_refusal_code, texts) if code), None)


def _json_surrogate_field(request) -> str | None:
    """The path of the first JSON value or key holding a lone surrogate, '' for the body itself; None if none."""
    if request.content_type != "application/json" and not request.content_type.endswith("+json"):
        return None
    body = request.body
    if not MAY_HOLD_SURROGATE.search(body):
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        return None  # malformed JSON: the view's parser says so
    return unstorable_path(parsed)


class Refusal(NamedTuple):
    status: int
    field: str
    code: str
    message: str


def unreadable_request(error: Exception) -> Refusal:
    """The refusal of a body Django cannot read: too large, a multipart body without a boundary or cut short,
    too many fields or files."""
    if isinstance(error, RequestDataTooBig):
        return Refusal(413, "", "too_large", _("The request is larger than the service accepts."))
    if isinstance(error, MultiPartParserError):
        return Refusal(
            400,
            "",
            "malformed_multipart",
            _("The form data cannot be read: %(problem)s") % {"problem": error},
        )
    return Refusal(
        400, "", "unreadable_request", _("The request cannot be read: %(problem)s") % {"problem": error}
    )


def _refusal(request) -> Refusal | None:
    try:
        code = _form_refusal(request)
        field = "" if code else _json_surrogate_field(request)
    except (MultiPartParserError, SuspiciousOperation) as error:
        return unreadable_request(error)
    if code is None and field is not None:
        code = "lone_surrogate"
    if code is None:
        return None
    return Refusal(422, field or "", code, MESSAGES[code]())


MESSAGES = {
    "null_character": lambda: _("The request contains a NUL character (U+0000), which no field accepts."),
    "lone_surrogate": lambda: _(
        "The request contains a lone surrogate (U+D800–U+DFFF), which is not a character and no field accepts."
    ),
}


def refusal_response(request, refusal: Refusal):
    """The refusal with the API's errors under /api/, a page elsewhere (400 for what the API answers 422)."""
    if request.path.startswith("/api/"):
        problem = {"field": refusal.field, "code": refusal.code, "message": refusal.message}
        detail = refusal.message if refusal.status != 422 else _("The request is not valid.")
        return JsonResponse({"detail": detail, "errors": [problem]}, status=refusal.status)
    return render(
        request,
        "400.html",
        {"message": refusal.message},
        status=400 if refusal.status == 422 else refusal.status,
    )


class RefuseUnstorableTextMiddleware:
    """Refuses NUL characters and lone surrogates, and bodies Django cannot read, before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = _refusal(request)
        if refusal is None:
            return self.get_response(request)
        return refusal_response(request, refusal)


class ApiLanguageMiddleware:
    """The API answers in the language its client asks for with Accept-Language (fi, sv or en).

    The pages take their language from the path, so LocaleMiddleware gives every unprefixed path, the API's too,
    the default language. Without the header, the API's authentication turns to the person's own preference
    (`request.api_language_asked` is False), and Finnish stays for the public.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            language = language_asked(request.headers.get("Accept-Language", ""))
            request.api_language_asked = language is not None
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


def _status_detail(request, response) -> str:
    """What Django's own error answer means, in the language of the request."""
    if response.status_code == 404:
        return _("The API has nothing at this address: see /api/v1/docs.")
    if response.status_code == 405:
        return _("This address of the API does not take %(method)s; the Allow header says what it takes.") % {
            "method": request.method
        }
    if response.status_code >= 500:
        return _("The service could not answer. Try again in a moment.")
    return response.reason_phrase


class JsonErrorsUnderApiMiddleware:
    """Every error answer under /api/ is JSON in the API's shape.

    The API's own refusals already are; this covers what Django answers before or around it: an unknown endpoint
    (404), a method an endpoint does not take (405), a request refused by a middleware (400) and a server error
    (500), whose pages are HTML otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            json_response = JsonResponse(
                {"detail": _status_detail(request, response), "errors": []}, status=response.status_code
            )
            for header in ("Allow", "Retry-After"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response


def _page_above(path: str) -> str | None:
    """The page an action's address belongs to (`/official/payments/batches/4/approve/` → `…/batches/4/`), if that
    is a page of the service."""
    parent = path.rstrip("/").rsplit("/", 1)[0] + "/"
    try:
        resolve(parent)
    except Resolver404:
        return None
    return parent


class FormAddressPageMiddleware:
    """An address that only takes a form's answer, opened as a page (a bookmark, the language switch on a page
    that showed a refusal there), answers 405 with a page that links to where the form is, not an empty one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not request.path.startswith("/api/")
            and not response.streaming
            and not response.content
        ):
            page = render(request, "405.html", {"page_above": _page_above(request.path)}, status=405)
            page["Allow"] = response.get("Allow", "POST")
            return page
        return response
