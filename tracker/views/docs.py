"""The open data documentation (docs/open-data.md), served as a page of the site.

The Markdown file in the repository stays the one text: this page renders it (CommonMark with
tables, raw HTML escaped) and gives each heading an id, so that pages can link to a section,
e.g. the import page to ``#spreadsheet-import``. The document is written in English.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.generic import TemplateView
from markdown_it import MarkdownIt

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "open-data.md"


def render_markdown(text: str) -> str:
    """Markdown to HTML, without raw HTML, each heading with an id made from its words."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(text)
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type == "heading_open":
            opening.attrSet("id", slugify(inline.content))
    return parser.renderer.render(tokens, parser.options, {})


@lru_cache(maxsize=2)
def rendered_document(path: Path, modified: float) -> SafeString:
    """The document without its first-level title, which the page gives in the reader's
    language, followed by the data's licence."""
    html = render_markdown(path.read_text(encoding="utf-8"))
    if html.startswith("<h1"):
        html = html.split("</h1>", 1)[1].lstrip()
    return mark_safe(html)  # noqa: S308 - escaped


class OpenDataDocsView(TemplateView):
    template_name = "tracker/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["document"] = rendered_document(DOCUMENT, DOCUMENT.stat().st_mtime)
        return context
