from django.core.management.base import BaseCommand

from avustamo.programmes.reference import load_reference_data


class Command(BaseCommand):
    help = "Load agencies, programmes, regions and municipalities; running it again changes nothing."

    def handle(self, *args, **options):
        outcomes = load_reference_data()
        self.stdout.write(
            f"Reference data: {outcomes['created']} created, {outcomes['updated']} updated, "
            f"{outcomes['unchanged']} unchanged."
        )
