"""Autosave: the story form's unsaved state, kept every 30 s of typing and offered back."""


class AutosaveMixin:
    pass
