from django.db import migrations

MOVED = ["region", "municipality"]


def relabel(apps, from_app, to_app):
    # Permissions and admin history point at the content type; keep them by renaming it rather than making anew.
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label=from_app, model__in=MOVED).update(app_label=to_app)


def forwards(apps, schema_editor):
    relabel(apps, "programmes", "reference")


def backwards(apps, schema_editor):
    relabel(apps, "reference", "programmes")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("applications", "0003_code_lists_in_reference_app"),
        ("organisations", "0002_code_lists_in_reference_app"),
        ("programmes", "0006_call_extension_notice_days"),
        ("register", "0006_code_lists_in_reference_app"),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="Municipality",
                ),
                migrations.DeleteModel(
                    name="Region",
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
