from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow refuses (with an error) anything over twice this; our validator
        # refuses anything over it, so a bomb never reaches a decoder.
        Image.MAX_IMAGE_PIXELS = settings.NEWSROOM_IMAGE_MAX_PIXELS

        from . import pages
        from .caching import connect_signals

        connect_signals()
        pages.connect()  # site pages: our admin form, content cleaned on save

        from newsroom import text

        from . import tags

        tags.connect()  # every tag a visible name and a usable slug; before text.connect()
        text.connect()  # no control or bidi-override characters in any stored text
