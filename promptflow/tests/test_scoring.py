"""The chat tool's scoring logic (promptflow/phi3-chat/scoring.py), both request shapes, without a network.
Run by test/promptflow.test.ts: python3 -m unittest discover -s promptflow/tests"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "phi3-chat"))
import scoring  # noqa: E402

SCRIPT_FAILED = json.dumps({"message": "An unexpected error occurred in scoring script. Check the logs for more info."})
MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]
PARAMS = {"temperature": 0.7, "max_new_tokens": 128}


class Endpoint:
    """A scoring endpoint of one variant: 'vllm' reads flat input, 'mlflow' nested input (records answer)."""

    def __init__(self, variant, faults=()):
        self.variant = variant
        self.faults = list(faults)
        self.bodies = []

    def post(self, body):
        self.bodies.append(body)
        if self.faults:
            fault = self.faults.pop(0)
            if isinstance(fault, Exception):
                raise fault
            return fault
        nested = isinstance(body["input_data"]["input_string"][0], list)
        if self.variant == "vllm":
            return (200, json.dumps({"output": "Paris."}), {}) if not nested else (424, SCRIPT_FAILED, {})
        return (200, json.dumps([{"0": "Paris."}]), {}) if nested else (424, SCRIPT_FAILED, {})

    def shapes(self):
        return ["nested" if isinstance(b["input_data"]["input_string"][0], list) else "flat" for b in self.bodies]


NO_WAIT = {"sleep": lambda s: None, "rand": lambda: 0.0}


class ScoringTest(unittest.TestCase):
    def test_flat_shape_for_the_vllm_container(self):
        ep, memory = Endpoint("vllm"), scoring.ShapeMemory()
        self.assertEqual(scoring.score(ep.post, MESSAGES, memory, PARAMS, **NO_WAIT), "Paris.")
        self.assertEqual(ep.shapes(), ["flat"])
        self.assertEqual(ep.bodies[0], {"input_data": {"input_string": MESSAGES, "parameters": PARAMS}})
        self.assertEqual(memory.known, "flat")

    def test_nested_shape_once_for_the_mlflow_scoring_script_then_remembered(self):
        ep, memory = Endpoint("mlflow"), scoring.ShapeMemory()
        self.assertEqual(scoring.score(ep.post, MESSAGES, memory, PARAMS, **NO_WAIT), "Paris.")
        self.assertEqual(scoring.score(ep.post, MESSAGES, memory, PARAMS, **NO_WAIT), "Paris.")
        self.assertEqual(ep.shapes(), ["flat", "nested", "nested"])
        self.assertEqual(memory.known, "nested")

    def test_reads_every_answer_shape(self):
        for body in ({"output": "A"}, ["A"], [{"0": "A"}], {"choices": [{"message": {"content": "A"}}]},
                     {"choices": [{"text": "A"}]}):
            self.assertEqual(scoring.read_answer(json.dumps(body)), "A", body)
        self.assertIsNone(scoring.read_answer(json.dumps({"result": 1})))

    def test_retries_a_reset_a_503_and_a_429(self):
        faults = [ConnectionResetError(), (503, "busy", {}), (429, "slow", {"Retry-After": "1"})]
        ep = Endpoint("vllm", faults)
        answer = scoring.score(ep.post, MESSAGES, scoring.ShapeMemory(), PARAMS,
                               transient_errors=(ConnectionResetError,), **NO_WAIT)
        self.assertEqual(answer, "Paris.")
        self.assertEqual(len(ep.bodies), 4)

    def test_gives_up_when_transient_failures_outlast_the_budget(self):
        ep = Endpoint("vllm", [(503, "busy", {})] * 10)
        with self.assertRaises(scoring.ScoringError):
            scoring.score(ep.post, MESSAGES, scoring.ShapeMemory(), PARAMS, retries=2, **NO_WAIT)
        self.assertEqual(len(ep.bodies), 3)

    def test_a_second_rejection_is_a_definite_failure(self):
        ep = Endpoint("mlflow", [(424, SCRIPT_FAILED, {}), (424, SCRIPT_FAILED, {})])
        with self.assertRaises(scoring.ScoringError):
            scoring.score(ep.post, MESSAGES, scoring.ShapeMemory(), PARAMS, **NO_WAIT)
        self.assertEqual(ep.shapes(), ["flat", "nested"])

    def test_the_key_is_not_in_an_error(self):
        key = "pf-key-0123456789abcdef"
        ep = Endpoint("vllm", [(401, f"key {key} refused", {})])
        with self.assertRaises(scoring.ScoringError) as caught:
            scoring.score(ep.post, MESSAGES, scoring.ShapeMemory(), PARAMS, secrets=(key,), **NO_WAIT)
        self.assertNotIn(key, str(caught.exception))


if __name__ == "__main__":
    unittest.main()
