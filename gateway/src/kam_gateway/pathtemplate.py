"""``google.api.http`` path templates, compiled to matchers.

Grammar (google/api/http.proto)::

    Template = "/" Segments [ Verb ] ;
    Segments = Segment { "/" Segment } ;
    Segment  = "*" | "**" | LITERAL | Variable ;
    Variable = "{" FieldPath [ "=" Segments ] "}" ;
    Verb     = ":" LITERAL ;

Matching is done on the raw (still percent-encoded) path so that an encoded ``/`` inside a resource id does not
split a segment; variable values are decoded afterwards (``%2F`` kept encoded for multi-segment variables, as
the spec asks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote


class TemplateError(ValueError):
    """A path template that does not follow the grammar."""


@dataclass(frozen=True)
class Variable:
    field_path: str
    segments: tuple[str, ...]  # "*" / "**" / literal

    @property
    def multi_segment(self) -> bool:
        return len(self.segments) > 1 or "**" in self.segments


@dataclass(frozen=True)
class PathTemplate:
    """A compiled template: ``match(raw_path)`` gives the variables or None."""

    template: str
    verb: str
    variables: tuple[Variable, ...]
    literal_count: int
    wildcard_count: int
    _regex: re.Pattern[str] = field(repr=False, compare=False)

    def match(self, raw_path: str) -> dict[str, str] | None:
        m = self._regex.fullmatch(raw_path)
        if m is None:
            return None
        values: dict[str, str] = {}
        for i, var in enumerate(self.variables):
            raw = m.group(f"v{i}")
            if var.multi_segment:
                # Reserved expansion: decode everything except an encoded '/', which stays "%2F".
                values[var.field_path] = unquote(_ENCODED_SLASH.sub("%252F", raw))
            else:
                values[var.field_path] = unquote(raw)
        return values

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Sort key: templates with a verb, more literals and fewer wildcards are tried first."""
        return (1 if self.verb else 0, self.literal_count, -self.wildcard_count)

    def openapi_path(self) -> tuple[str, list[PathParameter]]:
        """The OpenAPI form, one parameter per wildcard so that paths stay distinct and readable.

        ``/v1/{name=customers/*/contacts/*}`` → ``/v1/customers/{customer}/contacts/{contact}``; a variable
        without a pattern keeps its field path as the name (``/v1/users/{user}``); ``**`` becomes one
        parameter whose value may hold slashes.
        """
        out = re.sub(r"\{[^}]*\}", "\0", self.template)  # placeholder per variable, in order
        params: list[PathParameter] = []
        taken: set[str] = set()
        for var in self.variables:
            if var.segments == ("*",):
                name = _unique(var.field_path, taken)
                params.append(PathParameter(name, var.field_path, "*"))
                out = out.replace("\0", "{" + name + "}", 1)
                continue
            parts: list[str] = []
            previous = ""
            for seg in var.segments:
                if seg in ("*", "**"):
                    name = _unique(
                        _singular(previous) if previous else var.field_path.replace(".", "_"), taken
                    )
                    params.append(PathParameter(name, var.field_path, seg))
                    parts.append("{" + name + "}")
                else:
                    parts.append(seg)
                previous = seg if seg not in ("*", "**") else ""
            out = out.replace("\0", "/".join(parts), 1)
        return out, params


@dataclass(frozen=True)
class PathParameter:
    """One OpenAPI path parameter: a wildcard (``*`` or ``**``) inside the variable ``field_path``."""

    name: str
    field_path: str
    wildcard: str


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("lves"):
        return word[:-3] + "f"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


_SEGMENT = r"[^/]+"
_ENCODED_SLASH = re.compile("%2f", re.IGNORECASE)
_LITERAL = re.compile(r"[A-Za-z0-9._~\-!$&'()+,;=@%]+")


def compile_template(template: str) -> PathTemplate:
    if not template.startswith("/"):
        raise TemplateError(f"path template must start with '/': {template!r}")
    body, verb = _split_verb(template)
    regex_parts: list[str] = []
    variables: list[Variable] = []
    literals = wildcards = 0

    for segment in _split_top(body[1:], template):
        if segment.startswith("{"):
            if not segment.endswith("}"):
                raise TemplateError(f"unterminated variable in {template!r}")
            inner = segment[1:-1]
            field_path, _, pattern = inner.partition("=")
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", field_path):
                raise TemplateError(f"bad field path {field_path!r} in {template!r}")
            sub = tuple(pattern.split("/")) if pattern else ("*",)
            sub_regex = []
            for s in sub:
                r, lit, wild = _segment_regex(s, template)
                sub_regex.append(r)
                literals += lit
                wildcards += wild
            regex_parts.append(f"(?P<v{len(variables)}>{'/'.join(sub_regex)})")
            variables.append(Variable(field_path, sub))
        else:
            r, lit, wild = _segment_regex(segment, template)
            regex_parts.append(r)
            literals += lit
            wildcards += wild

    regex = "/" + "/".join(regex_parts) + (":" + re.escape(verb) if verb else "")
    if len({v.field_path for v in variables}) != len(variables):
        raise TemplateError(f"a field is bound twice in {template!r}")
    return PathTemplate(template, verb, tuple(variables), literals, wildcards, re.compile(regex))


def _segment_regex(segment: str, template: str) -> tuple[str, int, int]:
    if segment == "*":
        return _SEGMENT, 0, 1
    if segment == "**":
        return r".+", 0, 2
    if not _LITERAL.fullmatch(segment):
        raise TemplateError(f"bad segment {segment!r} in {template!r}")
    return re.escape(segment), 1, 0


def _split_verb(template: str) -> tuple[str, str]:
    """Split off ``:verb`` (a colon after the last '/' and outside any variable)."""
    depth = 0
    last_colon = -1
    for i, ch in enumerate(template):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "/" and depth == 0:
            last_colon = -1
        elif ch == ":" and depth == 0:
            last_colon = i
    if last_colon == -1:
        return template, ""
    verb = template[last_colon + 1 :]
    if not _LITERAL.fullmatch(verb):
        raise TemplateError(f"bad verb in {template!r}")
    return template[:last_colon], verb


def _split_top(path: str, template: str) -> list[str]:
    """Split on '/' outside braces."""
    parts, depth, current = [], 0, []
    for ch in path:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise TemplateError(f"unbalanced braces in {template!r}")
        if ch == "/" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        raise TemplateError(f"unbalanced braces in {template!r}")
    parts.append("".join(current))
    if any(p == "" for p in parts):
        raise TemplateError(f"empty segment in {template!r}")
    return parts
