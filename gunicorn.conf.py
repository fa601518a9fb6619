"""gunicorn's settings for Avustamo, read from this folder by `make demo`, `bench/register.py` and any deployment
started here; command-line options (bind address, workers) add to them."""

import gc

from gunicorn.http.wsgi import Response

# A download of the whole register streams for a minute or more. A sync worker that says nothing to the arbiter
# for `timeout` seconds is stopped, cutting the file short without an error; a gthread worker's main thread keeps
# answering the arbiter while its threads stream (docs/performance.md).
worker_class = "gthread"
threads = 4

# No `Server: gunicorn` header: naming the software (and so its advisories) tells a prober where to start, and
# gunicorn has no setting to leave it out. Every response of the sync and gthread workers starts with
# gunicorn.http.wsgi.Response.default_headers; the workers are forked after this file is read, so they inherit it.


def _without_server_header(default_headers):
    def headers(response):
        return [line for line in default_headers(response) if not line.lower().startswith("server:")]

    return headers


Response.default_headers = _without_server_header(Response.default_headers)


# Garbage-collection pauses. A worker's full collections walk every object it holds, and most of them (Django, the
# apps, URL patterns, compiled templates) are loaded once and live as long as the worker: the walks made the
# handling list's p95 twice its median (issue 15). Freezing what the worker has loaded moves it out of the
# collector's sight, so a collection only walks what requests create. The application is loaded in each worker
# (no `preload_app`): a worker then opens its own database connections and nothing is shared across the fork.
def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    worker.log.info("Froze %d objects loaded by the worker out of garbage collection", gc.get_freeze_count())
