"""The house rules, read from the source of the application packages (STYLE.md, issue 14).

- Nothing from Django's private modules: no module path with a segment starting with "_",
  nothing from `django.db.models.sql` or `django.core.handlers` (the documented entry
  points are `django.core.wsgi` and `django.core.asgi`), none of the iterables and
  populators of `django.db.models.query`, and no underscore name from any Django module.
- No private attribute of another object (`story.lead_image._committed`,
  `super()._check_values`): only `self` and `cls` use underscore names, besides the
  documented `_meta`, `_state`, `_default_manager`, `_base_manager` and namedtuple's API.
- No use of the ORM's private names, not even on `self` in a subclass: the underscore
  attributes of querysets, queries, managers, models and `_meta` (gathered from Django
  itself, so a new one counts too), the compiler's internals (`klass_info`,
  `get_related_populators`), and `_meta` beyond its documented API (`get_field`,
  `get_fields`, the Meta options, `label`).
- No application file over 400 lines and no function over 60 lines of statements
  (its docstring, blank lines and comments aside).

Migrations are generated code and stay out; demo content is data and is spared the size rules.
"""

import ast
import io
import re
import tokenize
from functools import cache
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db.models import Manager, QuerySet
from django.db.models.options import DEFAULT_NAMES, Options
from django.db.models.sql import Query

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["newsroom", "articles", "comments", "subscriptions", "wordpress", "readership", "demo"]
DATA_MODULES = {"demo/content.py", "demo/comments.py"}  # pure data: stories and conversations
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60

PRIVATE_MODULES = ("django.db.models.sql", "django.core.handlers")
# django.db.models.query documents QuerySet and Prefetch (both also in django.db.models); the rest
# (ModelIterable, ValuesListIterable, RelatedPopulator, get_related_populators...) is machinery.
DOCUMENTED_IN_QUERY = {"QuerySet", "Prefetch", "prefetch_related_objects"}
COMPILER_INTERNALS = {"klass_info", "get_related_populators", "RelatedPopulator", "get_compiler"}
COMPILER_FUNCTIONS = {"get_related_populators", "RelatedPopulator"}  # also called by name once imported
# What `_meta` documents: the field API, the Meta options read back, and the labels.
META_API = {"get_field", "get_fields", "label", "label_lower", "model_name", *DEFAULT_NAMES}
# Documented underscore names on models (the model instance reference) and Python's own.
DOCUMENTED_UNDERSCORED = {"_meta", "_state", "_default_manager", "_base_manager"}
PYTHON_UNDERSCORED = {"_fields", "_replace", "_asdict", "_make"}  # namedtuple's API


def _underscored(names) -> set[str]:
    return {name for name in names if name.startswith("_") and not name.startswith("__")}


@cache
def orm_private_names() -> frozenset[str]:
    """The underscore names of Django's querysets, queries, managers, models and Options."""
    queryset = QuerySet(model=Group)
    names = _underscored(dir(QuerySet)) | _underscored(vars(queryset))
    names |= _underscored(dir(Query)) | _underscored(vars(queryset.query))
    names |= _underscored(dir(Manager)) | _underscored(vars(Group.objects))
    names |= _underscored(dir(Group)) | _underscored(vars(Group(name="x")))
    names |= _underscored(dir(Options)) | _underscored(vars(Group._meta))
    names |= {"_prefetched_objects_cache", "_fetch_mode"}  # set on instances and querysets as they fill
    return frozenset(names - DOCUMENTED_UNDERSCORED - PYTHON_UNDERSCORED)


def application_files() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _private_module(module: str) -> bool:
    parts = module.split(".")
    if parts[0] != "django":
        return False
    return any(part.startswith("_") for part in parts) or module.startswith(PRIVATE_MODULES)


def private_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for each import from Django's private modules or of Django's private names."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names if _private_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = node.module
            if not (module == "django" or module.startswith("django.")):
                continue
            names = [alias.name for alias in node.names]
            private = [n for n in names if n.startswith("_") or _private_module(f"{module}.{n}")]
            if module == "django.db.models.query":
                private += [n for n in names if n not in DOCUMENTED_IN_QUERY and n not in private]
            if _private_module(module) or private:
                found.append((node.lineno, f"from {module} import {', '.join(private or names)}"))
    return found


def private_attributes(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for each use of a private name: Django's, the ORM's, or another object's."""
    # A method of our own that happens to share a name with one of the ORM's is ours to call.
    own_methods = {
        node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    orm = orm_private_names()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner, name = node.value, node.attr
            on_self = isinstance(owner, ast.Name) and owner.id in ("self", "cls")
            if isinstance(owner, ast.Attribute) and owner.attr == "_meta":
                if name not in META_API:
                    found.append((node.lineno, f"_meta.{name}"))
            elif name in COMPILER_INTERNALS or (name in orm and not (on_self and name in own_methods)):
                found.append((node.lineno, f".{name}"))  # even on self: a QuerySet subclass's insides
            elif name in _underscored([name]) - DOCUMENTED_UNDERSCORED - PYTHON_UNDERSCORED and not on_self:
                found.append((node.lineno, f".{name}"))  # another object's private attribute
        elif isinstance(node, ast.Name) and node.id in COMPILER_FUNCTIONS:
            found.append((node.lineno, node.id))
    return sorted(set(found))


def _code_lines(source: str) -> set[int]:
    """The lines that hold code: not blank, not only a comment."""
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                              tokenize.DEDENT, tokenize.ENDMARKER):  # fmt: skip
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[int, str, int]]:
    """(line, name, length) of each function whose statements span more than `limit` lines of code."""
    code = _code_lines(source)
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        body = node.body
        if ast.get_docstring(node, clean=False) is not None:
            body = body[1:]
        spanned = {line for statement in body for line in range(statement.lineno, statement.end_lineno + 1)}
        length = len(spanned & code)
        if length > limit:
            found.append((node.lineno, node.name, length))
    return found


