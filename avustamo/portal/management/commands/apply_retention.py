from django.core.management.base import BaseCommand

from avustamo.core.retention import apply_rules
from avustamo.portal.retention import RULES


class Command(BaseCommand):
    help = (
        "Anonymise or delete the records whose retention period has ended (docs/retention.md); run daily from cron. "
        "Each rule that acts is logged (RetentionLog); running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what is due; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        verb = "due" if dry_run else "done"
        for applied in apply_rules(RULES, dry_run=dry_run):
            self.stdout.write(f"{applied.rule.kind}: {applied.rule.action} {applied.count} ({verb})")
