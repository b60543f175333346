#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of moto, for failure-path tests (loopback only).

Usage: fault-proxy.py UPSTREAM_URL PORT_FILE [--delay SECONDS] [--connect-delay SECONDS]
Listens on a free 127.0.0.1 port (written to PORT_FILE) and forwards every request to UPSTREAM_URL unchanged,
except requests that match a fault rule; answers keep their ETag and x-amz-* headers. Rules are managed over
HTTP on the same port:

  POST   /__faults__   JSON list of rules, appended.   GET /__faults__: rules with their hit counts.
  DELETE /__faults__   remove all rules.
  GET    /__stats__    {"connections": N, "requests": N, "calls": {"iam:ListUsers": N, "s3:GET": N, ...}}: client
                       connections accepted and requests served so far (control requests excluded); "calls" counts
                       them by service (the credential scope of the Authorization header, "unsigned" without one)
                       and operation (the Query API Action, the X-Amz-Target of JSON APIs, else the HTTP method).
  POST   /__paginate__ {"size": N}   from now on, split list answers (ListUsers, GetGroup, ListUserTags,
         ListSSHPublicKeys, ListGroupsForUser) into pages of N elements with the proxy's own Markers, as IAM may
         return fewer than MaxItems; the later pages are answered from the first upstream answer. 0 turns it off.
         Fault rules see every page request (with its Marker), so "skip" faults the Nth page.

A rule: {"action": "GetGroup", "params": {"GroupName": "devs"}, "fault": "throttle", "times": 1}
  action  - the Query API Action to match ("*" for any), params - form parameters that must all match (optional),
  service - the service the request is signed for ("iam", "s3", "kms", "sts", ...; optional),
  path    - a prefix the request path must start with (optional; for example "/latest/" for IMDS requests),
  headers - header values the request must all carry (optional; names case-insensitive), for example
            {"x-amz-expected-bucket-owner": "123456789012"} to count the S3 requests that send it,
  times   - how many matching requests to fault (default: unlimited), then the rule stops matching,
  skip    - how many matching requests to let through first (default 0), to fault the Nth page or call,
  fault   - throttle (400 Throttling), server-error (500 InternalFailure), unavailable (503 HTML page),
            access-denied (403 AccessDenied), bad-xml (200, broken XML), hang (no answer for "seconds", default 30),
            delay (forwarded after "seconds"), truncated (200, the upstream answer with its Marker removed while
            IsTruncated stays true), drop (the connection is closed without an answer); any other value (for
            example "count") forwards and only counts hits.
A rule's "seen" counts the matching requests it let through because of "skip"; "hits" those it faulted, and "log"
lists the Action, GroupName, UserName and Marker of the first 100 of them.

