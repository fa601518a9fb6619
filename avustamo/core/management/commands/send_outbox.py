from django.core.management.base import BaseCommand

from avustamo.core.tasks import deliver_pending


class Command(BaseCommand):
    help = "Send emails the task worker has not sent and retry failed ones (run from cron every few minutes)."

    def handle(self, *args, **options):
        result = deliver_pending()
        self.stdout.write(
            f"sent {result['sent']}; failed and waiting for a retry {result['failed']}; "
            f"stuck while sending {result['stuck']}"
        )
