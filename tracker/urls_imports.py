"""The claim import pages, under the workspace: /<lang>/workspace/import/."""

from django.urls import path

from tracker.views import imports

app_name = "imports"

urlpatterns = [
    path("", imports.ImportUploadView.as_view(), name="upload"),
    path("template.csv", imports.ImportTemplateView.as_view(), name="template"),
    path("<uuid:pk>/", imports.ImportJobView.as_view(), name="job"),
    path("<uuid:pk>/status/", imports.ImportJobStatusView.as_view(), name="status"),
    path("<uuid:pk>/confirm/", imports.ImportConfirmView.as_view(), name="confirm"),
    path("<uuid:pk>/retry/", imports.ImportRetryView.as_view(), name="retry"),
    path("<uuid:pk>/discard/", imports.ImportDiscardView.as_view(), name="discard"),
]