Latency for benchmarks: --delay adds SECONDS to every forwarded request (a round trip to a distant endpoint);
--connect-delay adds SECONDS once per new client connection (the TCP and TLS handshakes a new connection to a
real endpoint costs), so a client that reuses connections pays it once per connection, not per request.
"""
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUIET = False
RULES = []
LOCK = threading.Lock()
STATS = {"connections": 0, "requests": 0, "calls": {}}
DELAY = 0.0
CONNECT_DELAY = 0.0
PAGE_SIZE = 0
PAGES = {}  # proxy Marker token -> (head, members, tail) of the upstream answer being paged
PAGED_LISTS = {"ListUsers": "Users", "GetGroup": "Users", "ListUserTags": "Tags",
               "ListSSHPublicKeys": "SSHPublicKeys", "ListGroupsForUser": "Groups"}


def error_document(code, message):
    return (
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
    ).encode()


def form(body):
    return dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def split_list(payload, element):
    """(head, [member, ...], tail) of the first <element> list of an answer, or None when it has none."""
    start, end = payload.find(b"<%s>" % element), payload.find(b"</%s>" % element)
    if start < 0 or end < 0:
        return None
    inner = payload[start + len(element) + 2:end]
    members, depth, begin = [], 0, 0
    for tag in re.finditer(rb"<(/?)member\b[^>]*?(/?)>", inner):
        if tag.group(2):
            if depth == 0:
                members.append(inner[tag.start():tag.end()])
            continue
        if not tag.group(1):
            if depth == 0:
                begin = tag.start()
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                members.append(inner[begin:tag.end()])
    head = payload[:start + len(element) + 2]
    tail = payload[end:]
    tail = re.sub(rb"<IsTruncated>.*?</IsTruncated>|<Marker>.*?</Marker>", b"", tail)
    return head, members, tail


def page(token, offset):
    """The answer holding the page of PAGES[token] that starts at offset, with the next Marker if any."""
    head, members, tail = PAGES[token]
    chunk = members[offset:offset + PAGE_SIZE]
    more = offset + PAGE_SIZE < len(members)
    marker = b"<IsTruncated>true</IsTruncated><Marker>fp-%s-%d</Marker>" % (token.encode(), offset + PAGE_SIZE)
    flag = marker if more else b"<IsTruncated>false</IsTruncated>"
    tail = re.sub(rb"(</\w+Result>)", flag + rb"\1", tail, count=1)
    return head + b"".join(chunk) + tail


def paginate(params, status, payload):
    """Splits a 200 list answer into pages of PAGE_SIZE; returns the first page (or the answer unchanged)."""
    element = PAGED_LISTS.get(params.get("Action"))
    if not PAGE_SIZE or status != 200 or element is None:
        return payload
    parts = split_list(payload, element.encode())
    if parts is None or len(parts[1]) <= PAGE_SIZE:
        return payload
    with LOCK:
        token = str(len(PAGES))
        PAGES[token] = parts
        return page(token, 0)


def service_of(headers):
    """The service a request is signed for: the credential scope's service in its Authorization header."""
    found = re.search(r"Credential=[^/,]+/[^/,]+/[^/,]+/([^/,]+)/aws4_request", headers.get("Authorization") or "")
    return found.group(1) if found else "unsigned"


def operation_of(method, headers, params):
    """The operation a request asks for: the Query API Action, the JSON API X-Amz-Target, or the HTTP method."""
    return params.get("Action") or headers.get("X-Amz-Target") or method


def passed_headers(headers):
    """The upstream answer's headers a client reads (ETag, x-amz-*), passed on unchanged."""
    return [(name, value) for name, value in headers.items()
            if name.lower() == "etag" or name.lower().startswith(("x-amz-", "x-amzn-"))]


