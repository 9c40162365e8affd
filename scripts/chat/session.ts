// The pieces of `npm run chat` that are not the terminal: arguments, login and the endpoint's key, and one
// conversation over the shared scoring client (shared/src/scoring/). The key is read with listKeys and kept in
// memory only: never printed, never written, and removed from every message the scoring client gives.
import type { AzureSettings } from "../../shared/src/azure-inputs.js";
import { readAzureInputs } from "../../shared/src/azure-inputs.js";
import { connect, type Session } from "../../shared/src/azureml/session.js";
import { Inputs } from "../../shared/src/inputs.js";
import type { Logger } from "../../shared/src/log.js";
import { scoringClient, type ScoringClient } from "../../shared/src/scoring/client.js";
import type { ChatMessage } from "../../shared/src/scoring/payload.js";
import { redactSecrets } from "../../shared/src/scoring/text.js";

export interface ChatArgs {
  endpoint: string;
  deployment?: string;
  system?: string;
  temperature: number;
  maxNewTokens: number;
}

export const USAGE =
  'npm run chat -- --endpoint NAME [--deployment D] [--system "…"] [--temperature 0.7] [--max-new-tokens 512]';

/** The command line: --endpoint (required), --deployment, --system, --temperature, --max-new-tokens. */
export function parseArgs(argv: readonly string[]): ChatArgs | { problem: string } {
  const known = ["endpoint", "deployment", "system", "temperature", "max-new-tokens"];
  const values: Record<string, string> = {};
  for (let k = 0; k < argv.length; k++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[k]!);
    if (!m || !known.includes(m[1]!)) return { problem: `unknown argument ${argv[k]}` };
    const value = m[2] ?? argv[++k];
    if (value === undefined) return { problem: `--${m[1]} needs a value` };
    values[m[1]!] = value;
  }
  if (!values.endpoint) return { problem: "--endpoint is required" };
  const temperature = Number(values.temperature ?? "0.7");
  const maxNewTokens = Number(values["max-new-tokens"] ?? "512");
  if (!Number.isFinite(temperature) || temperature < 0 || temperature > 2)
    return { problem: `--temperature ${values.temperature} is not a number from 0 to 2` };
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1 || maxNewTokens > 8192)
    return { problem: `--max-new-tokens ${values["max-new-tokens"]} is not a whole number from 1 to 8192` };
  return { endpoint: values.endpoint, deployment: values.deployment, system: values.system, temperature, maxNewTokens };
}

/**
 * The workspace from the environment, as the actions read it when an input is empty (AZURE_SUBSCRIPTION_ID,
 * AZUREML_RESOURCE_GROUP, AZUREML_WORKSPACE; AZURE_CLIENT_ID/AZURE_TENANT_ID only for a GitHub OIDC login;
 * AZURE_AUTHORITY_HOST / AZURE_RESOURCE_MANAGER_ENDPOINT for the local emulator).
 */
export function azureSettings(env: NodeJS.ProcessEnv): AzureSettings | { problem: string } {
  const i = new Inputs(() => "");
  const settings = readAzureInputs(i, env);
  const problems = i.problems.map((p) => `${p.input}: ${p.message}`);
  return problems.length ? { problem: problems.join("; ") } : settings;
}

export interface Chat {
  /** Sends one user turn with the whole conversation so far; the answer joins the history. */
  ask(text: string): Promise<{ ok: true; answer: string; latencyMs: number } | { ok: false; message: string }>;
  readonly history: readonly ChatMessage[];
  /** Forgets the turns so far (the system message stays). */
  reset(): void;
}

/** Logs in, reads the endpoint (its scoring URI) and its key, and opens a conversation. */
export async function openChat(settings: AzureSettings, args: ChatArgs, log: Logger): Promise<Chat> {
  const s: Session = await connect(settings, "phi3-chat/0.1.0", log);
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const endpoint = await s.client.onlineEndpoints.get(rg, ws, args.endpoint);
  const scoringUri = endpoint.properties.scoringUri;
  if (!scoringUri)
    throw new Error(`Endpoint ${args.endpoint} has no scoring URI yet (${endpoint.properties.provisioningState}).`);
  const keys = await s.client.onlineEndpoints.listKeys(rg, ws, args.endpoint);
  const key = keys.primaryKey ?? keys.secondaryKey;
  if (!key) throw new Error(`Endpoint ${args.endpoint} gave no key (is it aml_token or aad_token auth?).`);
  const client = scoringClient({
    scoringUri,
    key,
    deployment: args.deployment,
    settings: { temperature: args.temperature, maxNewTokens: args.maxNewTokens },
  });
  return conversation(client, args.system, [key]);
}

/** A conversation over a scoring client: the turns so far are sent with each question. */
function conversation(client: ScoringClient, system: string | undefined, secrets: readonly string[]): Chat {
  const history: ChatMessage[] = [];
  return {
    history,
    reset: () => void history.splice(0),
    async ask(text) {
      const messages = [...history, { role: "user", content: text }];
      const t0 = performance.now();
      const verdict = await client.score({ system, messages });
      if (!verdict.ok) return { ok: false, message: redactSecrets(verdict.message, secrets) };
      history.push({ role: "user", content: text }, { role: "assistant", content: verdict.answer });
      return {
        ok: true,
        answer: redactSecrets(verdict.answer, secrets),
        latencyMs: Math.round(performance.now() - t0),
      };
    },
  };
}
