from django.core.management.base import BaseCommand

from avustamo.demo.content import DEMO_PASSWORD, PEOPLE
from avustamo.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (reference data, TEM's history, people, organisations, calls). Safe to run again."
    )

    def handle(self, *args, **options):
        load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is ready. Demo logins (password for all: {DEMO_PASSWORD}):")
        )
        for person in PEOPLE:
            if person.get("is_superuser"):
                role = "administrator (superuser)"
            elif person.get("is_staff"):
                role = ", ".join(person.get("roles", [])) or "official"
            else:
                role = "applicant"
            self.stdout.write(f"  {person['email']:<28} {role}")
