"""Deliveries to the State Treasury's grant data repository: producing one, and producing a correction of one."""

import hashlib
import tempfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from avustamo.core.audit import audit
from avustamo.core.dates import in_helsinki
from avustamo.core.permissions import require_permission
from avustamo.treasury import export
from avustamo.treasury.models import DeliveredRecord, Delivery

# A delivery is written to a temporary file first; larger than this, the file is kept on disk, not in memory.
IN_MEMORY_LIMIT = 8 * 1024 * 1024
RECORDS_PER_INSERT = 1000
DELIVER_PERMISSION = "treasury.deliver_data"


def _require_may_deliver(acting_user) -> None:
    """An official who delivers (finance officers, programme managers, administrators); None is the command, run by
    whoever runs the service."""
    if acting_user is not None:
        require_permission(acting_user, DELIVER_PERMISSION)


def _checked_kinds(record_kinds) -> list[str]:
    kinds = [kind for kind in export.RECORD_KINDS if kind in set(record_kinds)]
    if not kinds:
        raise ValidationError(_("Choose at least one kind of record to deliver."), code="no_record_kinds")
    unknown = set(record_kinds) - set(export.RECORD_KINDS)
    if unknown:
        raise ValidationError(
            _("Unknown kind of record: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))},
            code="unknown_record_kind",
        )
    return kinds


def _delivered_so_far(original: Delivery) -> dict[tuple[str, str], str]:
    """Each record's fingerprint as last delivered: in the original delivery or in its latest correction."""
    rows = (
        DeliveredRecord.objects.filter(Q(delivery=original) | Q(delivery__corrects=original))
        .order_by("delivery_id", "pk")
        .values_list("kind", "key", "digest")
    )
    return {(kind, key): digest for kind, key, digest in rows}


def _write(
    *, selection, kinds, file_format, acting_user, corrects: Delivery | None, delivered=None
) -> Delivery:
    tally = export.Tally(delivered)
    correction_of = (
        None
        if corrects is None
        else {
            "delivery_id": corrects.pk,
            "produced_at": in_helsinki(corrects.produced_at).isoformat(timespec="seconds"),
            "checksum": corrects.checksum,
        }
    )
    with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_LIMIT) as out:
        export.write_export(
            selection, file_format, out, kinds=kinds, tally=tally, extra={"correction_of": correction_of}
        )
        if corrects is not None and not any(tally.counts.values()):
            raise ValidationError(
                _(
                    "Nothing has changed since delivery %(number)s and its corrections: no correction is needed."
                )
                % {"number": corrects.pk},
                code="nothing_changed",
            )
        out.seek(0)
        checksum = hashlib.file_digest(out, "sha256").hexdigest()
        size = out.tell()
        out.seek(0)
        suffix = "-correction" if corrects is not None else ""
        delivery = Delivery(
            call=selection.call,
            first_day=selection.first_day,
            last_day=selection.last_day,
            record_kinds=list(kinds),
            file_format=file_format,
            layout_version=export.LAYOUT_VERSION,
            counts=tally.counts,
            checksum=checksum,
            size=size,
            corrects=corrects,
            produced_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        )
        name = f"treasury-{selection.label}{suffix}.{export.EXTENSIONS[file_format]}"
        delivery.file.save(name, File(out, name=name), save=False)
    delivery.save()
    DeliveredRecord.objects.bulk_create(
        (
            DeliveredRecord(delivery=delivery, kind=kind, key=key, digest=digest)
            for kind, records in tally.written.items()
            for key, digest in records
        ),
        batch_size=RECORDS_PER_INSERT,
    )
    audit(
        acting_user=acting_user,
        action="treasury.delivered",
        target=delivery,
        selection=selection.describe(),
        format=file_format,
        checksum=checksum,
        corrects=corrects.pk if corrects is not None else None,
        **tally.counts,
    )
    return delivery


@transaction.atomic
def delivery_produce(*, selection: export.Selection, record_kinds, file_format: str, acting_user) -> Delivery:
    """Write the records of `record_kinds` of the selection to a file kept in storage, and log the delivery with
    each record's fingerprint. Refused without a kind or with an unknown kind or format."""
    _require_may_deliver(acting_user)
    if file_format not in export.FORMATS:
        raise ValidationError(
            _("Unknown format %(format)s.") % {"format": file_format}, code="unknown_format"
        )
    kinds = _checked_kinds(record_kinds)
    return _write(
        selection=selection, kinds=kinds, file_format=file_format, acting_user=acting_user, corrects=None
    )


@transaction.atomic
def delivery_correct(*, delivery: Delivery, acting_user) -> Delivery:
    """A corrective delivery of `delivery` (of the delivery it corrects, when it is a correction itself): the same
    selection, kinds and format, and only the records that are new or differ from how they were last delivered.
    Refused when nothing has changed."""
    _require_may_deliver(acting_user)
    original = delivery.corrects or delivery
    return _write(
        selection=original.selection,
        kinds=original.record_kinds,
        file_format=original.file_format,
        acting_user=acting_user,
        corrects=original,
        delivered=_delivered_so_far(original),
    )
