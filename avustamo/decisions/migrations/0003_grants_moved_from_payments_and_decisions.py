from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0002_change_requests"),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="changerequest",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="changerequest",
                    name="grant",
                ),
                migrations.RemoveField(
                    model_name="changerequest",
                    name="submitted_by",
                ),
                migrations.RemoveField(
                    model_name="publicationrun",
                    name="call",
                ),
                migrations.RemoveField(
                    model_name="publicationrun",
                    name="started_by",
                ),
                migrations.DeleteModel(
                    name="ChangePart",
                ),
                migrations.DeleteModel(
                    name="ChangeRequest",
                ),
                migrations.DeleteModel(
                    name="PublicationRun",
                ),
            ],
        ),
    ]
