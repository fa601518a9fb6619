"""gunicorn's settings for Avustamo, read from this folder by `make demo`, `bench/register.py` and any deployment
started here; command-line options (bind address, workers) add to them."""

# A download of the whole register streams for a minute or more. A sync worker that says nothing to the arbiter
# for `timeout` seconds is stopped, cutting the file short without an error; a gthread worker's main thread keeps
# answering the arbiter while its threads stream (docs/performance.md).
worker_class = "gthread"
threads = 4
