"""The demo accounts' password rule, importable without Django set up (bench/ signs in with it)."""


def demo_password(username: str) -> str:
    """The demo accounts' password: public on purpose, for a local demo only."""
    return f"newsroom-{username}"
