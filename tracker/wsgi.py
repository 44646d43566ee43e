import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# This process serves pages: refresh the busiest ones after its decisions (not in commands).
from tracker import refresh  # noqa: E402

refresh.serve_pages()
