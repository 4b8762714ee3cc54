"""A relative's first login, twice at the same time with the same FranceConnect ``sub`` (a double click
on the identity, two tabs): one relative, one user, no error (no 500 on the unique ``sub``)."""

from __future__ import annotations

import datetime
import functools
import threading

import pytest
from django.db import IntegrityError
from django.db.models.signals import pre_save

from accounts import services
from accounts.models import Relative, User
from accounts.services import login_relative, relative_username
from sandbox.franceconnect.identities import IDENTITIES
from tests.threads import all_at_once

CLAIMS = {"sub": "b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1", **IDENTITIES["angela-dubois"]}


def _when_a_relative_user_is_inserted(action):
    """Run ``action`` each time a new relative's user is about to be inserted (the login has looked for
    the ``sub`` and found nothing)."""

    def receiver(sender, instance, **kwargs):
        if instance.pk is None and instance.username.startswith("fc-"):
            action()

    pre_save.connect(receiver, sender=User, weak=False)
    return receiver


@pytest.mark.django_db
def test_a_login_that_lands_between_the_lookup_and_the_insert_is_reused_not_a_500(monkeypatch):
    """SQLite-friendly: the other login runs (and creates the relative) right after this one looked for
    the ``sub`` and found nothing, so this one's insert hits the unique user name; it then updates the
    row the other one created."""
    real_lookup = services._relative_for_update
    competitor = []

    def lookup_then_another_login(sub):
        found = real_lookup(sub)
        monkeypatch.setattr(services, "_relative_for_update", real_lookup)
        competitor.append(login_relative(claims={**CLAIMS, "email": "ancienne@example.fr"}))
        return found

    monkeypatch.setattr(services, "_relative_for_update", lookup_then_another_login)
    relative = login_relative(claims=CLAIMS)

    assert len(competitor) == 1  # the race did happen
    assert relative.pk == competitor[0].pk
    assert Relative.objects.filter(sub=CLAIMS["sub"]).count() == 1
    assert User.objects.filter(username=relative_username(CLAIMS["sub"])).count() == 1
    relative.refresh_from_db()
    assert relative.user.email == relative.email == "angela.dubois@example.fr"  # this login's claims win
    assert relative.user.is_active and not relative.user.has_usable_password()
    assert relative.history.count() == 2  # created by the other login, updated by this one


@pytest.mark.django_db
def test_a_clash_on_the_user_name_that_is_not_the_same_sub_is_not_hidden():
    """Bad data, not a race: a non-relative user already holds the name; re-reading finds no relative
    with this ``sub``, so the error is raised rather than silently attaching the login to that user."""
    User.objects.create(username=relative_username(CLAIMS["sub"]))
    with pytest.raises(IntegrityError):
        login_relative(claims=CLAIMS)
    assert not Relative.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_logins_with_the_same_sub_give_one_relative_and_no_error():
    """Two threads, each its own PostgreSQL connection; both have looked for the ``sub`` and found
    nothing before either inserts (a barrier in the insert's pre_save). The second insert waits for the
    first to commit, hits the unique constraint, and updates the first one's row."""
    barrier = threading.Barrier(2)
    receiver = _when_a_relative_user_is_inserted(lambda: barrier.wait(timeout=20))
    try:
        relatives, errors = all_at_once([
            functools.partial(login_relative, claims={**CLAIMS, "email": email})
            for email in ("angela.dubois@example.fr", "angela.d@example.fr")
        ])
    finally:
        pre_save.disconnect(receiver, sender=User)

    assert errors == []
    assert len(relatives) == 2 and relatives[0].pk == relatives[1].pk
    assert Relative.objects.filter(sub=CLAIMS["sub"]).count() == 1
    assert User.objects.filter(username__startswith="fc-").count() == 1
    relative = Relative.objects.select_related("user").get()
    assert relative.email == relative.user.email  # the identity of the last login to commit, consistently
    assert relative.email in ("angela.dubois@example.fr", "angela.d@example.fr")
    assert relative.history.count() == 2  # created once, updated once
    assert relative.birthdate == datetime.date(1962, 8, 24)
