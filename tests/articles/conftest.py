"""Two editors, for the tests of editing together (presence, stale saves)."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def aisha(db):
    return UserFactory(username="aisha", role="Editor", first_name="Aisha", last_name="Rahman")


@pytest.fixture
def ben(db):
    return UserFactory(username="ben", role="Editor")
