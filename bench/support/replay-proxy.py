#!/usr/bin/env python3
"""A record-and-replay HTTP proxy for benchmarks: the first answer to each request body is fetched from UPSTREAM and
kept; every later request with the same body gets it back at once, without asking UPSTREAM.

Usage: replay-proxy.py PORT UPSTREAM_URL     (listens on 127.0.0.1:PORT; UPSTREAM_URL must be on 127.0.0.1)

The AWS Query API carries the action and its parameters (Action=GetGroup&GroupName=...) in the POST body, so the
body names the answer; headers (the SigV4 signature, the date) are ignored. For measuring import_users' own time
without moto's: moto builds a 10,000-member GetGroup answer in Python in about 0.7 s, real IAM pages it.
"""
import http.client
import http.server
import sys
import threading
import urllib.parse

port, upstream = int(sys.argv[1]), urllib.parse.urlsplit(sys.argv[2])
if upstream.hostname != "127.0.0.1":
    sys.exit("replay-proxy: UPSTREAM_URL must be on 127.0.0.1")
cache = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = (self.path, body)
        with lock:
            answer = cache.get(key)
        if answer is None:
            connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
            connection.request("POST", self.path, body=body, headers=headers)
            response = connection.getresponse()
            answer = (response.status, response.getheader("Content-Type", "text/xml"), response.read())
            connection.close()
            if answer[0] == 200:
                with lock:
                    cache[key] = answer
        status, content_type, payload = answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
