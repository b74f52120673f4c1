"""Passwords: the policy a new password must meet and its argon2id hash.

Hashing is argon2-cffi's ``PasswordHasher`` (argon2id, RFC 9106), not code of ours. The parameters are stated
here and in docs/operations.md; a stored hash carries its own parameters, so raising them later re-hashes each
user's password at their next sign-in (:meth:`PasswordHashing.needs_rehash`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: argon2id parameters: 64 MiB, 3 passes, 1 lane (RFC 9106's second recommended option, "if much less memory is
#: available": t=3, m=64 MiB); about 180 ms per hash on this project's 2-core reference machine, so about 10
#: sign-ins a second per gateway replica (tests/bench/bench_signin.py, docs/performance.md).
TIME_COST = 3
MEMORY_COST_KIB = 64 * 1024
PARALLELISM = 1

MIN_LENGTH = 10
MAX_LENGTH = 128
#: Character classes of which a password needs at least three.
_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]"))
#: Passwords too common to allow whatever their shape (lower-cased comparison; the top of public leak lists and
#: the obvious bank words).
COMMON = frozenset(
    {
        "password123",
        "password1!",
        "qwerty12345",
        "1234567890",
        "12345678910",
        "abc123456789",
        "iloveyou123",
        "p@ssw0rd123",
        "passw0rd!23",
        "admin12345",
        "administrator",
        "welcome123",
        "letmein12345",
        "changeme123",
        "icbc123456",
        "bank123456!",
        "a123456789",
        "qwer1234!@#$",
    }
)


@dataclass(frozen=True)
class PolicyProblem:
    code: str
    zh: str
    en: str

    @property
    def message(self) -> str:
        return f"{self.zh} ({self.en})"


def policy_problems(password: str, *, username: str = "", display_name: str = "") -> list[PolicyProblem]:
    """Why ``password`` may not be set (empty when it may): length, three of four character classes, not the
    user name or display name, not a common password."""
    problems: list[PolicyProblem] = []
    if len(password) < MIN_LENGTH:
        problems.append(
            PolicyProblem("TOO_SHORT", f"至少{MIN_LENGTH}个字符", f"at least {MIN_LENGTH} characters")
        )
    if len(password) > MAX_LENGTH:
        problems.append(
            PolicyProblem("TOO_LONG", f"最多{MAX_LENGTH}个字符", f"at most {MAX_LENGTH} characters")
        )
    if sum(1 for pattern in _CLASSES if pattern.search(password)) < 3:
        problems.append(
            PolicyProblem(
                "TOO_SIMPLE",
                "需包含大写字母、小写字母、数字、符号中的至少三类",
                "three of: upper case, lower case, digits, symbols",
            )
        )
    lowered = password.lower()
    if any(part and len(part) >= 3 and part.lower() in lowered for part in (username, display_name)):
        problems.append(
            PolicyProblem("CONTAINS_NAME", "不能包含用户名或姓名", "must not contain the user name")
        )
    if lowered in COMMON:
        problems.append(PolicyProblem("TOO_COMMON", "密码过于常见", "too common"))
    return problems


class PasswordHashing:
    """argon2id hashes with the parameters above (tests may pass cheaper ones)."""

    def __init__(
        self,
        *,
        time_cost: int = TIME_COST,
        memory_cost_kib: int = MEMORY_COST_KIB,
        parallelism: int = PARALLELISM,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
        )
        # verified against when the user does not exist, so an unknown name costs as much as a wrong password
        self._dummy = self._hasher.hash("no such user: constant-time dummy")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored_hash``; ``None`` (no such user, or no password set) costs one
        verification too and is never a match."""
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)
