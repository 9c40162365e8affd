"""Prompt flow tool: chat with the fine-tuned Phi-3 on its managed online endpoint.

The custom connection (written by action-deploy) holds the scoring URI as the config "endpoint" and the
endpoint's key as the secret "key". The request is the one the endpoint expects for these models.
"""
import requests
from promptflow.connections import CustomConnection
from promptflow.core import tool


@tool
def chat(connection: CustomConnection, question: str, chat_history: list) -> str:
    messages = []
    for turn in chat_history:
        messages.append({"role": "user", "content": turn["inputs"]["question"]})
        messages.append({"role": "assistant", "content": turn["outputs"]["answer"]})
    messages.append({"role": "user", "content": question})
    body = {"input_data": {"input_string": messages, "parameters": {"temperature": 0.7, "max_new_tokens": 128}}}
    response = requests.post(
        connection.configs["endpoint"],
        json=body,
        headers={"Authorization": f"Bearer {connection.secrets['key']}", "Content-Type": "application/json"},
        timeout=90,
    )
    response.raise_for_status()
    answer = response.json()
    return answer["output"] if isinstance(answer, dict) and "output" in answer else str(answer)
