"""Requests carrying the NUL character are refused before any view runs.

No form field, filter or file name ever legitimately holds U+0000, and PostgreSQL cannot store or even compare
text with it (SQLite can), so letting one through would make the two databases behave differently and, on
PostgreSQL, turn a stray byte into a server error. Django's form fields already refuse it; this also covers
query strings read directly by views and the API's query and form parameters. Answers sent as JSON are checked
with the answers themselves.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def _carries_nul(request) -> bool:
    parameters = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        parameters.append(request.POST)
        if any(NUL in (upload.name or "") for upload in request.FILES.values()):
            return True
    return any(
        NUL in key or any(NUL in value for value in values)
        for query in parameters
        for key, values in query.lists()
    )


class RefuseNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            message = _("The request contains a NUL character (U+0000), which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": "The request is not valid.",
                        "errors": [{"field": "", "code": "null_character", "message": message}],
                    },
                    status=422,
                )
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
