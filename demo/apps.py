from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo newsroom `make run` shows: `manage.py load_demo` and the data it loads."""

    name = "demo"
    verbose_name = "Demo content"
