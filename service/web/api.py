"""The public JSON API: the salary index (docs/embedding.md), described by /api/v1/openapi.json."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from service.extensions import limiter
from service.guide import salary_index
from service.web import embedding as embed

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PARAMETERS = ("category", "role", "seniority", "region")
SPEC = Path(__file__).with_name("openapi.json")


def _api_limit() -> str:
    """The per-IP limit on API calls, from configuration."""
    return current_app.config["API_RATE_LIMIT"]


@cache
def spec() -> dict[str, Any]:
    """The OpenAPI document, read once."""
    return json.loads(SPEC.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The API's description."""
    return _public(jsonify(spec()))


@bp.get("/salary-index")
@limiter.limit(_api_limit)
def salary_index_view() -> ResponseReturnValue:
    """One band of the guide's figures; 400 for bad parameters, 404 for an unknown category or role."""
    problem = _parameter_problem()
    if problem:
        return _error(problem, 400)
    try:
        query = salary_index.resolve(**{name: request.args.get(name) for name in PARAMETERS})
    except salary_index.BadQuery as bad:
        return _error(str(bad), 400)
    except salary_index.UnknownName as unknown:
        return _error(str(unknown), 404)
    answer = salary_index.lookup(query)
    if answer is None:
        return _error("no salary data has been imported yet", 503)
    response = _public(jsonify(answer))
    response.add_etag()
    return response.make_conditional(request)


def _parameter_problem() -> str | None:
    """What is wrong with the query string as a whole: unknown, repeated or over-long parameters."""
    unknown = sorted(set(request.args) - set(PARAMETERS))
    if unknown:
        return f"unknown parameter {unknown[0]!r}; the parameters are {', '.join(PARAMETERS)}"
    repeated = next((name for name in request.args if len(request.args.getlist(name)) > 1), None)
    if repeated:
        return f"{repeated!r} is given more than once"
    long = next((name for name, value in request.args.items() if len(value) > salary_index.MAX_TEXT), None)
    return f"{long!r} is longer than {salary_index.MAX_TEXT} characters" if long else None


def _error(message: str, code: int) -> ResponseReturnValue:
    """An error as JSON, with CORS so the embedding page can read it."""
    return embed.allow_origin(jsonify({"error": message})), code


def _public(response: Response) -> Response:
    """Cacheable by browsers and shared caches for API_MAX_AGE seconds, readable cross-origin by the embeds."""
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["API_MAX_AGE"])
    return embed.allow_origin(response)
