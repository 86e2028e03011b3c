"""WSGI entry point, for serving plain pages with gunicorn (websockets need ASGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campus.settings")
application = get_wsgi_application()
