from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.factories import CategoryFactory, ClaimFactory, IndicatorFactory
from tracker import workflow
from tracker.models import ModerationStatus
from tracker.models.statistics import format_number


@pytest.mark.parametrize(
    ("page_language", "chosen", "next_path", "expected"),
    [
        ("en", "es", "/en/claims/?page=2", "/es/claims/?page=2"),
        ("es", "en", "/es/claims/?page=2", "/en/claims/?page=2"),
    ],
)
def test_set_language_redirects_to_same_page_in_chosen_language(
    client, db, page_language, chosen, next_path, expected
):
    with translation.override(page_language):
        url = reverse("set_language")

    response = client.post(
        url, {"language": chosen, "next": next_path}, headers={"accept-language": "en"}
    )

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize(
    ("accept_language", "expected"), [("es-SV,es;q=0.9", "/es/"), ("en-US,en;q=0.9", "/en/")]
)
def test_root_redirects_to_browser_language(client, db, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language})

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("en", "40000", "40,000"),
        ("es", "40000", "40\N{NO-BREAK SPACE}000"),
        # Without the zero the two stored decimals add, as in the CSV, the JSON and the API.
        ("en", "2.50", "2.5"),
        ("es", "2.50", "2,5"),
        ("es", "2.05", "2,05"),
    ],
)
def test_format_number_follows_language(language, value, expected):
    with translation.override(language):
        assert format_number(Decimal(value)) == expected


def test_not_found_page_in_spanish(client, db):
    response = client.get("/es/no-such-page/")

    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


def test_forbidden_page_in_spanish(client, contributor):
    client.force_login(contributor)

    response = client.get("/es/review/")

    assert response.status_code == 403
    assert "Acceso denegado" in response.content.decode()


def test_server_error_page_renders_in_spanish_without_request_context(rf):
    with translation.override("es"):
        response = server_error(rf.get("/es/"))

    assert response.status_code == 500
    assert '<html lang="es">' in response.content.decode()
    assert "Algo salió mal" in response.content.decode()


def test_password_reset_email_in_spanish(client, contributor):
    client.post("/es/accounts/password_reset/", {"email": contributor.email})

    assert "Elija una contraseña nueva" in mail.outbox[0].body
    assert "/es/accounts/reset/" in mail.outbox[0].body


def test_decision_email_in_spanish(contributor, reviewer, django_capture_on_commit_callbacks):
    claim = ClaimFactory(status=ModerationStatus.SUBMITTED, created_by=contributor)

    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(claim, by=reviewer, comment="Añada una fuente.")

    assert mail.outbox[-1].subject == f"Decisión sobre denuncia #{claim.pk}"
    assert "devuelta para que se hagan cambios" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("path", "factory", "english", "spanish"),
    [
        ("/es/workspace/claims/new/", CategoryFactory, "Torture", "Tortura"),
        (
            "/es/workspace/statistics/new/",
            IndicatorFactory,
            "Deaths in custody",
            "Muertes bajo custodia",
        ),
    ],
)
def test_entry_form_names_choices_in_spanish(client, contributor, path, factory, english, spanish):
    factory(name=english, name_es=spanish)
    client.force_login(contributor)

    content = client.get(path).content.decode()

    assert spanish in content
    assert english not in content
