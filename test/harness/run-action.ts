import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.js";

interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  file?: string;
  line?: number;
  title?: string;
}

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  annotations: Annotation[];
  /** stdout without the ::add-mask:: lines (what a reader of the log sees, masking aside). */
  visibleLog: string;
}

export interface RunOptions {
  inputs?: Record<string, string>;
  /** Environment of the step (the emulator's, from world().env, plus any extra). */
  env: Record<string, string>;
  /** Run the post step (dist/post/index.js) instead of main, with the state main saved. */
  post?: { state: Record<string, string> };
  /** Drop the OIDC variables, as in a job without `permissions: id-token: write`. */
  noIdToken?: boolean;
  /**
   * Send this signal after the given time, as the runner does on cancellation: counted from the start, or
   * from the moment the step's output first matches `afterStdout` (a point in the step, whatever the machine's speed).
   */
  signal?: { name: NodeJS.Signals; afterMs: number; afterStdout?: RegExp };
  /**
   * Cancel as the runner does (SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that) once the step's
   * output contains `when`.
   */
  cancelWhen?: string;
  timeoutMs?: number;
  cwd?: string;
  /** Keep the step's temporary folder (RUNNER_TEMP, the workspace) for a test to read files the step wrote. */
  keepFiles?: boolean;
}

/** File commands (GITHUB_OUTPUT, GITHUB_STATE): name<<DELIMITER … DELIMITER, or name=value. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i]!);
      out[name!] = value.join("\n");
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

function parseAnnotations(stdout: string): Annotation[] {
  const unescape = (s: string) =>
    s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
  const found: Annotation[] = [];
  for (const m of stdout.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)) {
    const props = Object.fromEntries(
      (m[2] ?? "")
        .split(",")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), unescape(kv.slice(kv.indexOf("=") + 1))]),
    );
    found.push({
      level: m[1] as Annotation["level"],
      message: unescape(m[3]!),
      file: props.file,
      line: props.line ? Number(props.line) : undefined,
      title: props.title,
    });
  }
  return found;
}

/**
 * Runs an action's bundled dist/index.js as a child process, the way the GitHub runner does: inputs as
 * INPUT_<NAME>, file commands in GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE, the job's OIDC
 * variables, GITHUB_* context. Nothing of ours is mocked.
 */
export async function runAction(action: string, o: RunOptions): Promise<ActionRun> {
  const tmp = mkdtempSync(join(tmpdir(), "phi3-step-"));
  const files = {
    output: join(tmp, "output"),
    summary: join(tmp, "summary.md"),
    state: join(tmp, "state"),
    env: join(tmp, "env"),
  };
  for (const f of Object.values(files)) writeFileSync(f, "");
  const workspace = o.cwd ?? join(tmp, "workspace");
  mkdirSync(workspace, { recursive: true });
  const runnerTemp = join(tmp, "runner-temp");
  mkdirSync(runnerTemp, { recursive: true });

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? tmp,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: "octo-org/phi3-demo",
    GITHUB_REPOSITORY_OWNER: "octo-org",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: "https://api.github.com",
    GITHUB_RUN_ID: "4242",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_REF: "refs/heads/main",
    GITHUB_EVENT_NAME: "push",
    GITHUB_WORKFLOW: "finetune",
    GITHUB_JOB: "test",
    GITHUB_ACTION: "__self",
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: "Linux",
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    ...o.env,
  };
  if (o.noIdToken) {
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL;
    delete env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  }
  for (const [k, v] of Object.entries(o.inputs ?? {})) env[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
  for (const [k, v] of Object.entries(o.post?.state ?? {})) env[`STATE_${k}`] = v;

  const entry = join(REPO_ROOT, action, "dist", o.post ? "post/index.js" : "index.js");
  const child = spawn(process.execPath, [entry], { cwd: workspace, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const timers: NodeJS.Timeout[] = [];
  const sendSignal = (s: { name: NodeJS.Signals; afterMs: number }) =>
    timers.push(setTimeout(() => child.kill(s.name), s.afterMs));
  let signalArmed = false;
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (o.signal?.afterStdout && !signalArmed && o.signal.afterStdout.test(stdout)) {
      signalArmed = true;
      sendSignal(o.signal);
    }
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  if (o.signal && !o.signal.afterStdout) sendSignal(o.signal);
  let cancelled = false;
  if (o.cancelWhen)
    child.stdout.on("data", () => {
      if (cancelled || !stdout.includes(o.cancelWhen!)) return;
      cancelled = true;
      child.kill("SIGINT");
      timers.push(setTimeout(() => child.kill("SIGTERM"), 7_500));
      timers.push(setTimeout(() => child.kill("SIGKILL"), 10_000));
    });
  timers.push(setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 90_000));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.once("close", (c, s) => r([c, s])),
  );
  timers.forEach(clearTimeout);

  const result: ActionRun = {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommands(readFileSync(files.output, "utf8")),
    summary: readFileSync(files.summary, "utf8"),
    state: parseFileCommands(readFileSync(files.state, "utf8")),
    annotations: parseAnnotations(stdout),
    visibleLog:
      stdout
        .split("\n")
        .filter((l) => !l.startsWith("::add-mask::"))
        .join("\n") + stderr,
  };
  if (!o.keepFiles) rmSync(tmp, { recursive: true, force: true });
  return result;
}

/** Every place a secret could leak from a step: the log (masking aside), outputs, summary, state. */
export function leaks(run: ActionRun, secrets: string[]): string[] {
  const places: Record<string, string> = {
    log: run.visibleLog,
    outputs: JSON.stringify(run.outputs),
    summary: run.summary,
    state: JSON.stringify(run.state),
  };
  const found: string[] = [];
  for (const s of secrets.filter((x) => x.length >= 8)) {
    for (const [where, text] of Object.entries(places))
      if (text.includes(s)) found.push(`${where} contains ${s.slice(0, 6)}…`);
  }
  return found;
}

/**
 * An endpoint key holding every Markdown-special character between two random halves, and the forms it must
 * appear in nowhere: each half, the key, and the key as JSON escapes it.
 */
export function markdownKey(): { head: string; tail: string; key: string; forms: string[] } {
  const [head, tail] = [randomBytes(9).toString("hex"), randomBytes(9).toString("hex")];
  const key = `${head}\\\`*_{}[]()#+-.!|<>~${tail}`;
  return { head, tail, key, forms: [head, tail, key, JSON.stringify(key).slice(1, -1)] };
}

/**
 * After a model echoed a `markdownKey()` as "Your header was Bearer <key>": the key is replaced in the pull-request
 * comment, the summary and the results file (escaped for Markdown where it is Markdown), and in no form anywhere.
 */
export function expectEchoedKeyRedacted(run: ActionRun, comment: string, forms: string[]): void {
  expect(comment).toContain("Your header was Bearer \\*\\*\\*");
  expect(run.summary).toContain("Your header was Bearer \\*\\*\\*");
  const results = readFileSync(run.outputs["results-file"]!, "utf8");
  expect(results).toContain("Your header was Bearer ***");
  expect(leaks(run, forms)).toEqual([]);
  for (const f of forms) for (const text of [comment, results]) expect(text).not.toContain(f);
}
