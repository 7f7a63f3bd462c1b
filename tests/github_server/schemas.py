"""GitHub's official response schemas (the OpenAPI subset in the shared data) as
JSON Schema validators, and the check of the server's answers against them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import best_match

from tests.github_server.core import Answer
from tests.github_server.core import FULL
from tests.github_server.core import GitHubServer
from tests.github_server.core import NO_CONTENT
from tests.github_server.core import OUTSIDE_SUBSET
from tests.github_server.core import Route
from tests.outside_data import github_openapi
from tests.outside_data import outside_file

SUBSET = ("github-api", "rest-openapi-subset.json")

# OpenAPI keywords that are not JSON Schema (``nullable`` is translated, not dropped).
_NOT_JSON_SCHEMA = {"nullable", "example", "examples", "discriminator", "xml", "externalDocs"}


def subset_path() -> Path:
    """The subset file: in ``shared/data`` (or ``$ECO_SHARED_DATA``), else cut from GitHub's
    whole description fetched from its npm package (:mod:`tests.outside_data`)."""
    return outside_file("/".join(SUBSET))


@cache
def spec() -> dict[str, Any]:
    path = subset_path()
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@cache
def full_spec() -> dict[str, Any]:
    """The operations of the routes declared ``schema=FULL``, cut from GitHub's whole
    description (73 MB, read once per session; only the paths those routes use are kept)."""
    from tests.github_server import load_routes
    from tests.github_server.core import ROUTES

    load_routes()
    wanted = [r for r in ROUTES if r.schema == FULL]
    whole = json.loads(github_openapi().read_text(encoding="utf-8"))["paths"]
    paths = {
        path: item
        for path, item in whole.items()
        if any(r.method.lower() in item and _same_shape(path, r.pattern) for r in wanted)
    }
    return {"paths": paths}


def to_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable: true`` allows ``null``."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _NOT_JSON_SCHEMA or key.startswith("x-"):
            continue
        if key == "properties":
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        else:
            out[key] = to_json_schema(value)
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _same_shape(official: str, pattern: str) -> bool:
    a = official.strip("/").split("/")
    b = pattern.replace(":path}", "}").strip("/").split("/")
    if len(a) != len(b):
        return False
    return all(
        (x.startswith("{") and y.startswith("{")) or x == y for x, y in zip(a, b, strict=True)
    )


def official_path(method: str, pattern: str, *, full: bool = False) -> str | None:
    """The path of the OpenAPI subset (or the whole description) matching a route pattern."""
    for path, item in (full_spec() if full else spec())["paths"].items():
        if method.lower() in item and _same_shape(path, pattern):
            return str(path)
    return None


def describe(route: Route) -> str:
    return f"{route.method} {route.pattern}"


def source(route: Route) -> tuple[str, str, str | None] | None:
    """(method, official path, property) whose schema the route's answers must match;
    ``None`` for an endpoint declared to answer without a body."""
    if route.schema in (NO_CONTENT, OUTSIDE_SUBSET):
        return None
    if route.schema and route.schema != FULL:
        target, _, prop = route.schema.partition("#")
        method, _, path = target.partition(" ")
        return method, path, prop or None
    official = official_path(route.method, route.pattern, full=route.schema == FULL)
    if official is None and route.schema == FULL:
        raise LookupError(f"{describe(route)}: no such path in GitHub's whole description")
    if official is None:
        raise LookupError(f"{describe(route)}: no such path in the OpenAPI subset; set schema=")
    return route.method, official, None


@cache
def validator(route: Route, status: int) -> Draft4Validator | None:
    """The validator for one route's answers with ``status``; ``None`` when GitHub's
    description has no JSON body for that status (only errors may lack one)."""
    if route.schema == OUTSIDE_SUBSET:
        return None
    found = source(route)
    if found is None:
        raise LookupError(f"{describe(route)}: answered {status} with a body, declared none")
    method, path, prop = found
    operation = (full_spec() if route.schema == FULL else spec())["paths"][path][method.lower()]
    code = str(status)
    if route.schema and route.schema != FULL and method != route.method and 200 <= status < 300:
        code = next(c for c in operation["responses"] if c.startswith("2"))
    response = operation["responses"].get(code)
    if response is None:
        if 200 <= status < 300:
            raise LookupError(f"{describe(route)}: GitHub never answers {status}")
        return None
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    if prop:
        schema = schema["properties"][prop]
    if route.many:
        schema = {"type": "array", "items": schema}
    return Draft4Validator(to_json_schema(schema))


def problems(answers: list[Answer]) -> list[str]:
    """Every way the answers differ from GitHub's schemas (empty when all conform)."""
    found = []
    for answer in answers:
        try:
            check = validator(answer.route, answer.status)
        except LookupError as exc:
            found.append(str(exc))
            continue
        if check is None:
            continue
        body = json.loads(answer.body)
        for error in check.iter_errors(body):
            error = best_match(error.context) if error.context else error
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            found.append(
                f"{answer.status} {describe(answer.route)} ({answer.path}) at {where}: "
                f"{error.message[:300]}"
            )
    return found


def check_server(server: GitHubServer) -> None:
    """Fail if a route raised, or if an answer differs from GitHub's schema for it."""
    assert not server.errors, "the test GitHub server failed:\n" + "\n".join(server.errors)
    wrong = problems(server.answers)
    assert not wrong, "answers differ from GitHub's schemas:\n" + "\n".join(wrong)
