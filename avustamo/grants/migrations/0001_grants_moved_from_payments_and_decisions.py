import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {"payments": ["grant"], "decisions": ["publicationrun", "changerequest", "changepart"]}


def relabel(apps, *, back: bool):
    # Permissions and admin history point at the content type, the audit log at the model's label: both follow
    # the models, so that a grant's history reads the same before and after the move.
    content_types = apps.get_model("contenttypes", "ContentType")
    audit_entries = apps.get_model("core", "AuditEntry")
    for app_label, models_moved in MOVED.items():
        old, new = ("grants", app_label) if back else (app_label, "grants")
        content_types.objects.filter(app_label=old, model__in=models_moved).update(app_label=new)
        for model in models_moved:
            audit_entries.objects.filter(target_type=f"{old}.{model}").update(target_type=f"{new}.{model}")


def forwards(apps, schema_editor):
    relabel(apps, back=False)


def backwards(apps, schema_editor):
    relabel(apps, back=True)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applications", "0003_code_lists_in_reference_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_outbox_of_emails"),
        ("decisions", "0002_change_requests"),
        ("payments", "0008_recovery_decisions_grounds_and_voluntary_returns"),
        ("programmes", "0007_code_lists_in_reference_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Grant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("awaiting_acceptance", "awaiting acceptance"),
                                    ("accepted", "accepted"),
                                    ("declined", "declined"),
                                    ("closed", "closed by a correcting decision"),
                                ],
                                default="awaiting_acceptance",
                                max_length=30,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "answered_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="accepted or declined at"
                            ),
                        ),
                        ("decline_reason", models.TextField(blank=True, verbose_name="reason for declining")),
                        ("opened_at", models.DateTimeField(auto_now_add=True, verbose_name="opened at")),
                        (
                            "answered_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="accepted or declined by",
                            ),
                        ),
                        (
                            "application",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="grant",
                                to="applications.application",
                                verbose_name="application",
                            ),
                        ),
                        (
                            "decision",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="grant",
                                to="decisions.decision",
                                verbose_name="decision in force",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "grant",
                        "verbose_name_plural": "grants",
                        "db_table": "payments_grant",
                    },
                ),
                migrations.CreateModel(
                    name="ChangeRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "waiting for the presenter's decision"),
                                    ("decided", "decided"),
                                ],
                                default="open",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "submitted_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="submitted at"),
                        ),
                        (
                            "submitted_on",
                            models.DateField(
                                help_text="The day in Helsinki the request arrived, which the extension's deadline is kept by.",
                                verbose_name="submitted on",
                            ),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="change decision made at"
                            ),
                        ),
                        (
                            "decision_date",
                            models.DateField(
                                blank=True, null=True, verbose_name="date of the change decision"
                            ),
                        ),
                        (
                            "language",
                            models.CharField(
                                default="fi", max_length=2, verbose_name="language of the change decision"
                            ),
                        ),
                        (
                            "document",
                            models.FileField(
                                blank=True,
                                upload_to="change-decisions/%Y/",
                                verbose_name="change decision document",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="change decision made by",
                            ),
                        ),
                        (
                            "submitted_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="submitted by",
                            ),
                        ),
                        (
                            "grant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="change_requests",
                                to="grants.grant",
                                verbose_name="grant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "change request",
                        "verbose_name_plural": "change requests",
                        "db_table": "decisions_changerequest",
                        "ordering": ["grant", "submitted_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PublicationRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "queued"),
                                    ("running", "running"),
                                    ("finished", "finished"),
                                    ("failed", "failed"),
                                ],
                                default="queued",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "total",
                            models.PositiveIntegerField(default=0, verbose_name="decisions to publish"),
                        ),
                        ("done", models.PositiveIntegerField(default=0, verbose_name="decisions published")),
                        ("error", models.TextField(blank=True, verbose_name="error")),
                        ("started_at", models.DateTimeField(auto_now_add=True, verbose_name="started at")),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                        ),
                        (
                            "call",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="publication_runs",
                                to="programmes.call",
                                verbose_name="call",
                            ),
                        ),
                        (
                            "started_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="started by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "publication of decisions",
                        "verbose_name_plural": "publications of decisions",
                        "db_table": "decisions_publicationrun",
                        "ordering": ["-started_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="ChangePart",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("extension", "extension of the period of use"),
                                    ("budget", "moving money between cost categories"),
                                    ("content", "change of content"),
                                ],
                                max_length=20,
                                verbose_name="change",
                            ),
                        ),
                        ("reasons", models.TextField(verbose_name="reasons for the change")),
                        (
                            "asked_period_end",
                            models.DateField(blank=True, null=True, verbose_name="period of use to end on"),
                        ),
                        (
                            "asked_budget",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="cost categories asked (€)"
                            ),
                        ),
                        (
                            "asked_content",
                            models.TextField(blank=True, verbose_name="change of content asked"),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("accepted", "accepted"),
                                    ("accepted_with_changes", "accepted with changes"),
                                    ("rejected", "rejected"),
                                ],
                                max_length=30,
                                verbose_name="decision",
                            ),
                        ),
                        (
                            "decided_period_end",
                            models.DateField(
                                blank=True, null=True, verbose_name="period of use ends on, as decided"
                            ),
                        ),
                        (
                            "decided_budget",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="cost categories decided (€)"
                            ),
                        ),
                        (
                            "decided_content",
                            models.TextField(blank=True, verbose_name="change of content, as decided"),
                        ),
                        (
                            "decision_reasons",
                            models.TextField(blank=True, verbose_name="reasons for the decision"),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="decided by",
                            ),
                        ),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="parts",
                                to="grants.changerequest",
                                verbose_name="change request",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "part of a change request",
                        "verbose_name_plural": "parts of change requests",
                        "db_table": "decisions_changepart",
                        "ordering": ["request", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("request", "kind"), name="change_part_kind_once_per_request"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("decided_at__isnull", True), ("outcome", "")),
                                    models.Q(
                                        models.Q(("outcome", ""), _negated=True),
                                        ("decided_at__isnull", False),
                                        ("decided_by__isnull", False),
                                    ),
                                    _connector="OR",
                                ),
                                name="change_part_decided_has_decider",
                            ),
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="grant",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("answered_at__isnull", True),
                                ("answered_by__isnull", True),
                                ("status", "awaiting_acceptance"),
                            ),
                            models.Q(
                                ("answered_at__isnull", False), ("status__in", ["accepted", "declined"])
                            ),
                            ("status", "closed"),
                            _connector="OR",
                        ),
                        name="grant_answered_when_accepted_or_declined",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="changerequest",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "open")),
                        fields=("grant",),
                        name="change_request_one_open_per_grant",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="changerequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("decided_at__isnull", True), ("status", "open")),
                            models.Q(
                                ("decided_at__isnull", False),
                                ("decided_by__isnull", False),
                                ("decision_date__isnull", False),
                                ("status", "decided"),
                            ),
                            _connector="OR",
                        ),
                        name="change_request_decided_has_decider_and_date",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="changerequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("language__in", ["fi", "sv"])), name="change_request_language"
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
