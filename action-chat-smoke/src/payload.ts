/**
 * The scoring request the managed online endpoint expects for the Phi-3 chat models (contract §8.3):
 * `{"input_data": {"input_string": [messages], "parameters": {...}}}` with `Authorization: Bearer <key>`
 * and, to pin one deployment, `azureml-model-deployment: <name>`.
 */
import type { ChatCase, ChatMessage } from "./cases.js";

export interface GenerationSettings {
  temperature: number;
  maxNewTokens: number;
  /** The `parameters` input (a JSON object): merged last, so it can set anything, temperature included. */
  parameters?: Record<string, unknown>;
}

export interface ScoringRequest {
  input_data: {
    input_string: ChatMessage[];
    parameters: Record<string, unknown>;
  };
}

/** The case's conversation as sent: its system message first (when it has one), then its messages. */
export function buildMessages(c: Pick<ChatCase, "system" | "messages">): ChatMessage[] {
  const system: ChatMessage[] = c.system !== undefined ? [{ role: "system", content: c.system }] : [];
  // Copies, so that nothing done to the request body can change the case.
  return [...system, ...c.messages.map((m) => ({ role: m.role, content: m.content }))];
}

/**
 * The request body for one case. `parameters` is spread after temperature and max_new_tokens: the JSON
 * input is the more specific one (someone who writes {"temperature": 0} there means it).
 */
export function buildPayload(c: Pick<ChatCase, "system" | "messages">, settings: GenerationSettings): ScoringRequest {
  return {
    input_data: {
      input_string: buildMessages(c),
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
