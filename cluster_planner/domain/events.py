"""One typed-event mechanism for every object that announces changes.

glue's hub shape (``hub.subscribe(self, SubsetUpdateMessage, handler=..., filter=...)``):
a listener subscribes once to a type of event, optionally with a filter, and is called
with each event of that type (or a subclass) that passes the filter. The plan, the local
conditions and the planning session each keep one :class:`EventHub`; it lives in the
lowest layer so that all of them can.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")


class EventHub:
    """Listeners by event type; :meth:`emit` calls those whose type and filter match.

    Listeners are called in the order they subscribed. A listener may unsubscribe
    (itself or another) while an event is being delivered.
    """

    __slots__ = ("_subscriptions",)

    def __init__(self) -> None:
        self._subscriptions: list[tuple[type, Callable[[Any], None], Callable[[Any], bool] | None]] = []

    def subscribe(
        self,
        listener: Callable[[E], None],
        event_type: type[E],
        filter: Callable[[E], bool] | None = None,  # noqa: A002 (glue's name)
    ) -> Callable[[], None]:
        """Call ``listener(event)`` for every ``event_type`` event ``filter`` accepts.

        Returns a function that unsubscribes (calling it twice is harmless).
        """
        entry = (event_type, listener, filter)
        self._subscriptions.append(entry)

        def unsubscribe() -> None:
            if entry in self._subscriptions:
                self._subscriptions.remove(entry)

        return unsubscribe

    def emit(self, event: Any) -> None:
        """Deliver ``event`` to every matching listener."""
        for event_type, listener, accepts in list(self._subscriptions):
            if isinstance(event, event_type) and (accepts is None or accepts(event)):
                listener(event)

    def __len__(self) -> int:
        return len(self._subscriptions)
