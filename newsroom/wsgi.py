"""The WSGI application: Django's own handler (granian or gunicorn behind nginx, deploy/)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.prod")
application = get_wsgi_application()
