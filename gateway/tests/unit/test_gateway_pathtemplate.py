from __future__ import annotations

import pytest
from kam_gateway.pathtemplate import TemplateError, compile_template


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("/v1/{name=customers/*}", "/v1/customers/c1", {"name": "customers/c1"}),
        ("/v1/{name=customers/*}", "/v1/customers/c1/x", None),
        ("/v1/{customer.name=customers/*}", "/v1/customers/c1", {"customer.name": "customers/c1"}),
        ("/v1/{name=alerts/*}:acknowledge", "/v1/alerts/a1:acknowledge", {"name": "alerts/a1"}),
        ("/v1/{name=alerts/*}:acknowledge", "/v1/alerts/a1", None),
        ("/v1/{name=alerts/*}:acknowledge", "/v1/alerts/a1:snooze", None),
        ("/v1/{parent=customers/*}/contacts", "/v1/customers/c1/contacts", {"parent": "customers/c1"}),
        (
            "/v1/{parent=customers/*/accounts/*}/transactions",
            "/v1/customers/c/accounts/a/transactions",
            {"parent": "customers/c/accounts/a"},
        ),
        ("/v1/auth:login", "/v1/auth:login", {}),
        ("/v1/users/{user}", "/v1/users/u%201", {"user": "u 1"}),
        ("/v1/{name=files/**}", "/v1/files/a/b/c", {"name": "files/a/b/c"}),
        ("/v1/*/x", "/v1/anything/x", {}),
    ],
)
def test_match(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert compile_template(template).match(path) == expected


def test_specificity_prefers_verbs_and_literals() -> None:
    verb = compile_template("/v1/{name=alerts/*}:acknowledge")
    plain = compile_template("/v1/{name=alerts/*}")
    wild = compile_template("/v1/{name=**}")
    assert verb.specificity > plain.specificity > wild.specificity


@pytest.mark.parametrize(
    ("template", "path", "names"),
    [
        ("/v1/{name=alerts/*}:acknowledge", "/v1/alerts/{alert}:acknowledge", ["alert"]),
        ("/v1/{parent=customers/*}/contacts", "/v1/customers/{customer}/contacts", ["customer"]),
        (
            "/v1/{name=customers/*/accounts/*}",
            "/v1/customers/{customer}/accounts/{account}",
            ["customer", "account"],
        ),
        (
            "/v1/{contact.name=customers/*/addresses/*}",
            "/v1/customers/{customer}/addresses/{address}",
            ["customer", "address"],
        ),
        ("/v1/users/{user}", "/v1/users/{user}", ["user"]),
        ("/v1/{name=archive/**}", "/v1/archive/{archive}", ["archive"]),
        ("/v1/{name=*/x/*}", "/v1/{name}/x/{x}", ["name", "x"]),
    ],
)
def test_openapi_path(template: str, path: str, names: list[str]) -> None:
    got_path, params = compile_template(template).openapi_path()
    assert got_path == path
    assert [p.name for p in params] == names


@pytest.mark.parametrize(
    "template", ["v1/x", "/v1/{name", "/v1/{na-me}", "/v1//x", "/v1/{a}/{a}", "/v1/x:", "/v1/{name=a}}"]
)
def test_bad_templates_are_rejected(template: str) -> None:
    with pytest.raises(TemplateError):
        compile_template(template)
