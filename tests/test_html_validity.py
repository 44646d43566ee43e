"""Every kind of public page, in both languages, is valid HTML by the Nu HTML checker (the W3C's
validator, vnu.jar, installed by npm with the other test tools and run offline with Java)."""

import json
import shutil
import subprocess

import pytest
from django.conf import settings

from tracker.models import Claim, Indicator, Location, Organization, Source, Statistic

pytestmark = pytest.mark.django_db

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def public_paths() -> list[str]:
    claim = Claim.objects.public().order_by("pk").first()
    statistic = Statistic.objects.public().order_by("pk").first()
    indicator = Indicator.objects.public().order_by("pk").first()
    place = Location.objects.public().order_by("pk").first()
    organization = Organization.objects.public().order_by("pk").first()
    source = Source.objects.public().order_by("pk").first()
    pages = [
        "",
        "claims/",
        "claims/?country=SV&grade=unverified&month=2022-03&page=x",
        "claims/map/",
        "statistics/",
        "places/",
        "organizations/",
        "sources/",
        "people/",
        "methodology/",
        "open-data/",
        "report/",
        f"claims/{claim.pk}/",
        f"statistics/{statistic.pk}/",
        f"indicators/{indicator.slug}/",
        f"places/{place.slug}/",
        f"organizations/{organization.slug}/",
        f"sources/{source.pk}/",
    ]
    return [f"/{language}/{page}" for language in ("en", "es") for page in pages]


def test_public_pages_are_valid_html(client, demo_data, tmp_path):
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java (apt-get install default-jre-headless)"
    assert VNU.exists(), "vnu.jar is missing: make install-test installs it (npm ci)"
    files = {}
    for number, path in enumerate(public_paths()):
        response = client.get(path)
        assert response.status_code == 200, path
        page = tmp_path / f"page-{number:02d}.html"
        page.write_bytes(response.content)
        files[page] = path
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    by_name = {page.name: path for page, path in files.items()}
    errors = [
        f"{by_name.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}: {m['message']}"
        for m in messages
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) == 36
