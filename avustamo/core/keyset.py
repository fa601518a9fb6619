"""Pages of a list in a stable order, by keyset: a cursor holds the sort values of the row a page ends (or starts)
at, so a row added or removed meanwhile neither repeats nor skips another, and a deep page costs what the first
does. Cursors are opaque to clients: URL-safe base64 of JSON, checked against the sort's fields when read back.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet

INVALID = "The page link is not valid."


class InvalidCursor(ValueError):
    pass


def _sort_value(row, name: str):
    value = getattr(row, name.lstrip("-"))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()  # with its microseconds: the position must be exact
    return value


def encode_cursor(direction: str, row, order: tuple[str, ...]) -> str:
    """The cursor of the page after (`direction` "after") or before ("before") `row` in `order`."""
    values = [_sort_value(row, name) for name in order]
    payload = json.dumps([direction, values], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _typed(field: models.Field, value):
    """A sort value as the database can compare it with `field`'s column, or InvalidCursor."""
    if isinstance(value, bool) or value is None:
        raise InvalidCursor(INVALID)
    if isinstance(field, models.DecimalField):
        try:
            amount = Decimal(value) if isinstance(value, str) else None
        except ArithmeticError:  # not a number at all
            amount = None
        if (
            amount is None
            or not amount.is_finite()
            or amount.adjusted() >= field.max_digits - field.decimal_places
        ):
            raise InvalidCursor(INVALID)
        return amount
    if isinstance(field, models.IntegerField | models.AutoField) and not isinstance(value, int):
        raise InvalidCursor(INVALID)
    if isinstance(field, models.CharField | models.DateTimeField):
        if not isinstance(value, str) or "\x00" in value:
            raise InvalidCursor(INVALID)
        try:
            value.encode()
        except UnicodeEncodeError as error:  # a lone surrogate: no text a database stores
            raise InvalidCursor(INVALID) from error
    try:
        typed = field.to_python(value)
    except (ValidationError, ValueError, ArithmeticError) as error:
        raise InvalidCursor(INVALID) from error
    if isinstance(field, models.DateTimeField) and (typed is None or typed.tzinfo is None):
        raise InvalidCursor(INVALID)
    return typed


def decode_cursor(cursor: str, model: type[models.Model], order: tuple[str, ...]) -> tuple[str, list]:
    """The direction and the typed sort values a cursor holds, or InvalidCursor for anything this sort did not
    make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, values = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as error:
        raise InvalidCursor(INVALID) from error
    if direction not in ("after", "before") or not isinstance(values, list) or len(values) != len(order):
        raise InvalidCursor(INVALID)
    try:
        fields = [model._meta.get_field(name.lstrip("-")) for name in order]
    except FieldDoesNotExist as error:
        raise InvalidCursor(INVALID) from error
    return direction, [_typed(field, value) for field, value in zip(fields, values, strict=True)]


def beyond(order: tuple[str, ...], values: list, *, forwards: bool) -> Q:
    """Rows after (or before) the given sort values in the given order: a keyset condition."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for name, value in zip(order, values, strict=True):
        field_name = name.lstrip("-")
        descending = name.startswith("-")
        lookup = "lt" if descending == forwards else "gt"
        condition |= equal_so_far & Q(**{f"{field_name}__{lookup}": value})
        equal_so_far &= Q(**{field_name: value})
    return condition


def reversed_order(order: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in order)


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def page_after(queryset: QuerySet, order: tuple[str, ...], *, cursor: str = "", size: int) -> Page:
    """One page of `queryset` in `order` (which must end in a unique field), from the start or after a cursor of
    this function; its `next_cursor` is None on the last page."""
    if cursor:
        direction, values = decode_cursor(cursor, queryset.model, order)
        if direction != "after":
            raise InvalidCursor(INVALID)
        queryset = queryset.filter(beyond(order, values, forwards=True))
    rows = list(queryset.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows=rows, next_cursor=encode_cursor("after", rows[-1], order) if more else None)
