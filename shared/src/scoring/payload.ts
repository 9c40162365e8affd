/**
 * The scoring request the managed online endpoint expects for the Phi-3 chat models (contract §8.3), in its
 * two shapes:
 *
 * - "flat", the walkthrough's: `{"input_data": {"input_string": [messages], "parameters": {...}}}`, which the
 *   vLLM-based inference image of the model catalog reads;
 * - "nested", `{"input_data": {"input_string": [[messages]], "parameters": {...}}}`: one conversation in a
 *   batch, which a fine-tuned model served by the MLflow scoring script needs (azureml-examples #3144; the
 *   script hands `input_string` to the model's predict as a batch, Azure/azureml-assets
 *   assets/inference/environments/mlflow-ubuntu20.04-py39-cpu-inference/context/mlflow_score_script.py).
 *
 * Headers: `Authorization: Bearer <key>` and, to pin one deployment, `azureml-model-deployment: <name>`.
 */

export type PayloadShape = "flat" | "nested";

export interface ChatMessage {
  role: string;
  content: string;
}

export interface GenerationSettings {
  temperature: number;
  maxNewTokens: number;
  /** The `parameters` input (a JSON object): merged last, so it can set anything, temperature included. */
  parameters?: Record<string, unknown>;
}

export interface ScoringRequest {
  input_data: {
    input_string: ChatMessage[] | ChatMessage[][];
    parameters: Record<string, unknown>;
  };
}

/** A conversation as sent: its system message first (when it has one), then its messages. */
export function buildMessages(c: { system?: string; messages: readonly ChatMessage[] }): ChatMessage[] {
  const system: ChatMessage[] = c.system !== undefined ? [{ role: "system", content: c.system }] : [];
  // Copies, so that nothing done to the request body can change the case.
  return [...system, ...c.messages.map((m) => ({ role: m.role, content: m.content }))];
}

/**
 * The request body for one conversation in the given shape (default: the walkthrough's). `parameters` is
 * spread after temperature and max_new_tokens: the JSON input is the more specific one (someone who writes
 * {"temperature": 0} there means it).
 */
export function buildPayload(
  c: { system?: string; messages: readonly ChatMessage[] },
  settings: GenerationSettings,
  shape: PayloadShape = "flat",
): ScoringRequest {
  const messages = buildMessages(c);
  return {
    input_data: {
      input_string: shape === "nested" ? [messages] : messages,
      parameters: {
        temperature: settings.temperature,
        max_new_tokens: settings.maxNewTokens,
        ...(settings.parameters ?? {}),
      },
    },
  };
}

/** Header that sends a request to one deployment only, bypassing the endpoint's traffic split. */
export const DEPLOYMENT_HEADER = "azureml-model-deployment";

/**
 * Request headers. They carry the key: never log them (log `describeHeaders` instead).
 */
export function buildHeaders(apiKey: string, deployment?: string): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/json",
    Authorization: `Bearer ${apiKey}`,
  };
  if (deployment) headers[DEPLOYMENT_HEADER] = deployment;
  return headers;
}

/** The headers as they can be shown: the Authorization value replaced. */
export function describeHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, k.toLowerCase() === "authorization" ? "Bearer ***" : v]),
  );
}
