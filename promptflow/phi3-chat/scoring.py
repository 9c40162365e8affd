"""The scoring client of the chat tool: the same rules as the actions' client (shared/src/scoring).

- The walkthrough's flat request first: {"input_data": {"input_string": [messages], "parameters": {...}}}.
- When the endpoint rejects it as unreadable input (a 400 or 424 whose body says so), the nested request
  "input_string": [[messages]] once, as a fine-tuned model behind the MLflow scoring script needs
  (azureml-examples #3144; Azure/azureml-assets assets/inference/environments/
  mlflow-ubuntu20.04-py39-cpu-inference/context/mlflow_score_script.py). What was answered is remembered
  for the rest of the process.
- Answers read: {"output": ...}, a plain list, records ([{"0": ...}]) and the OpenAI-like "choices".
- Transient failures (408, 429 with Retry-After, 5xx, connection errors, timeouts) retried with backoff
  within a bounded budget.

Standard library only, so that it can be tested without Prompt flow or requests installed.
"""
import json
import random
import re
import time

FLAT = "flat"
NESTED = "nested"

# Bodies that say the input could not be read (see shared/src/scoring/shape.ts for where each comes from).
UNREADABLE_INPUT = [
    re.compile(r"unexpected error occurred in scoring script", re.I),
    re.compile(r"\binput_(string|data)\b", re.I),
    re.compile(r"\b(could not|cannot|can't|unable to|failed to)\b.{0,40}\b(read|pars(e|ing)|deserializ(e|ing)|decod(e|ing))", re.I),
    re.compile(r"\b(invalid|unexpected|malformed|unsupported|bad)\b.{0,30}\binput", re.I),
    re.compile(r"\bexpected\b.{0,40}\b(list|array)\b", re.I),
    re.compile(r"\blist of (lists|messages|dict)", re.I),
]


class ScoringError(Exception):
    """A definite failure: an HTTP error retrying cannot fix, an unreadable answer, or a transient one that
    outlasted the budget. The message never holds the key."""


class ShapeMemory:
    """The request shape the endpoint answered, once one was."""

    def __init__(self, known=None):
        self.known = known


def build_payload(messages, shape, parameters):
    return {"input_data": {"input_string": [messages] if shape == NESTED else messages, "parameters": parameters}}


def rejects_shape(status, body):
    return status in (400, 424) and any(p.search(body or "") for p in UNREADABLE_INPUT)


def is_transient(status):
    return status == 408 or status == 429 or 500 <= status <= 599


def read_answer(body):
    """The answer text in a 2xx body, or None when it is in no known shape."""
    try:
        value = json.loads(body)
    except ValueError:
        return None
    if isinstance(value, str):
        try:
            inner = json.loads(value)
            if isinstance(inner, (list, dict)):
                found = _from_value(inner)
                if found is not None:
                    return found
        except ValueError:
            pass
    return _from_value(value)


def _from_value(value):
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        first = value[0] if value else None
        if isinstance(first, str):
            return first
        if isinstance(first, dict) and isinstance(first.get("0"), str):
            return first["0"]
        return None
    if not isinstance(value, dict):
        return None
    output = value.get("output")
    if isinstance(output, str):
        return output
    if isinstance(output, list):
        return _from_value(output)
    if isinstance(value.get("0"), str):
        return value["0"]
    choices = value.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        message = choices[0].get("message")
        if isinstance(message, dict) and isinstance(message.get("content"), str):
            return message["content"]
        if isinstance(choices[0].get("text"), str):
            return choices[0]["text"]
    return None


def retry_delay(attempt, retry_after, rand=random.random, base=2.0, cap=30.0, max_retry_after=120.0):
    """Seconds before retry number `attempt`: the server's Retry-After (capped), else exponential backoff with
    equal jitter (half fixed, half random)."""
    if retry_after is not None and str(retry_after).strip().isdigit():
        return min(float(retry_after), max_retry_after)
    exp = min(cap, base * 2 ** (attempt - 1))
    return exp / 2 + rand() * exp / 2


def send_with_retries(post, body, transient_errors, retries=4, budget=300.0, sleep=time.sleep, now=time.monotonic,
                      rand=random.random):
    """(status, text, attempts) of the last request; raises ScoringError when transient failures outlast the
    retries or the budget. `post(body)` returns (status, text, headers) or raises one of `transient_errors`."""
    started = now()
    attempt = 0
    while True:
        attempt += 1
        try:
            status, text, headers = post(body)
            if not is_transient(status):
                return status, text, attempt
            reason, retry_after = f"HTTP {status}: {text[:200]}", (headers or {}).get("Retry-After")
        except transient_errors as e:  # connection reset, timeout
            reason, retry_after = f"{type(e).__name__}", None
        delay = retry_delay(attempt, retry_after, rand)
        if attempt > retries or now() - started + delay > budget:
            raise ScoringError(f"the endpoint did not answer after {attempt} attempt(s): {reason}")
        sleep(delay)


def redact(text, secrets):
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def score(post, messages, memory, parameters, transient_errors=(), secrets=(), **retry):
    """The answer to `messages`, trying the flat shape first (or the remembered one) and the nested one once.
    `secrets` (the key) are removed from every error message."""
    try:
        return _score(post, messages, memory, parameters, transient_errors, **retry)
    except ScoringError as e:
        raise ScoringError(redact(str(e), secrets)) from None


def _score(post, messages, memory, parameters, transient_errors, **retry):
    shape = memory.known or FLAT
    status, text, _ = send_with_retries(post, build_payload(messages, shape, parameters), transient_errors, **retry)
    if memory.known is None and shape == FLAT and rejects_shape(status, text):
        shape = NESTED
        status, text, _ = send_with_retries(post, build_payload(messages, shape, parameters), transient_errors,
                                            **retry)
    if not 200 <= status <= 299:
        raise ScoringError(f"the endpoint answered {status}: {text[:300]}")
    answer = read_answer(text)
    if answer is None:
        raise ScoringError(f'unknown response shape (expected {{"output": "..."}}, a list or records): {text[:200]}')
    if memory.known is None:
        memory.known = shape
    return answer
