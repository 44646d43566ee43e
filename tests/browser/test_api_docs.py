"""The API documentation (Swagger UI) renders in Chromium under the strict CSP."""

from django.urls import reverse


def test_api_docs_render_without_csp_violations(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(str(error)))
    response = page.goto(reverse("api:docs"))
    policy = response.headers["content-security-policy"]
    page.locator(".opblock-tag").first.wait_for()
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.locator(".opblock-tag").count() >= 6  # one section per resource
    assert page.evaluate("() => getComputedStyle(document.body).margin") == "0px"
    assert [text for text in messages if "Content Security Policy" in text] == []
