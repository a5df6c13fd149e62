#!/usr/bin/env python3
"""A fake GitLab for dind-register's tests: the runner endpoints of /api/v4 with the documented
request and answer shapes (../../../shared/reference/gitlab-runner.md), over HTTP or HTTPS, on
127.0.0.1 only.

    fake_gitlab.py --dir DIR [--tls-cert FILE --tls-key FILE] [--lifetime SECONDS]

DIR/state.json (optional, read at start) sets the scene:
    registration_tokens   ["GR1348941…"]    tokens POST /runners accepts
    registration_disabled  true              POST /runners answers 410
    pats                  ["glpat-…"]       tokens POST /user/runners accepts
    runners               [{"id", "token", "managers": [], "token_expires_at"}]
    token_expires_at      what new tokens get (an ISO 8601 time or null)
    script                {"POST /api/v4/runners/verify": [{"status": 500}, …]}: answers given,
                          in order, before the endpoint's own (each: status, headers, body)
The server writes DIR/port once it listens (on a free port), appends every request to
DIR/requests.jsonl ({"method", "path", "headers", "body"}) and keeps DIR/state-now.json current.
It stops by itself after --lifetime seconds, or as soon as its parent process is gone.
"""

import argparse
import json
import os
import secrets
import ssl
import string
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {}
DIR = "."


def random_token(n=20):
    alphabet = string.ascii_letters + string.digits + "_-"
    return "".join(secrets.choice(alphabet) for _ in range(n))


def save_state():
    tmp = os.path.join(DIR, ".state-now.json.tmp")
    with open(tmp, "w") as f:
        json.dump(STATE, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(DIR, "state-now.json"))


def find_runner(token):
    for r in STATE["runners"]:
        if r["token"] == token:
            return r
    return None


def credentials(runner):
    return {"id": runner["id"], "token": runner["token"], "token_expires_at": runner.get("token_expires_at")}


FORBIDDEN = (403, {"message": "403 Forbidden - invalid token supplied"})
NOT_FOUND = (404, {"message": "404 Not Found"})


def new_runner(token, settings, created_by):
    runner = {
        "id": STATE["next_id"],
        "token": token,
        "token_expires_at": STATE.get("token_expires_at"),
        "managers": [],
        "created_by": created_by,
        "settings": settings,
    }
    STATE["next_id"] += 1
    STATE["runners"].append(runner)
    return runner


SETTINGS = ("description", "tag_list", "run_untagged", "locked", "access_level", "maximum_timeout", "paused",
            "maintenance_note")


def validate_settings(body):
    if "access_level" in body and body["access_level"] not in ("not_protected", "ref_protected"):
        return 400, {"error": "access_level does not have a valid value"}
    if "maximum_timeout" in body and (not isinstance(body["maximum_timeout"], int) or body["maximum_timeout"] < 600):
        return 400, {"message": {"maximum_timeout": ["needs to be at least 10 minutes"]}}
    for key in ("run_untagged", "locked", "paused"):
        if key in body and not isinstance(body[key], bool):
            return 400, {"error": key + " is invalid"}
    return None


