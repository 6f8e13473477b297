"""WordPress authors become bylines (Author), and with --create-users inactive user accounts."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from articles.models import Author
from articles.slugs import unique_slug

from .. import wxr
from ..models import ImportedObject
from .tally import fingerprint


def valid_email(value: str) -> bool:
    try:
        EmailValidator()(value)
    except ValidationError:
        return False
    return True


class AuthorsMixin:
    """Authors, found again by login. Needs the Importer's bookkeeping (`target`, `remember`)."""

    def author(self, author: wxr.Author) -> Author | None:
        if not author.login:
            self.tally.skip("authors", "no login name")
            return None
        print_ = fingerprint(author.name, author.email)
        record, existing = self.target(ImportedObject.Kind.AUTHOR, author.login, Author)
        if existing is not None and record.fingerprint == print_:
            self.tally.count("authors", "unchanged")
            return existing
        if existing is None:
            existing = Author(name=author.name[:120], slug=unique_slug(Author, author.login, max_length=120))
            outcome = "created"
        else:
            existing.name = author.name[:120]
            outcome = "updated"
        if self.create_users and existing.user_id is None:
            existing.user = self._user(author)
        existing.save()
        self.remember(ImportedObject.Kind.AUTHOR, author.login, existing, print_, record)
        self.tally.count("authors", outcome)
        return existing

    def _user(self, author: wxr.Author):
        User = get_user_model()
        username = re.sub(r"[^\w.@+-]", "", author.login)[:140] or "wordpress"
        candidate, n = username, 2
        while User.objects.filter(username=candidate).exists():
            candidate, n = f"{username}-{n}", n + 1
        user = User(
            username=candidate,
            email=author.email if valid_email(author.email) else "",
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            is_active=False,  # an administrator gives the person a role and a password first
        )
        user.set_unusable_password()
        user.save()
        self.tally.count("users", "created")
        return user

    def author_for(self, login: str) -> Author | None:
        """The byline for a post's dc:creator."""
        login = login.strip()
        if not login:
            return None
        _record, author = self.target(ImportedObject.Kind.AUTHOR, login, Author)
        if author is not None:
            return author
        # WXR 1.0 lists no authors: the post's dc:creator is all there is.
        return self.author(self.authors.get(login) or wxr.Author(login=login))
