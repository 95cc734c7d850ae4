"""Errors the emulator answers with, and the registry of faults a test injects on purpose."""

from __future__ import annotations

from dataclasses import dataclass, field

# Methods a fault with method=None still leaves alone: breaking polling is never what a
# "make the next send fail" test means. Name getUpdates explicitly to fault it.
_SPARED_BY_DEFAULT = frozenset({"getupdates"})

KINDS = ("blocked", "deactivated", "retry_after", "chat_not_found", "server_error", "timeout")


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict:
        body = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


class SimulatedTimeout(Exception):  # noqa: N818 - named after what the client experiences
    """Raised by the server; each transport turns it into what a client sees on a timeout.

    ``hang`` is how long the HTTP front keeps the connection silent before dropping it.
    """

    def __init__(self, delivered: bool, hang: float) -> None:
        super().__init__("simulated timeout")
        self.delivered = delivered
        self.hang = hang


@dataclass(eq=False)
class Fault:
    kind: str
    method: str | None = None
    chat_id: int | None = None
    times: int | None = 1  # None = forever
    retry_after: int = 3
    status: int = 500  # for server_error: 500 or 502
    delivered: bool = False  # for timeout: the send is applied, only the answer is lost
    hang: float = 30.0  # for timeout over HTTP
    hits: int = 0
    _registry: FaultRegistry | None = field(default=None, repr=False)

    def remove(self) -> None:
        if self._registry is not None:
            self._registry.remove(self)

    def error(self) -> ApiError:
        if self.kind == "blocked":
            return forbidden("bot was blocked by the user")
        if self.kind == "deactivated":
            return forbidden("user is deactivated")
        if self.kind == "retry_after":
            return too_many_requests(self.retry_after)
        if self.kind == "chat_not_found":
            return bad_request("chat not found")
        if self.kind == "server_error":
            return ApiError(self.status, "Internal Server Error")
        raise ValueError(f"fault kind {self.kind!r} has no error answer")


class FaultRegistry:
    """Faults matched in insertion order; the first one matching a call fires and is used up."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def __len__(self) -> int:
        return len(self._faults)

    def add(
        self,
        method: str | None = None,
        chat_id: int | None = None,
        kind: str = "server_error",
        times: int | None = 1,
        retry_after: int = 3,
        *,
        status: int = 500,
        delivered: bool = False,
        hang: float = 30.0,
    ) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        fault = Fault(
            kind=kind,
            method=method.lower() if method else None,
            chat_id=chat_id,
            times=times,
            retry_after=retry_after,
            status=status,
            delivered=delivered,
            hang=hang,
            _registry=self,
        )
        self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        if fault in self._faults:
            self._faults.remove(fault)

    def clear(self) -> None:
        self._faults.clear()

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        """The fault that fires for this call (its use is counted), or None."""
        for fault in self._faults:
            if fault.method is None:
                if method in _SPARED_BY_DEFAULT:
                    continue
            elif fault.method != method:
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.hits += 1
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
            return fault
        return None
