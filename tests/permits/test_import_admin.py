"""The back office's GENESIS import: the dry-run preview (rows, or row errors in French), the
confirmation that writes with history, the refusal of unreadable files on the form, and the scope."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from permits.models import Detainee, VisitPermit
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import client_for
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory

from .test_import_support import csv_bytes, date, detainee_row, permit_row

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:permits_visitpermit_import"


@pytest.fixture
def greffe(maxx):
    return StaffFactory(username="greffe-maxx", role="greffe", establishments=[maxx])


def upload(client, content: bytes, name="permis.csv", url=IMPORT_URL):
    return client.post(reverse(url), {"resource": "0", "format": "", "import_file": SimpleUploadedFile(name, content)})


def test_the_preview_shows_the_rows_and_writes_nothing_then_the_confirmation_imports(detainee, greffe):
    client = client_for(greffe)
    assert client.get(reverse(IMPORT_URL)).status_code == 200
    response = upload(client, csv_bytes([permit_row(), permit_row(numero_permis="PV-2026-100002")]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Prévisualisation" in page
    assert "PV-2026-100001" in page and "PV-2026-100002" in page and "Marie Élise" in page
    assert "Aperçu (rien n&#x27;est encore enregistré) : 2 à créer, 0 à mettre à jour, 0 inchangé(s)." in page
    assert not VisitPermit.objects.exists()  # a dry run
    confirm = response.context["confirm_form"]
    response = client.post(reverse("admin:permits_visitpermit_process_import"), confirm.initial)
    assert response.status_code == 302
    assert VisitPermit.objects.count() == 2
    history = VisitPermit.history.all()
    assert {h.history_user for h in history} == {greffe}
    assert {h.history_change_reason for h in history} == {"permit_genesis_import:permis.csv"}
    entries = LogEntry.objects.filter(user=greffe, action_flag=ADDITION)
    assert sorted(e.object_repr for e in entries) == ["PV-2026-100001", "PV-2026-100002"]
    assert {e.get_change_message() for e in entries} == {"Import GENESIS"}
    assert {e.object_id for e in entries} == {str(p.pk) for p in VisitPermit.objects.all()}
    messages = [str(m) for m in client.get(response.url).context["messages"]]
    assert "Import terminé : 2 créé(s), 0 mis à jour, 0 inchangé(s)." in messages


def test_a_file_that_became_wrong_between_preview_and_confirmation_writes_nothing(maxx, detainee, greffe):
    client = client_for(greffe)
    other = DetaineeFactory(establishment=maxx, ecrou="1")
    response = upload(client, csv_bytes([permit_row(), permit_row(numero_permis="PV-2", numero_ecrou="1")]))
    confirm = response.context["confirm_form"]
    other.delete()  # meanwhile, someone removes a detainee of the file
    response = client.post(reverse("admin:permits_visitpermit_process_import"), confirm.initial, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0].startswith("Import annulé : le fichier contient des erreurs, rien n'a été enregistré.")
    assert "Ligne 3, colonne numero_ecrou : Personne détenue inconnue : écrou 1" in messages[0]
    assert not VisitPermit.objects.exists() and not VisitPermit.history.exists()


def test_the_preview_marks_a_status_change(detainee, greffe):
    VisitPermitFactory(number="PV-2026-100001", detainee=detainee, holder_family_name="DURAND",
                       holder_first_names="Marie Élise", holder_birth_date=date("1965-02-03"), relationship="mère",
                       valid_from=date("2026-01-01"))
    response = upload(client_for(greffe), csv_bytes([permit_row(statut="retire")]))
    page = response.content.decode()
    assert "<del>actif</del> <ins>retire</ins>" in page
    assert VisitPermit.objects.get().status == "active"


def test_the_preview_lists_only_the_first_rows_to_create_or_change(detainee, greffe, monkeypatch):
    monkeypatch.setattr("permits.imports.resources.PREVIEW_ROWS", 2)
    VisitPermitFactory(number="PV-0", detainee=detainee, holder_family_name="DURAND", holder_first_names="Marie Élise",
                       holder_birth_date=date("1965-02-03"), relationship="mère", valid_from=date("2026-01-01"))
    rows = [permit_row(numero_permis="PV-0")] + [permit_row(numero_permis=f"PV-{i}") for i in range(1, 5)]
    response = upload(client_for(greffe), csv_bytes(rows))
    result = response.context["result"]
    assert [row.object_repr for row in result.valid_rows()] == ["PV-1", "PV-2"]
    assert "4 à créer, 0 à mettre à jour, 1 inchangé(s)" in response.content.decode()


def test_row_errors_are_shown_in_french_and_no_confirmation_is_offered(detainee, greffe):
    content = csv_bytes([permit_row(), permit_row(numero_permis="PV-2", date_debut="2026-02-30"),
                         permit_row(numero_permis="PV-3", etablissement="NULLEPART")])
    response = upload(client_for(greffe), content)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    page = response.content.decode()
    assert "Date invalide : « 2026-02-30 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)." in page
    assert "Établissement inconnu : NULLEPART." in page
    invalid = response.context["result"].invalid_rows
    assert [row.number for row in invalid] == [3, 4]
    assert not VisitPermit.objects.exists()


def test_a_row_of_another_establishment_is_a_row_error_for_greffe(detainee, greffe):
    other = EstablishmentFactory(code="AUTRE")
    DetaineeFactory(establishment=other, ecrou="1")
    response = upload(client_for(greffe), csv_bytes([permit_row(etablissement="AUTRE", numero_ecrou="1")]))
    assert "Établissement hors de votre périmètre : AUTRE" in response.content.decode()
    assert "confirm_form" not in response.context
    assert not VisitPermit.objects.exists()


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "vide.csv", "Le fichier soumis est vide."),
        (b"\r\n\r\n", "vide.csv", "Le fichier est vide."),
        (b"numero_permis;etablissement\r\nPV-1;MAXX\r\n", "permis.csv", "Colonnes manquantes : numero_ecrou"),
        (b'numero_permis;etablissement\r\n"PV-1;MAXX\r\n', "permis.csv", "Fichier CSV mal formé"),
        (b"pas un classeur", "permis.xlsx", "n&#x27;est pas un classeur Excel (XLSX) valide"),
    ],
)
def test_an_unreadable_file_is_refused_on_the_form_in_french(detainee, greffe, content, name, message):
    response = upload(client_for(greffe), content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "result" not in response.context
    assert not VisitPermit.objects.exists()


def test_a_latin1_file_goes_through_preview_and_confirmation(maxx, greffe):
    client = client_for(greffe)
    content = csv_bytes([detainee_row(nom="LEFÈVRE", prenom="Noël")], encoding="latin-1")
    response = upload(client, content, name="ancien.csv", url="admin:permits_detainee_import")
    assert "LEFÈVRE" in response.content.decode()
    client.post(reverse("admin:permits_detainee_process_import"), response.context["confirm_form"].initial)
    assert Detainee.objects.get().first_name == "Noël"


def test_import_needs_the_right_to_change(detainee):
    regie = StaffFactory(role="regie", establishments=[detainee.establishment])
    client = client_for(regie)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert upload(client, csv_bytes([permit_row()])).status_code == 403
    assert not VisitPermit.objects.exists()