@cache
def parsed(path: Path) -> tuple[str, ast.AST]:
    source = path.read_text()
    return source, ast.parse(source, filename=str(path))


# ---- the checks can fail


def test_the_checks_catch_what_they_are_for():
    tree = ast.parse(
        "from django.db.models.sql import UpdateQuery\n"
        "from django.db.models.query import ModelIterable, QuerySet\n"
        "from django.core.handlers.wsgi import WSGIHandler\n"
        "from django.utils._os import safe_join\n"
        "from django.utils.cache import _generate_cache_key\n"
        "import django.db.models.sql.compiler\n"
        "from django.db.models import Prefetch\n"
        "from django.core.wsgi import get_wsgi_application\n"
    )
    assert [line for line, _ in private_imports(tree)] == [1, 2, 3, 4, 5, 6]
    assert "ModelIterable" in private_imports(tree)[1][1] and "QuerySet" not in private_imports(tree)[1][1]
    tree = ast.parse(
        "qs._iterable_class\nqs._prefetch_done = True\nqs._fetch_mode\nqs._result_cache\n"
        "compiler.klass_info\nget_related_populators(k, s, d)\nArticle._meta.private_fields\n"
        "self._result_cache\nimage._committed\nsuper()._check_values(v)\n"
        "Article._meta.get_field('slug')\nArticle._meta.db_table\nstory._state.adding\nself._cache\n"
        "Row._make(values)\nself._update(row)\ndef _update(self, row): pass\n"
    )
    assert [line for line, _ in private_attributes(tree)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    short = "def f():\n" + "    x = 1\n" * 60
    docstring = '    """Doc.\n\n    More.\n    """\n'
    data = "    rows = [\n" + "        1,\n" * 70 + "    ]\n"
    assert long_functions(short) == []
    assert long_functions(short + "    return x\n") == [(1, "f", 61)]
    assert long_functions("def f():\n" + docstring + "    # a note\n\n" * 30 + "    x = 1\n" * 60) == []
    assert long_functions("def f():\n" + data) == [(1, "f", 72)]


def test_there_are_files_to_check():
    files = {relative(path) for path in application_files()}
    assert {"newsroom/urls.py", "articles/models.py", "demo/management/commands/load_demo.py"} <= files
    assert not any("/migrations/" in name for name in files)


# ---- the rules


def test_nothing_is_imported_from_djangos_private_modules():
    found = [
        f"{relative(path)}:{line}: {what}"
        for path in application_files()
        for line, what in private_imports(parsed(path)[1])
    ]
    assert found == [], "\n".join(found)


def test_no_private_name_of_the_orm_is_used():
    found = [
        f"{relative(path)}:{line}: {what}"
        for path in application_files()
        for line, what in private_attributes(parsed(path)[1])
    ]
    assert found == [], "\n".join(found)


def test_no_application_file_is_over_400_lines():
    found = []
    for path in application_files():
        lines = len(parsed(path)[0].splitlines())
        if lines > MAX_FILE_LINES and relative(path) not in DATA_MODULES:
            found.append(f"{relative(path)}: {lines} lines")
    assert found == [], "\n".join(found)


def test_no_function_is_over_60_lines():
    found = [
        f"{relative(path)}:{line}: {name}() has {length} lines"
        for path in application_files()
        if relative(path) not in DATA_MODULES
        for line, name, length in long_functions(parsed(path)[0])
    ]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("module", sorted(DATA_MODULES))
def test_the_data_modules_hold_only_data(module):
    """What is spared the size rules must be data: assignments of literals, and no function or class."""
    _, tree = parsed(ROOT / module)
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        assert isinstance(node, ast.Assign), f"{module}:{node.lineno} is not data"
        ast.literal_eval(node.value)


def unbalanced_braces(css: str) -> int:
    """How many more `{` than `}` a stylesheet has, comments and strings left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", "", css)
    return css.count("{") - css.count("}")


def test_every_stylesheet_closes_each_rule_it_opens():
    """A rule left open swallows the rest of its file; a merge did that once to the tag chips' styles."""
    assert unbalanced_braces("a { color: red; /* } */ content: '{'") == 1
    sheets = sorted((ROOT / "static" / "css").glob("*.css"))
    assert sheets
    assert [p.name for p in sheets if unbalanced_braces(p.read_text())] == []
