"""Drives the chat tool's scoring logic (phi3-chat/scoring.py) against a real scoring URI, with urllib instead
of requests (the tool's only other dependency): test/scoring.int.test.ts runs it against the emulator's two
scoring containers. Reads SCORING_URI, SCORING_KEY and (optionally) SSL_CA_FILE; prints one JSON line."""
import json
import os
import ssl
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "phi3-chat"))
import scoring  # noqa: E402

uri, key = os.environ["SCORING_URI"], os.environ["SCORING_KEY"]
context = ssl.create_default_context(cafile=os.environ.get("SSL_CA_FILE"))
statuses = []


def post(body):
    request = urllib.request.Request(uri, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            statuses.append(response.status)
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as e:
        statuses.append(e.code)
        return e.code, e.read().decode(), dict(e.headers)


memory = scoring.ShapeMemory()
answers = [scoring.score(post, [{"role": "user", "content": q}], memory, {"temperature": 0.7, "max_new_tokens": 64},
                         transient_errors=(ConnectionError, urllib.error.URLError), secrets=(key,))
           for q in ("What is the capital of France?", "What is 2+2?")]
print(json.dumps({"answers": answers, "shape": memory.known, "statuses": statuses}))
