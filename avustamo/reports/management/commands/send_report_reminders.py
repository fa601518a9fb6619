"""Run daily by cron: remind recipients of reports due within two weeks and of reports overdue."""

from django.core.management.base import BaseCommand

from avustamo.reports.services import send_report_reminders


class Command(BaseCommand):
    help = "Email reminders of report deadlines, before and after each; each reminder is sent once."

    def handle(self, *args, **options):
        sent = send_report_reminders()
        self.stdout.write(f"{sent} reminders queued.")
