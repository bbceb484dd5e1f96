"""Connecting to a plan store, and saying what went wrong without leaking a password.

Connections take a ``postgresql://`` URL (or a libpq ``key=value`` string); what the URL
leaves out comes from libpq's usual places: ``PGHOST``, ``PGUSER``, ``PGPASSWORD``...,
``~/.pgpass`` and ``~/.pg_service.conf``. Every message that names a store shows the
URL through :func:`redact_url`, and :func:`scrub` removes any password that libpq echoes
back from a malformed connection string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cluster_planner.domain.errors import InputError

APPLICATION_NAME = "cluster-planner"
CONNECT_TIMEOUT_S = 10

_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]*):([^@\s]*)@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&\s]*", re.IGNORECASE)


class StoreError(InputError):
    """The plan store cannot be reached or used; one line, never a password."""

    def __init__(self, problem: str):
        super().__init__(None, problem)


class ConnectionLost(StoreError):
    """The server went away in the middle of a session."""


def redact_url(url: str) -> str:
    """``url`` without its password (``postgresql://alice@host:5432/plans``)."""
    text = str(url)
    if "://" not in text:
        return _KEYWORD_PASSWORD.sub(r"\1***", text)
    try:
        parts = urlsplit(text)
    except ValueError:
        return scrub(text, text)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, _, hosts = netloc.rpartition("@")
        user = credentials.split(":", 1)[0]
        netloc = f"{user}@{hosts}" if user else hosts
    query = _QUERY_PASSWORD.sub(r"\1***", "?" + parts.query)[1:] if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def url_has_password(url: str) -> bool:
    """Whether ``url`` spells out a password (which should live in ``~/.pgpass``)."""
    text = str(url)
    return bool(
        _URL_PASSWORD.search(text) or _QUERY_PASSWORD.search(text)
        or ("://" not in text and _KEYWORD_PASSWORD.search(text))
    )


def scrub(message: str, url: str, password: str | None = None) -> str:
    """``message`` with every password of ``url`` (and ``password``) taken out."""
    secrets = [match.group(2) for match in _URL_PASSWORD.finditer(str(url))]
    secrets += [match.group(2).strip("'") for match in _KEYWORD_PASSWORD.finditer(str(url))]
    secrets += [match.group(0).split("=", 1)[1] for match in _QUERY_PASSWORD.finditer(str(url))]
    if password:
        secrets.append(password)
    text = _URL_PASSWORD.sub(r"\1@", str(message))
    text = _KEYWORD_PASSWORD.sub(r"\1***", text)
    text = _QUERY_PASSWORD.sub(r"\1***", text)
    for secret in sorted(filter(None, set(secrets)), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def first_line(error: BaseException) -> str:
    """The first non-empty line of an error (libpq adds hints on later lines)."""
    for line in str(error).splitlines():
        if line.strip():
            return line.strip()
    return type(error).__name__


def connect(url: str, *, autocommit: bool = False, password: str | None = None, **kwargs: Any):
    """Open a psycopg connection to the store at ``url``.

    Raises
    ------
    StoreError
        One line naming the store (without password) and why it cannot be reached.
    """
    import psycopg

    options: dict[str, Any] = {
        "autocommit": autocommit,
        "application_name": APPLICATION_NAME,
        "connect_timeout": CONNECT_TIMEOUT_S,
    }
    if password is not None:
        options["password"] = password
    options.update(kwargs)
    try:
        return psycopg.connect(url, **options)
    except psycopg.Error as error:
        reason = scrub(first_line(error), url, password)
        raise StoreError(f"{redact_url(url)}: cannot connect: {reason}") from None


def needs_password(error: StoreError) -> bool:
    """Whether a failed connection asked for a password libpq could not find."""
    text = str(error)
    return "no password supplied" in text or "password authentication failed" in text


def describe(error: BaseException, url: str, doing: str) -> StoreError:
    """A :class:`StoreError` for a psycopg error raised while ``doing`` something."""
    import psycopg

    where = redact_url(url)
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError) and (
        not isinstance(error, psycopg.errors.LockNotAvailable)
    ):
        return ConnectionLost(
            f"{where}: lost the connection to the server while {doing}: "
            f"{scrub(first_line(error), url)}; nothing of this command was saved in the store"
        )
    return StoreError(f"{where}: {doing} failed: {scrub(first_line(error), url)}")


@contextmanager
def translated_errors(url: str, doing: str) -> Iterator[None]:
    """Turn psycopg errors raised inside into one-line :class:`StoreError` s."""
    try:
        yield
    except StoreError:
        raise
    except Exception as error:
        if type(error).__module__.startswith("psycopg"):
            raise describe(error, url, doing) from None
        raise


@contextmanager
def session(url: str, doing: str, **kwargs: Any) -> Iterator[Any]:
    """A connection to ``url`` for one command, closed after it; errors translated."""
    conn = connect(url, **kwargs)
    try:
        with translated_errors(url, doing):
            yield conn
    finally:
        conn.close()
