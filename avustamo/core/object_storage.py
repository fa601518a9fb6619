"""The object store every app server and task worker reaches (settings: FILE_STORAGE_S3_*)."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend for files that only views checking the right to read them hand out.

    `url()` would sign a link that anyone holding it could open without those checks, so it refuses: a download
    is streamed through its view, never redirected to the store."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "stored files are served only through views that check the right to read them"
        )
