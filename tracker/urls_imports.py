"""The claim import pages, under the workspace: /<lang>/workspace/import/."""

from django.urls import path

from tracker.views import imports

app_name = "imports"

urlpatterns = [
    path("", imports.ImportUploadView.as_view(), name="upload"),
    path("confirm/", imports.ImportConfirmView.as_view(), name="confirm"),
]