def match(path, body, headers, service):
    params = form(body)
    with LOCK:
        for rule in RULES:
            if rule.get("times") is not None and rule["hits"] >= rule["times"]:
                continue
            if not path.startswith(rule.get("path", "")):
                continue
            if rule.get("service", service) != service:
                continue
            if any(headers.get(k) != v for k, v in rule.get("headers", {}).items()):
                continue
            if rule.get("action", "*") not in ("*", params.get("Action")):
                continue
            if any(params.get(k) != v for k, v in rule.get("params", {}).items()):
                continue
            if rule["seen"] < rule.get("skip", 0):
                rule["seen"] += 1
                continue
            rule["hits"] += 1
            if len(rule["log"]) < 100:
                rule["log"].append({k: params[k] for k in ("Action", "GroupName", "UserName", "Marker") if k in params})
            return rule
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if not QUIET:
            sys.stderr.write("fault-proxy: " + fmt % args + "\n")

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1
        if CONNECT_DELAY > 0:
            time.sleep(CONNECT_DELAY)

    def reply(self, status, body, content_type="text/xml", extra_headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in extra_headers:
            self.send_header(name, value)
        if status == 304:  # no body, and no Content-Length that a client could wait for
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self, body):
        global RULES, PAGE_SIZE
        if self.path.startswith("/__paginate__"):
            with LOCK:
                if self.command == "POST":
                    PAGE_SIZE = int(json.loads(body or b"{}").get("size", 0))
                payload = json.dumps({"size": PAGE_SIZE, "answers": len(PAGES)}).encode()
            return self.reply(200, payload, "application/json")
        with LOCK:
            if self.command == "POST":
                for rule in json.loads(body or b"[]"):
                    rule["hits"] = 0
                    rule["seen"] = 0
                    rule["log"] = []
                    RULES.append(rule)
            elif self.command == "DELETE":
                RULES = []
            payload = json.dumps(RULES).encode()
        self.reply(200, payload, "application/json")

    def forward(self, body):
        request = urllib.request.Request(UPSTREAM + self.path, data=body if body else None, method=self.command)
        for name, value in self.headers.items():
            if name.lower() not in ("content-length", "connection"):
                request.add_header(name, value)  # Host too: it is signed
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read(), response.headers.get("Content-Type", "text/xml"), \
                    passed_headers(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers.get("Content-Type", "text/xml"), \
                passed_headers(error.headers)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith(("/__faults__", "/__paginate__")):
            return self.control(body)
        if self.path.startswith("/__stats__"):
            with LOCK:
                payload = json.dumps(STATS).encode()
            return self.reply(200, payload, "application/json")
        service = service_of(self.headers)
        call = f"{service}:{operation_of(self.command, self.headers, form(body))}"
        with LOCK:
            STATS["requests"] += 1
            STATS["calls"][call] = STATS["calls"].get(call, 0) + 1
        rule = match(self.path, body, self.headers, service)
        fault = rule["fault"] if rule else None
        if fault == "throttle":
            return self.reply(400, error_document("Throttling", "Rate exceeded"))
        if fault == "server-error":
            return self.reply(500, error_document("InternalFailure", "injected server error"))
        if fault == "unavailable":
            return self.reply(503, b"<html><body>Service Unavailable</body></html>", "text/html")
        if fault == "access-denied":
            return self.reply(403, error_document("AccessDenied", "injected access denied"))
        if fault == "bad-xml":
            return self.reply(200, b"<ListUsersResponse><ListUsersResult><Users><member>")
        if fault == "drop":
            self.close_connection = True
            return None
        if fault == "hang":
            time.sleep(float(rule.get("seconds", 30)))
            return self.reply(500, error_document("InternalFailure", "late answer"))
        if fault == "delay":
            time.sleep(float(rule.get("seconds", 1)))
        if DELAY > 0:
            time.sleep(DELAY)
        params = form(body)
        marker = re.fullmatch(r"fp-(\d+)-(\d+)", params.get("Marker", ""))
        headers = []
        if marker and marker.group(1) in PAGES:
            status, content_type = 200, "text/xml"
            with LOCK:
                payload = page(marker.group(1), int(marker.group(2)))
        else:
            status, payload, content_type, headers = self.forward(body)
            payload = paginate(params, status, payload)
        if fault == "truncated":
            payload = re.sub(rb"<Marker>.*?</Marker>", b"", payload)
            payload = re.sub(rb"<IsTruncated>false</IsTruncated>", b"<IsTruncated>true</IsTruncated>", payload)
            if b"<IsTruncated>" not in payload:
                payload = re.sub(rb"(</\w+Result>)", rb"<IsTruncated>true</IsTruncated>\1", payload, count=1)
        self.reply(status, payload, content_type, headers)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


def main():
    global UPSTREAM, DELAY, CONNECT_DELAY, QUIET
    args = sys.argv[1:]
    options = {}
    while len(args) > 2 and args[-2] in ("--delay", "--connect-delay"):
        options[args[-2]] = float(args[-1])
        args = args[:-2]
    if len(args) != 2:
        sys.exit("usage: fault-proxy.py UPSTREAM_URL PORT_FILE [--delay SECONDS] [--connect-delay SECONDS]")
    DELAY = options.get("--delay", 0.0)
    CONNECT_DELAY = options.get("--connect-delay", 0.0)
    QUIET = bool(options)  # benchmarks: no line per request
    UPSTREAM = args[0].rstrip("/")
    if not UPSTREAM.startswith("http://127.0.0.1:"):
        sys.exit("fault-proxy: upstream must be a 127.0.0.1 URL")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args[1], "w") as port_file:
        port_file.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
