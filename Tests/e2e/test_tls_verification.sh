#!/usr/bin/env bash
# TLS certificates are verified: an HTTPS endpoint with a self-signed certificate is refused with an error naming
# the problem, and nothing changes; the same endpoint is accepted once its CA is in the system trust store.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

start_moto
iam_user alice ssh-users

# A TLS-terminating proxy in front of moto on 127.0.0.1, with a self-signed certificate for 127.0.0.1.
tls=/run/tls
mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null
python3 - "$EC2SSH_TEST_MOTO_URL" "$tls" >/dev/null 2>&1 <<'PY' &
import http.server, ssl, sys, urllib.request
upstream, tls = sys.argv[1], sys.argv[2]
class Forward(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = urllib.request.Request(upstream + self.path, data=body, method="POST")
        for name, value in self.headers.items():
            if name.lower() not in ("content-length", "connection"):
                request.add_header(name, value)
        try:
            with urllib.request.urlopen(request) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(tls + "/cert.pem", tls + "/key.pem")
server.socket = context.wrap_socket(server.socket, server_side=True)
open(tls + "/port.tmp", "w").write(str(server.server_address[1]))
__import__("os").rename(tls + "/port.tmp", tls + "/port")
server.serve_forever()
PY
for _ in $(seq 1 100); do
    [[ -s $tls/port ]] && break
    python3 -c 'import time; time.sleep(0.05)'
done
[[ -s $tls/port ]] || fail "the TLS proxy did not start"
endpoint="https://127.0.0.1:$(cat "$tls/port")"

# Self-signed: refused (exit 3, IAM unreadable), the error names the certificate, no account is created.
write_import_conf "$endpoint" 'IAM_AUTHORIZED_GROUPS="ssh-users"'
expect_import 3
assert_contains "$IMPORT_OUTPUT" "certificate" "import_users error"
! getent passwd alice >/dev/null || fail "alice was created over an unverified TLS connection"

# Trusted through the system CA store: accepted.
cp "$tls/cert.pem" /usr/local/share/ca-certificates/e2e-test.crt
update-ca-certificates >/dev/null 2>&1
expect_import 0
getent passwd alice >/dev/null || fail "alice was not created once the certificate was trusted"
echo "tls ok"
