import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tracker.middleware import ContentSecurityPolicyMiddleware

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "production-like-secret-3b1f0c7e9a6d4e2f8c5b7a9d1e3f5a7c9b1d3e5f7a9c",
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
}
CSP_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def run(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    """Run a command in the project folder with production settings, as a server would."""
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' session for their own process.
        if key
        not in {
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "SECURE_SSL_REDIRECT",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not key.startswith(("SECURE_", "GUNICORN_", "WEB_CONCURRENCY"))
    }
    env.update({**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "tracker.settings"})
    env.update(env_overrides)
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_deploy_check_is_clean_under_production_settings():
    result = run(sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_on_a_weak_secret_key():
    result = run(
        sys.executable,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="short",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def gunicorn_config(**env: str) -> dict[str, str]:
    result = run(str(Path(sys.executable).parent / "gunicorn"), "--print-config", **env)
    assert result.returncode == 0, result.stderr
    settings = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        settings[name.strip()] = value.strip()
    return settings


def test_gunicorn_config_reads_bind_and_workers_from_the_environment():
    config = gunicorn_config(GUNICORN_BIND="127.0.0.1:9123", WEB_CONCURRENCY="3")
    assert (config["bind"], config["workers"]) == ("['127.0.0.1:9123']", "3")


def test_gunicorn_config_defaults_are_sane():
    config = gunicorn_config()
    assert config["bind"] == "['0.0.0.0:8000']"
    assert 2 <= int(config["workers"]) <= 8
    assert config["wsgi_app"] == "tracker.wsgi:application"
    assert config["accesslog"] == "-"
    assert int(config["graceful_timeout"]) > 0
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"


def test_gunicorn_config_trusts_the_proxy_named_in_the_environment():
    config = gunicorn_config(FORWARDED_ALLOW_IPS="10.1.2.3")
    assert config["forwarded_allow_ips"] == "['10.1.2.3']"


def csp_directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.mark.django_db
def test_headers_public_page_has_a_strict_content_security_policy(client):
    response = client.get(reverse("public:home"))
    assert csp_directives(response) >= CSP_DIRECTIVES
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_headers_admin_has_the_content_security_policy(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert csp_directives(response) >= CSP_DIRECTIVES


@pytest.mark.django_db
def test_headers_error_pages_have_the_content_security_policy(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert csp_directives(response) >= CSP_DIRECTIVES


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header, value",
    [
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
)
def test_headers_public_page_denies_framing_and_sniffing(client, header, value):
    response = client.get(reverse("public:home"))
    assert response[header] == value


@pytest.mark.django_db
def test_headers_https_responses_carry_hsts(client):
    response = client.get(reverse("public:home"), secure=True)
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_settings_production_cookies_are_secure_and_http_only(settings):
    assert settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_SECURE and settings.CSRF_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_headers_session_cookie_is_secure_and_http_only(client, contributor):
    response = client.post(
        reverse("login"),
        {"username": contributor.username, "password": "correct horse battery staple", "next": "/"},
        secure=True,
    )
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]


@pytest.mark.django_db
def test_headers_csrf_cookie_is_secure_and_http_only(client):
    response = client.get(reverse("login"), secure=True)
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"]


def test_csp_middleware_keeps_a_policy_set_by_the_view(settings):
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'"

    def view(request):
        response = HttpResponse("ok")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_csp_middleware_sends_nothing_without_a_policy(settings):
    settings.CONTENT_SECURITY_POLICY = ""
    response = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))(
        RequestFactory().get("/")
    )
    assert "Content-Security-Policy" not in response


INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
)


@pytest.mark.parametrize(
    "template",
    sorted((ROOT / "templates").rglob("*.html")),
    ids=lambda path: str(path.relative_to(ROOT / "templates")),
)
def test_templates_have_no_inline_script_or_style(template):
    assert INLINE_CODE.findall(template.read_text()) == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, headers: dict[str, str]):
    """GET without following redirects; return (status, headers)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.fixture(scope="module")
def gunicorn_site(tmp_path_factory):
    """The site served by gunicorn with gunicorn.conf.py and production settings."""
    folder = tmp_path_factory.mktemp("gunicorn")
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "ALLOWED_HOSTS": "tracker.example.org",
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = run(sys.executable, "manage.py", *command, **env)
        assert result.returncode == 0, result.stderr
    port = free_port()
    server_env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    server_env.update(
        {**PRODUCTION_ENV, **env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    server_env.pop("SECURE_SSL_REDIRECT", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn")],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch(f"{url}/en/", {"Host": "tracker.example.org"})
                break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


PROXIED_HTTPS = {"Host": "tracker.example.org", "X-Forwarded-Proto": "https"}


def test_gunicorn_serves_a_page_behind_the_proxy_with_security_headers(gunicorn_site):
    status, headers = fetch(f"{gunicorn_site}/en/", PROXIED_HTTPS)
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"


def test_gunicorn_site_redirects_plain_http_to_https(gunicorn_site):
    status, headers = fetch(f"{gunicorn_site}/en/", {"Host": "tracker.example.org"})
    assert status == 301
    assert headers["Location"].startswith("https://tracker.example.org/")


def test_gunicorn_site_refuses_an_unknown_host(gunicorn_site):
    status, _ = fetch(f"{gunicorn_site}/en/", {**PROXIED_HTTPS, "Host": "attacker.example"})
    assert status == 400


def test_gunicorn_site_serves_static_files_through_whitenoise(gunicorn_site):
    status, headers = fetch(f"{gunicorn_site}/static/css/tracker.css", PROXIED_HTTPS)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
