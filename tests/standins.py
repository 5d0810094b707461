"""Stand-ins for listmonk and Mailchimp: neither can run here, so these loopback HTTP servers implement the
documented endpoints and payloads the service uses (cited in docs/marketing.md), and record every request.

They are stand-ins, not the tools: they check what the service sends (paths, methods, auth, JSON fields)
and keep enough state to answer as the tools would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    """One request as the stand-in received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Canned:
    """An answer to give instead of the real one, for the next `times` matching requests."""

    method: str
    pattern: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


class StandIn:
    """A threaded HTTP server on 127.0.0.1 with a route table; subclasses implement one tool."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.canned: list[Canned] = []
        self.hang = threading.Event()  # while set, matching requests wait for `release`
        self.hang_pattern = ""
        self.release = threading.Event()
        self.arrived = threading.Event()
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                standin._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def fail(self, method: str, pattern: str, status: int, times: int = 1, **headers: str) -> None:
        """Answer the next `times` requests matching method and path regex with `status`."""
        self.canned.append(Canned(method, pattern, status, {k.replace("_", "-"): v for k, v in headers.items()},
                                  times))

    def seen(self, method: str, pattern: str) -> list[Seen]:
        """The requests received so far matching method and path regex."""
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw and "json" in (handler.headers.get("Content-Type") or "") else raw or None
        seen = Seen(handler.command, parts.path, parse_qs(parts.query), dict(handler.headers.items()), body)
        with self.lock:
            self.requests.append(seen)
        if self.hang.is_set() and re.fullmatch(self.hang_pattern, parts.path):
            self.arrived.set()
            self.release.wait(60)
        status, headers, payload = self._canned(seen) or self._answer(seen)
        data = json.dumps(payload).encode() if payload is not None else b""
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if data:
            handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _canned(self, seen: Seen) -> tuple[int, dict[str, str], Any] | None:
        with self.lock:
            for canned in self.canned:
                if canned.times and canned.method == seen.method and re.fullmatch(canned.pattern, seen.path):
                    canned.times -= 1
                    return canned.status, canned.headers, {"message": "canned", "title": "canned"}
        return None

    def _answer(self, seen: Seen) -> tuple[int, dict[str, str], Any]:
        raise NotImplementedError


def basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Listmonk(StandIn):
    """listmonk's /api/subscribers endpoints (https://listmonk.app/docs/apis/subscribers/), auth by API user."""

    def __init__(self, user: str = "api", token: str = "listmonk-token") -> None:
        self.auth = basic(user, token)
        self.subscribers: dict[int, dict[str, Any]] = {}
        self.next_id = 1
        super().__init__()

    def by_email(self, email: str) -> dict[str, Any] | None:
        return next((s for s in self.subscribers.values() if s["email"].lower() == email.lower()), None)

    def unsubscribe_there(self, email: str) -> None:
        """What a person clicking listmonk's unsubscribe link does: their list subscriptions end."""
        for item in self.by_email(email)["lists"]:
            item["subscription_status"], item["sub_updated_at"] = "unsubscribed", now_iso()

    def _answer(self, seen: Seen) -> tuple[int, dict[str, str], Any]:
        if seen.headers.get("Authorization") != self.auth:
            return 403, {}, {"message": "invalid API credentials"}
        routes: list[tuple[str, str, Callable[..., Any]]] = [
            ("GET", r"/api/subscribers", self._query), ("POST", r"/api/subscribers", self._create),
            ("PUT", r"/api/subscribers/lists", self._lists), ("DELETE", r"/api/subscribers/(\d+)", self._delete)]
        for method, pattern, route in routes:
            match = re.fullmatch(pattern, seen.path)
            if method == seen.method and match:
                return route(seen, *match.groups())
        return 404, {}, {"message": "unknown endpoint"}

    def _create(self, seen: Seen) -> tuple[int, dict[str, str], Any]:
        body = seen.body
        if not body.get("email") or not body.get("name") or body.get("status") not in ("enabled", "blocklisted"):
            return 400, {}, {"message": "invalid fields"}
        if self.by_email(body["email"]):
            return 409, {}, {"message": "E-mail already exists."}
        status = "confirmed" if body.get("preconfirm_subscriptions") else "unconfirmed"
        sid, self.next_id = self.next_id, self.next_id + 1
        self.subscribers[sid] = {"id": sid, "uuid": f"uuid-{sid}", "email": body["email"], "name": body["name"],
                                 "attribs": body.get("attribs") or {}, "status": body["status"],
                                 "created_at": now_iso(), "updated_at": now_iso(),
                                 "lists": [{"id": i, "subscription_status": status, "sub_updated_at": now_iso()}
                                           for i in body.get("lists") or []]}
        return 200, {}, {"data": self._public(self.subscribers[sid])}

    def _lists(self, seen: Seen) -> tuple[int, dict[str, str], Any]:
        body = seen.body
        if body.get("action") not in ("add", "remove", "unsubscribe") or not body.get("target_list_ids"):
            return 400, {}, {"message": "invalid action"}
        if body["action"] == "add" and body.get("status") not in ("confirmed", "unconfirmed", "unsubscribed"):
            return 400, {}, {"message": "invalid status"}
        for sid in body["ids"]:
            lists = {item["id"]: item for item in self.subscribers[sid]["lists"]}
            for list_id in body["target_list_ids"]:
                if body["action"] == "remove":
                    lists.pop(list_id, None)
                elif body["action"] == "add":
                    lists[list_id] = {"id": list_id, "subscription_status": body["status"]}
                elif list_id in lists:
                    lists[list_id]["subscription_status"] = "unsubscribed"
                if list_id in lists:
                    lists[list_id]["sub_updated_at"] = now_iso()
            self.subscribers[sid]["lists"] = list(lists.values())
        return 200, {}, {"data": True}

    def _delete(self, seen: Seen, sid: str) -> tuple[int, dict[str, str], Any]:
        if self.subscribers.pop(int(sid), None) is None:
            return 404, {}, {"message": "subscriber not found"}
        return 200, {}, {"data": True}

    def _query(self, seen: Seen) -> tuple[int, dict[str, str], Any]:
        # The stand-in understands the two SQL expressions the service sends, nothing else.
        query = seen.query.get("query", [""])[0]
        email = re.fullmatch(r"subscribers\.email = '((?:[^']|'')*)'", query)
        since = re.fullmatch(r"subscribers\.updated_at > '([^']+)' OR subscribers\.id IN \(SELECT subscriber_id FROM "
                             r"subscriber_lists WHERE subscriber_lists\.updated_at > '\1'\)", query)
        if email:
            found = [s for s in self.subscribers.values() if s["email"] == email.group(1).replace("''", "'")]
        elif since:
            t = datetime.fromisoformat(since.group(1).replace("Z", "+00:00"))
            found = [s for s in self.subscribers.values() if datetime.fromisoformat(s["updated_at"]) > t
                     or any(datetime.fromisoformat(i["sub_updated_at"]) > t for i in s["lists"])]
            wanted = {int(i) for i in seen.query.get("list_id", [])}
            found = [s for s in found if not wanted or wanted & {i["id"] for i in s["lists"]}]
        else:
            return 400, {}, {"message": "the stand-in does not understand this query"}
        page, per_page = int(seen.query.get("page", ["1"])[0]), int(seen.query.get("per_page", ["20"])[0])
        results = [self._public(s) for s in found][(page - 1) * per_page: page * per_page]
        return 200, {}, {"data": {"results": results, "total": len(found), "per_page": per_page, "page": page}}

    @staticmethod
    def _public(subscriber: dict[str, Any]) -> dict[str, Any]:
        return {**subscriber, "lists": [{k: v for k, v in i.items() if k != "sub_updated_at"}
                                        for i in subscriber["lists"]]}


