"""Who else is editing a story: the change form's heartbeat (every 30 s) and its banner."""


class PresenceMixin:
    pass
