"""Check JSON-LD against the schema.org vocabulary in ../shared/schemaorg (offline; see tests/shared.py).

Every @type must be a schema.org class, and every property must exist and be
allowed on that type (its domainIncludes covers the type or one of its
superclasses). Values are checked recursively.
"""

import json
from functools import cache

from tests.shared import shared_file

VOCABULARY = "schemaorg/schemaorg-current-https.jsonld"


def _ids(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item["@id"].removeprefix("schema:") for item in items if isinstance(item, dict)]


@cache
def vocabulary() -> tuple[dict, dict]:
    path = shared_file(VOCABULARY, "The schema.org vocabulary (release 29.4, JSON-LD)")
    graph = json.loads(path.read_text())["@graph"]
    classes, properties = {}, {}
    for node in graph:
        name = node["@id"].removeprefix("schema:")
        types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in types:
            classes[name] = _ids(node.get("rdfs:subClassOf"))
        if "rdf:Property" in types:
            properties[name] = set(_ids(node.get("schema:domainIncludes")))
    return classes, properties


def ancestors(type_name: str) -> set[str]:
    classes, _ = vocabulary()
    seen, todo = set(), [type_name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(classes.get(current, []))
    return seen


def problems(node, path: str = "$") -> list[str]:
    """What in `node` the schema.org vocabulary does not allow."""
    classes, properties = vocabulary()
    found = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += problems(item, f"{path}[{i}]")
        return found
    if not isinstance(node, dict):
        return found
    type_name = node.get("@type")
    if type_name is None:
        return [f"{path}: no @type"]
    if type_name not in classes:
        return [f"{path}: {type_name} is not a schema.org type"]
    lineage = ancestors(type_name)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key == "query-input":  # SearchAction's annotation, documented by schema.org
            continue
        if key not in properties:
            found.append(f"{path}.{key}: not a schema.org property")
        elif not properties[key] & lineage:
            found.append(f"{path}.{key}: not a property of {type_name}")
        found += problems(value, f"{path}.{key}")
    return found