class Mailchimp(StandIn):
    """Mailchimp's list members endpoints (https://mailchimp.com/developer/marketing/api/list-members/) under
    /3.0, auth by HTTP Basic with any user name and the API key."""

    STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional")

    def __init__(self, key: str = "0123456789abcdef-us21", audience: str = "a1b2c3d4e5") -> None:
        self.key, self.audience = key, audience
        self.members: dict[str, dict[str, Any]] = {}
        super().__init__()

    def _answer(self, seen: Seen) -> tuple[int, dict[str, str], Any]:
        auth = seen.headers.get("Authorization", "")
        try:
            secret = base64.b64decode(auth.removeprefix("Basic ")).decode().split(":", 1)[1]
        except (ValueError, IndexError):
            secret = ""
        if not auth.startswith("Basic ") or secret != self.key:
            return 401, {}, {"title": "API Key Invalid", "status": 401}
        match = re.fullmatch(r"/3\.0/lists/(\w+)/members/([0-9a-f]{32})(/tags|/actions/delete-permanent)?", seen.path)
        if not match or match.group(1) != self.audience:
            return 404, {}, {"title": "Resource Not Found", "status": 404}
        member_hash, tail = match.group(2), match.group(3)
        if seen.method == "PUT" and not tail:
            return self._upsert(member_hash, seen.body)
        if member_hash not in self.members:
            return 404, {}, {"title": "Resource Not Found", "status": 404}
        if seen.method == "POST" and tail == "/tags":
            tags = self.members[member_hash].setdefault("tags", {})
            tags.update({t["name"]: t["status"] for t in seen.body["tags"]})
            return 204, {}, None
        if seen.method == "POST" and tail == "/actions/delete-permanent":
            del self.members[member_hash]
            return 204, {}, None
        return 405, {}, {"title": "Method Not Allowed", "status": 405}

    def _upsert(self, member_hash: str, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        if hashlib.md5(body["email_address"].lower().encode()).hexdigest() != member_hash:
            return 400, {}, {"title": "Invalid Resource", "detail": "the hash is not the address's", "status": 400}
        new = member_hash not in self.members
        status = body.get("status_if_new") if new else body.get("status", self.members[member_hash]["status"])
        if not new and self.members[member_hash]["status"] == "unsubscribed" and status == "subscribed":
            return 400, {}, {"title": "Member In Compliance State", "status": 400,
                             "detail": f"{body['email_address']} is in a compliance state due to unsubscribe"}
        if status not in self.STATUSES:
            return 400, {}, {"title": "Invalid Resource", "detail": "status_if_new is required", "status": 400}
        member = self.members.setdefault(member_hash, {"id": member_hash})
        member.update({k: v for k, v in body.items() if k not in ("status_if_new",)}, status=status)
        return 200, {}, member
