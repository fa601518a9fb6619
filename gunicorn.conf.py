"""gunicorn's settings for Avustamo, read from this folder by `make demo`, `bench/register.py` and any deployment
started here; command-line options (bind address, workers) add to them."""

# A download of the whole register streams for a minute or more. A sync worker that says nothing to the arbiter
# for `timeout` seconds is stopped, cutting the file short without an error; a gthread worker's main thread keeps
# answering the arbiter while its threads stream (docs/performance.md).
worker_class = "gthread"
threads = 4

# No `Server: gunicorn` header: naming the software (and so its advisories) tells a prober where to start, and
# gunicorn has no setting to leave it out. Every response of the sync and gthread workers starts with
# gunicorn.http.wsgi.Response.default_headers; the workers are forked after this file is read, so they inherit it.
from gunicorn.http.wsgi import Response  # noqa: E402


def _without_server_header(default_headers):
    def headers(response):
        return [line for line in default_headers(response) if not line.lower().startswith("server:")]

    return headers


Response.default_headers = _without_server_header(Response.default_headers)