def route(method, path, headers, body):
    """The endpoint's own answer: (status, json-or-None)."""
    if method == "POST" and path == "/api/v4/runners/verify":
        if not body.get("token"):
            return 400, {"error": "token is missing"}
        runner = find_runner(body["token"])
        if runner is None:
            return FORBIDDEN
        sid = body.get("system_id")
        if sid and sid not in runner["managers"]:
            runner["managers"].append(sid)
        return 200, credentials(runner)
    if method == "POST" and path == "/api/v4/runners":
        if not body.get("token"):
            return 400, {"error": "token is missing"}
        if STATE.get("registration_disabled"):
            return 410, {"message": "410 Gone - runner registration disallowed"}
        if body["token"] not in STATE["registration_tokens"]:
            return FORBIDDEN
        bad = validate_settings(body)
        if bad:
            return bad
        settings = {k: body[k] for k in SETTINGS if k in body}
        return 201, credentials(new_runner(random_token(), settings, "registration_token"))
    if method == "POST" and path == "/api/v4/user/runners":
        pat = headers.get("private-token")
        if not pat or pat not in STATE["pats"]:
            return 401, {"message": "401 Unauthorized"}
        kind = body.get("runner_type")
        if kind not in ("instance_type", "group_type", "project_type"):
            return 400, {"error": "runner_type does not have a valid value"}
        if kind == "group_type" and not isinstance(body.get("group_id"), int):
            return 400, {"error": "group_id is missing"}
        if kind == "project_type" and not isinstance(body.get("project_id"), int):
            return 400, {"error": "project_id is missing"}
        bad = validate_settings(body)
        if bad:
            return bad
        settings = {k: body[k] for k in SETTINGS + ("runner_type", "group_id", "project_id") if k in body}
        return 201, credentials(new_runner("glrt-" + random_token(), settings, "personal_access_token"))
    if method == "DELETE" and path == "/api/v4/runners":
        if not body.get("token"):
            return 400, {"error": "token is missing"}
        runner = find_runner(body["token"])
        if runner is None:
            return FORBIDDEN
        STATE["runners"].remove(runner)
        return 204, None
    if method == "DELETE" and path == "/api/v4/runners/managers":
        if not body.get("token"):
            return 400, {"error": "token is missing"}
        if not body.get("system_id"):
            return 400, {"error": "system_id is missing"}
        runner = find_runner(body["token"])
        if runner is None:
            return FORBIDDEN
        if body["system_id"] not in runner["managers"]:
            return NOT_FOUND
        runner["managers"].remove(body["system_id"])
        return 204, None
    if method == "POST" and path == "/api/v4/runners/reset_authentication_token":
        runner = find_runner(body.get("token"))
        if runner is None:
            return FORBIDDEN
        runner["token"] = ("glrt-" if runner["token"].startswith("glrt-") else "") + random_token()
        return 201, {"token": runner["token"], "token_expires_at": runner.get("token_expires_at")}
    return NOT_FOUND


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-gitlab"

    def log_message(self, fmt, *args):  # the request log is requests.jsonl
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        headers = {k.lower(): v for k, v in self.headers.items()}
        with LOCK:
            with open(os.path.join(DIR, "requests.jsonl"), "a") as log:
                log.write(json.dumps({"method": self.command, "path": self.path, "headers": headers,
                                      "body": raw}) + "\n")
            key = self.command + " " + self.path
            queue = STATE.get("script", {}).get(key) or []
            extra = {}
            if queue:
                canned = queue.pop(0)
                status, answer, extra = canned.get("status", 200), canned.get("body"), canned.get("headers", {})
                time.sleep(canned.get("delay", 0))
            elif raw and "application/json" not in headers.get("content-type", ""):
                status, answer = 415, {"message": "415 Unsupported Media Type"}
            else:
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    body = None
                if not isinstance(body, dict):
                    status, answer = 400, {"error": "the body is not a JSON object"}
                else:
                    status, answer = route(self.command, self.path.split("?")[0], headers, body)
            save_state()
        data = b"" if status == 204 or answer is None else json.dumps(answer).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        for k, v in extra.items():
            self.send_header(k, str(v))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = do_PUT = handle_any


def main():
    global DIR
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--lifetime", type=float, default=120)
    a = p.parse_args()
    DIR = a.dir
    state_file = os.path.join(DIR, "state.json")
    if os.path.exists(state_file):
        with open(state_file) as f:
            STATE.update(json.load(f))
    STATE.setdefault("registration_tokens", [])
    STATE.setdefault("pats", [])
    STATE.setdefault("runners", [])
    STATE.setdefault("next_id", max([9170] + [r["id"] for r in STATE["runners"]]) + 1)
    STATE.setdefault("token_expires_at", None)
    for r in STATE["runners"]:
        r.setdefault("managers", [])
        r.setdefault("token_expires_at", None)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    save_state()
    with open(os.path.join(DIR, ".port.tmp"), "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(os.path.join(DIR, ".port.tmp"), os.path.join(DIR, "port"))

    parent, deadline = os.getppid(), time.monotonic() + a.lifetime

    def watchdog():
        while time.monotonic() < deadline and os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
