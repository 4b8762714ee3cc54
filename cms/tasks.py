"""Scheduled publishing: pages whose publication date has come go live, expired ones go offline."""

from __future__ import annotations

import io

from celery import shared_task
from django.core.management import call_command


@shared_task(name="cms.publish_scheduled")
def publish_scheduled() -> str:
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()
