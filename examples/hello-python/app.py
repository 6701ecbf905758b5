"""A tiny greeting service: GET /greet?name=X answers JSON, GET /healthz answers ok."""

import json
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse


def greeting(name):
    """Return the greeting for a name; an empty name greets the world."""
    name = (name or "").strip() or "world"
    return {"greeting": f"hello, {name}"}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/healthz":
            self.reply(200, {"status": "ok"})
        elif url.path == "/greet":
            name = parse_qs(url.query).get("name", [""])[0]
            self.reply(200, greeting(name))
        else:
            self.reply(404, {"error": "not found"})

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(port=8080):
    HTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
