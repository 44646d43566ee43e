import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_redirects_to_workspace(client, contributor):
    response = client.post(
        reverse("login"),
        {"username": contributor.username, "password": "correct horse battery staple"},
    )
    assert response["Location"] == reverse("workspace:home")


def test_logout_returns_to_public_home(client, contributor):
    client.force_login(contributor)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("public:home")


def test_password_change_needs_login(client):
    assert reverse("login") in client.get(reverse("password_change"))["Location"]


def test_password_change_page_uses_our_template(client, contributor):
    client.force_login(contributor)
    response = client.get(reverse("password_change"))
    assert "registration/password_change_form.html" in [t.name for t in response.templates]
    assert "Change your password" in response.content.decode()


def test_password_reset_sends_email(client, contributor):
    response = client.post(reverse("password_reset"), {"email": contributor.email})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox[0].to == [contributor.email]
    assert "/en/accounts/reset/" in mail.outbox[0].body


def test_password_reset_for_unknown_address_sends_nothing(client):
    client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert mail.outbox == []
