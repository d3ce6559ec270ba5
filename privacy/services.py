"""Writes about personal data: asking for an archive, building it, handing it to its
owner, deleting it when its period ends."""

import logging
import secrets
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import services as audit
from notifications.models import Kind
from notifications.selectors import email_language_of
from notifications.services import notify
from profiles.models import User

from .archive import write_archive
from .models import DataExport

logger = logging.getLogger(__name__)

S = DataExport.Status


def export_root() -> Path:
    root = Path(settings.PRIVACY_EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _schedule_build(export_id: int) -> None:
    from .tasks import build_data_export

    build_data_export.delay(export_id)


def export_request(*, actor: User, request=None) -> DataExport:
    """A person asks for an archive of their data. Refused while one is being prepared,
    and past PRIVACY_EXPORTS_PER_DAY requests in the last 24 hours."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    now = timezone.now()
    recent = DataExport.objects.filter(user=actor, requested_at__gt=now - timedelta(days=1))
    if recent.count() >= settings.PRIVACY_EXPORTS_PER_DAY:
        raise ValidationError(
            _(
                "You have asked for %(count)d archives in the last 24 hours: "
                "please use the latest one or try again tomorrow."
            )
            % {"count": settings.PRIVACY_EXPORTS_PER_DAY}
        )
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=actor, requested_at=now)
            audit.record("privacy.export_requested", actor=actor, target=export, request=request)
    except IntegrityError:
        # The partial unique constraint: one request at a time.
        raise ValidationError(
            _("Your archive is already being prepared: you will be notified when it is ready.")
        ) from None
    transaction.on_commit(partial(_schedule_build, export.pk))
    return export


def _stale_before(now: datetime) -> datetime:
    """A build started before this was lost with its worker (tasks stop after
    CELERY_TASK_TIME_LIMIT): it may be taken up again."""
    return now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def export_build(*, export_id: int) -> DataExport | None:
    """Build the archive of a request (the Celery task). Idempotent: only a waiting
    request, or one whose worker died, is claimed; a second run does nothing."""
    now = timezone.now()
    claimable = Q(status=S.PENDING) | Q(status=S.BUILDING, started_at__lt=_stale_before(now))
    if not DataExport.objects.filter(claimable, pk=export_id).update(
        status=S.BUILDING, started_at=now
    ):
        return None
    export = DataExport.objects.select_related("user").get(pk=export_id)
    name = f"{secrets.token_urlsafe(24)}.zip"
    final = export_root() / name
    partial_path = final.with_suffix(".part")
    try:
        with translation.override(email_language_of(export.user)):
            result = write_archive(export.user, partial_path)
        partial_path.replace(final)
    except Exception as error:
        logger.exception("data export %s failed", export_id)
        partial_path.unlink(missing_ok=True)
        with transaction.atomic():
            DataExport.objects.filter(pk=export_id, status=S.BUILDING).update(
                status=S.FAILED, error=str(error)[:255]
            )
            audit.record(
                "privacy.export_failed",
                target=export,
                actor_label="job:data_export",
                client="job",
                data={"error": type(error).__name__},
            )
        return None
    done = timezone.now()
    with transaction.atomic():
        updated = DataExport.objects.filter(pk=export_id, status=S.BUILDING).update(
            status=S.READY,
            ready_at=done,
            expires_at=done + timedelta(days=settings.PRIVACY_EXPORT_DAYS),
            file_name=name,
            size=result.size,
            counts=result.counts,
        )
        if not updated:  # taken over meanwhile: keep theirs
            transaction.on_commit(partial(final.unlink, missing_ok=True))
            return None
        export.refresh_from_db()
        audit.record(
            "privacy.export_ready",
            target=export,
            actor_label="job:data_export",
            client="job",
            data={
                "size": result.size,
                "seconds": round((done - now).total_seconds(), 1),
                "left_out": len(result.left_out),
            },
        )
        notify(
            recipient=export.user,
            kind=Kind.ACCOUNT,
            data={"event": "data_export_ready", "url": "/me/data/"},
        )
    return export


def export_for_download(*, actor: User, export_id: int) -> DataExport:
    """The owner's ready archive, or 404 (anyone else, not ready, expired, deleted)."""
    export = DataExport.objects.filter(
        pk=export_id,
        user_id=actor.pk,
        status=S.READY,
        expires_at__gt=timezone.now(),
    ).first()
    if export is None or not actor.is_active or not export.file_name:
        raise Http404
    return export


def export_downloaded(*, actor: User, export: DataExport, request=None) -> Path:
    """Record a download (audited) and give the file's path."""
    path = export_root() / export.file_name
    if not path.is_file():
        raise Http404
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(downloads=F("downloads") + 1)
        audit.record("privacy.export_downloaded", actor=actor, target=export, request=request)
    return path


def export_expire(*, export_id: int, now: datetime) -> bool:
    """Delete the file of an archive past its period (the job). False if done already."""
    export = DataExport.objects.filter(pk=export_id).first()
    if export is None:
        return False
    updated = DataExport.objects.filter(pk=export_id, status=S.READY, expires_at__lte=now).update(
        status=S.EXPIRED, file_name=""
    )
    if not updated:
        return False
    if export.file_name:
        path = export_root() / export.file_name
        transaction.on_commit(partial(path.unlink, missing_ok=True))
    audit.record(
        "privacy.export_deleted",
        target=export,
        actor_label="job:data_exports_purge",
        client="job",
        data={"requested_at": export.requested_at.isoformat()},
    )
    return True


def export_give_up(*, export_id: int, now: datetime) -> bool:
    """A build lost twice over (worker gone for two time limits): failed, so that the
    person may ask again."""
    export = DataExport.objects.filter(pk=export_id).first()
    cutoff = now - 2 * timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    stuck = Q(status=S.BUILDING, started_at__lt=cutoff) | Q(
        status=S.PENDING, requested_at__lt=cutoff
    )
    if export is None or not DataExport.objects.filter(stuck, pk=export_id).update(
        status=S.FAILED, error="lost"
    ):
        return False
    audit.record(
        "privacy.export_failed",
        target=export,
        actor_label="job:data_exports_purge",
        client="job",
        data={"error": "lost"},
    )
    return True
