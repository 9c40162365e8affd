"""Prompt flow tool: chat with the fine-tuned Phi-3 on its managed online endpoint.

The custom connection (written by action-deploy) holds the scoring URI as the config "endpoint" and the
endpoint's key as the secret "key". The request and its fallback are scoring.py's, the same rules as the
actions' scoring client: the walkthrough's {"input_data": {"input_string": messages, "parameters": ...}}
first; the nested [[messages]] once when the endpoint cannot read it; then whichever worked, for the rest of
the process. Transient failures are retried within a budget.
"""
import requests
from promptflow.connections import CustomConnection
from promptflow.core import tool

from scoring import ShapeMemory, score

PARAMETERS = {"temperature": 0.7, "max_new_tokens": 128}
# One per process: a flow run sends many questions to the same endpoint.
SHAPES = ShapeMemory()


def conversation(question: str, chat_history: list) -> list:
    messages = []
    for turn in chat_history:
        messages.append({"role": "user", "content": turn["inputs"]["question"]})
        messages.append({"role": "assistant", "content": turn["outputs"]["answer"]})
    messages.append({"role": "user", "content": question})
    return messages


@tool
def chat(connection: CustomConnection, question: str, chat_history: list) -> str:
    endpoint = connection.configs["endpoint"]
    key = connection.secrets['key']
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(body):
        response = requests.post(endpoint, json=body, headers=headers, timeout=90)
        return response.status_code, response.text, response.headers

    return score(
        post,
        conversation(question, chat_history),
        SHAPES,
        PARAMETERS,
        transient_errors=(requests.ConnectionError, requests.Timeout),
        secrets=(key,),
    )
