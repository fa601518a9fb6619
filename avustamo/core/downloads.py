"""Stored files sent to the browser: always as a download, named and typed by the kind their content showed.

An upload's own name is the applicant's: `x.html` holding a PDF would otherwise be offered as a web page of the
service's origin. The name keeps its stem and takes the detected kind's extension; Content-Type is that kind's;
`nosniff` stops a browser from guessing another type from the bytes.
"""

from pathlib import Path

from django.http import FileResponse, Http404

from avustamo.core.uploads import content_type


def download_name(name: str, kind: str) -> str:
    return f"{Path(name or '').stem or 'file'}.{kind}"


def file_download(stored, *, name: str, kind: str) -> FileResponse:
    """A stored file (a FieldFile or a storage's File) as an attachment; 404 when nothing is stored yet."""
    if not stored:
        raise Http404
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=download_name(name, kind),
        content_type=content_type(kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
