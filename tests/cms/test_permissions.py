"""Who may do what in Wagtail's admin (/cms/): the communication role edits, publishes and moderates
and cannot reach the staff back office; an editor (« Rédacteurs ») submits and cannot publish; greffe
and régie staff reach neither /cms/ nor the right to publish. The moderation workflow, the history and
scheduled publishing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.constants import EDITORS_GROUP, MODERATORS_GROUP
from cms.models import ContentPage
from cms.tasks import publish_scheduled
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.cms.factories import ContentPageFactory


@pytest.fixture
def page(home):
    return ContentPageFactory(parent=home, title="Ancien titre", slug="page-moderee")


@pytest.fixture
def editor(db):
    return StaffFactory(username="redacteur", role=EDITORS_GROUP, is_staff=False)


def edit(client, page, action: str, *, title: str):
    data = nested_form_data({
        "title": title, "slug": page.slug, "intro": rich_text("<p>Intro</p>"), "body": streamfield([]),
        "seo_title": "", "search_description": "", "comments": inline_formset([]), action: "x",
    })
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def live_title(client, page) -> str:
    body = client.get(page.url).content.decode()
    return body[body.index("<h1>") + 4:body.index("</h1>")]


@pytest.mark.django_db
def test_wagtail_groups_are_french_and_the_workflow_is_moderated_by_communication(communication):
    from wagtail.models import GroupApprovalTask

    assert Group.objects.filter(name__in=[EDITORS_GROUP, MODERATORS_GROUP]).count() == 2
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    task = GroupApprovalTask.objects.get()
    assert set(task.groups.values_list("name", flat=True)) == {"communication", MODERATORS_GROUP}


@pytest.mark.django_db
def test_the_communication_account_reaches_cms_not_the_back_office(client, communication, page):
    login_staff(client, communication)
    response = client.get("/cms/")
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()
    assert client.get("/gestion/").status_code == 302  # to the back office's login page
    perms = page.permissions_for_user(communication)
    assert perms.can_edit() and perms.can_publish()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["greffe", "regie"])
def test_greffe_and_regie_cannot_reach_cms_nor_publish(client, role, page):
    user = StaffFactory(role=role)
    login_staff(client, user)
    assert client.get("/cms/").status_code in (302, 403)
    perms = page.permissions_for_user(user)
    assert not perms.can_publish() and not perms.can_edit()
    response = edit(client, page, "action-publish", title="Titre modifié par le greffe")
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert page.title == "Ancien titre" and page.revisions.count() == 1


@pytest.mark.django_db
def test_an_editors_change_goes_live_only_after_a_moderator_approves(client, editor, communication, page):
    assert not page.permissions_for_user(editor).can_publish()
    login_staff(client, editor)
    # "Publish" is not theirs: the change is only saved as a draft.
    assert edit(client, page, "action-publish", title="Titre du rédacteur").status_code == 302
    assert live_title(client, page) == "Ancien titre"
    # Submitted for moderation: still not live.
    assert edit(client, page, "action-submit", title="Titre du rédacteur").status_code == 302
    page.refresh_from_db()
    assert page.title == "Ancien titre" and page.has_unpublished_changes
    task_state = page.current_workflow_task_state
    assert task_state is not None and task_state.status == "in_progress"
    assert live_title(client, page) == "Ancien titre"
    # The editor cannot approve their own submission.
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    client.post(url, {"comment": ""})
    page.refresh_from_db()
    assert page.title == "Ancien titre"

    login_staff(client, communication)
    response = client.post(url, {"comment": "Relu, publié."})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.title == "Titre du rédacteur" and page.live and not page.has_unpublished_changes
    assert live_title(client, page) == "Titre du rédacteur"

    # The history shows both: the editor's submission and the moderator's approval and publication.
    entries = set(PageLogEntry.objects.filter(page=page).values_list("action", "user__username"))
    assert ("wagtail.workflow.start", "redacteur") in entries
    assert ("wagtail.workflow.approve", "communication") in entries
    assert ("wagtail.publish", "communication") in entries
    history = client.get(reverse("wagtailadmin_pages:history", args=[page.pk])).content.decode()
    assert "redacteur" in history and "communication" in history
    assert set(page.revisions.values_list("user__username", flat=True)) >= {"redacteur"}


@pytest.mark.django_db
def test_scheduled_publishing_puts_the_page_live_when_its_date_comes(client, home, communication):
    page = ContentPageFactory(parent=home, title="Annonce programmée", slug="annonce", publish=False)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision(user=communication)
    revision.publish(user=communication)
    page.refresh_from_db()
    assert not page.live and client.get("/annonce/").status_code == 404
    publish_scheduled()  # too early: nothing changes
    assert not ContentPage.objects.get(pk=page.pk).live
    # An hour later (the clock is moved back instead of forward: the dates are set in the past).
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    ContentPage.objects.filter(pk=page.pk).update(go_live_at=past)
    publish_scheduled()
    assert ContentPage.objects.get(pk=page.pk).live
    assert client.get("/annonce/").status_code == 200


@pytest.mark.django_db
def test_the_admin_gets_a_relaxed_csp_and_the_public_site_keeps_the_strict_one(client, communication, page):
    login_staff(client, communication)
    admin = client.get("/cms/")
    assert "'unsafe-inline'" in admin.headers["Content-Security-Policy"]
    # Only the previews may be framed (tests/cms/test_preview_framing.py).
    assert "frame-ancestors 'none'" in admin.headers["Content-Security-Policy"]
    assert admin.headers["X-Frame-Options"] == "DENY"
    public = client.get(page.url)
    assert "unsafe-inline" not in public.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in public.headers["Content-Security-Policy"]
    assert public.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_communication_account_opens_every_demo_page_in_the_editor(client, demo_site):
    from wagtail.models import Page

    from accounts.models import User

    login_staff(client, User.objects.get(username="communication"))
    for page in Page.objects.filter(depth__gte=2):
        response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200, page.title
    for model in ("guidepage", "tutorialpage", "faqpage", "contentpage", "newspage", "establishmentpage"):
        response = client.get(reverse("wagtailadmin_pages:add", args=("cms", model, demo_site.pk)))
        assert response.status_code == 200, model
    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[demo_site.get_children().get(
        slug="alimentation-du-pecule").pk]))
    assert preview.status_code == 200 and "1a" in preview.content.decode()
