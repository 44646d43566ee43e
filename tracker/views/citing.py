"""A published claim's or figure's reference as a file: BibTeX (``.bib``) or CSL-JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from tracker import citing
from tracker.views.public import permanent_url

STYLES = {
    "bib": (citing.bibtex, "application/x-bibtex; charset=utf-8"),
    "json": (citing.csl_json_text, "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


class CitationFileView(View):
    """``/<lang>/claims/<pk>/cite.bib``: the reference in the reader's language, as a download."""

    model = None
    style = ""
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, pk: int):
        entry = get_object_or_404(self.model.objects.public(), pk=pk)
        reference = citing.reference_of(entry, permanent_url(request, entry))
        write, content_type = STYLES[self.style]
        response = HttpResponse(write(reference), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{reference.key}.{self.style}"'
        return response
