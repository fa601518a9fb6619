from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, recipients: list[str]) -> None:
    """Send one plain-text email; run by the task worker so a slow mail server never holds up a page."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def enqueue_templated_email(*, template: str, context: dict, recipients: list[str], language: str) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` in `language` and queue the email."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    send_email.enqueue(subject=subject, body=body, recipients=recipients)
