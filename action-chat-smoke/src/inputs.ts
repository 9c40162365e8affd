import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { checkPathInput } from "@phi3-aml/shared/paths";
import { readAzureInputs, type AzureSettings } from "@phi3-aml/shared/azure-inputs";
import { forkNote, forkOf } from "@phi3-aml/shared/login/github-token";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { checkName, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";
import { classifyPromptsInput, mayHoldRegex, parsePrompts, type ChatCase } from "./cases.js";
import type { CommentWhen } from "@phi3-aml/shared/pr-comment";

export interface ChatSmokeInputs {
  target: { endpoint: string } | { scoringUri: string; apiKey: string } | undefined;
  deployment?: string;
  prompts: string;
  /** The cases, parsed and checked (every problem is an input problem, annotated on its line). */
  cases: ChatCase[];
  temperature: number;
  maxNewTokens: number;
  parameters: Record<string, unknown>;
  timeoutSeconds: number;
  retries: number;
  concurrency: number;
  maxLatencyMs?: number;
  /** Most cases in the prompts (default 200): a larger set is refused before any request. */
  maxCases: number;
  /** The whole run's time budget: cases not finished by then are not sent, or cut off (default 30). */
  timeoutMinutes: number;
  comment: CommentWhen;
  githubToken?: string;
  /** Only when the endpoint is named (its key is read through Azure ML). */
  azure?: AzureSettings;
}

/** Why no endpoint was given: on a fork's pull request, because GitHub passed no variables (vars.* are empty). */
function missingTarget(): string {
  const fork = forkOf();
  if (!fork) return "is missing: give endpoint, or scoring-uri with api-key";
  return `is empty. ${forkNote(fork)} A variable such as vars.AZUREML_ENDPOINT is empty here even when it is set; skip this job for forks (if: github.event.pull_request.head.repo.full_name == github.repository)`;
}

/** Files named in inputs are relative to the repository (GITHUB_WORKSPACE), as the runner checks it out. */
const inWorkspace = (p: string) => (isAbsolute(p) ? p : join(process.env.GITHUB_WORKSPACE || process.cwd(), p));
const isFile = (p: string) => existsSync(inWorkspace(p)) && statSync(inWorkspace(p)).isFile();

/** Every input of the chat smoke test, and the cases, checked before any request (defaults equal action.yml's). */
export async function readInputs(i: Inputs): Promise<ChatSmokeInputs> {
  const endpoint = i.string("endpoint");
  const scoringUri = i.string("scoring-uri", { pattern: /^https:\/\//, rule: "an https:// URL" });
  const apiKey = i.string("api-key");
  if (endpoint && scoringUri)
    i.problem(
      "scoring-uri",
      scoringUri,
      "is given with endpoint: give endpoint (the key is read through Azure ML) or scoring-uri with api-key, not both",
    );
  if (!endpoint && !scoringUri) i.problem("endpoint", "", missingTarget());
  if (scoringUri && !apiKey) i.problem("api-key", "", "is required with scoring-uri");
  if (endpoint && checkName(ONLINE_ENDPOINT, endpoint))
    i.problem("endpoint", endpoint, `is not a valid ${ONLINE_ENDPOINT.what}: ${ONLINE_ENDPOINT.rule}`);
  const deployment = i.string("deployment");
  if (deployment && checkName(ONLINE_DEPLOYMENT, deployment))
    i.problem("deployment", deployment, `is not a valid ${ONLINE_DEPLOYMENT.what}: ${ONLINE_DEPLOYMENT.rule}`);

  const prompts = i.raw("prompts");
  const cases = await readCases(i, prompts);
  const maxCases = i.int("max-cases", { default: 200, min: 1, max: 10_000 }) ?? 200;
  if (cases.length > maxCases)
    i.problem(
      "max-cases",
      String(maxCases),
      `is less than the ${cases.length} cases in prompts: nothing was sent. Send fewer cases, or raise max-cases (at most 10000) knowing each case is at least one scoring request`,
    );

  return {
    target: endpoint ? { endpoint } : scoringUri && apiKey ? { scoringUri, apiKey } : undefined,
    deployment,
    prompts,
    cases,
    temperature: i.float("temperature", { default: 0.7, min: 0, max: 2 }) ?? 0.7,
    maxNewTokens: i.int("max-new-tokens", { default: 128, min: 1, max: 4096 }) ?? 128,
    parameters: i.jsonObject<Record<string, unknown>>("parameters", { values: "any", example: '{"top_p": 0.9}' }),
    timeoutSeconds: i.duration("timeout-seconds", { default: 90, min: 1, max: 600 }) ?? 90,
    retries: i.int("retries", { default: 3, min: 0, max: 10 }) ?? 3,
    concurrency: i.int("concurrency", { default: 2, min: 1, max: 32 }) ?? 2,
    maxLatencyMs: i.int("max-latency-ms", { min: 1 }),
    maxCases,
    timeoutMinutes: i.float("timeout-minutes", { default: 30, min: 0.1, max: 360 }) ?? 30,
    comment: i.enum("comment", ["auto", "always", "never"] as const, { default: "auto" }) ?? "auto",
    githubToken: i.string("github-token"),
    azure: endpoint ? readAzureInputs(i) : undefined,
  };
}

/**
 * The prompts input: a file in the repository (shared/src/paths.ts rules) or inline prompts, parsed. The regex
 * engine is loaded only for a file that may hold a regex expectation (it is most of the input check's code).
 */
async function readCases(i: Inputs, prompts: string): Promise<ChatCase[]> {
  if (!prompts) {
    i.problem("prompts", "", "is required: a JSONL file of cases, or one prompt per line");
    return [];
  }
  const source = classifyPromptsInput(prompts, isFile);
  if (source.kind === "missing-file") {
    i.problem("prompts", source.path, `${source.message}`);
    return [];
  }
  const file = source.kind === "file" ? checkPathInput(i, "prompts", source.path, "read") : undefined;
  if (source.kind === "file" && !file) return [];
  const text = file ? readFileSync(file, "utf8") : undefined;
  const readRegex = text !== undefined && mayHoldRegex(text) ? (await import("./expect.js")).parseRegex : undefined;
  const parsed = parsePrompts(source, text, readRegex);
  for (const p of parsed.problems)
    i.problem(
      "prompts",
      "",
      `${p.file ? `${p.file}:` : "line "}${p.line}: ${p.message}`,
      p.file ? { file: p.file, line: p.line } : undefined,
    );
  return parsed.cases;
}
