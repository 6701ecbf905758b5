import json
import threading
import unittest
from http.server import HTTPServer
from urllib.request import urlopen

import app


class GreetingTest(unittest.TestCase):
    def test_greets_by_name(self):
        self.assertEqual(app.greeting("Ada"), {"greeting": "hello, Ada"})

    def test_empty_name_greets_the_world(self):
        self.assertEqual(app.greeting("  "), {"greeting": "hello, world"})


class ServerTest(unittest.TestCase):
    def setUp(self):
        self.server = HTTPServer(("127.0.0.1", 0), app.Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_greet_endpoint(self):
        with urlopen(f"{self.base}/greet?name=CI") as response:
            self.assertEqual(json.load(response), {"greeting": "hello, CI"})

    def test_health_endpoint(self):
        with urlopen(f"{self.base}/healthz") as response:
            self.assertEqual(response.status, 200)


if __name__ == "__main__":
    unittest.main()
