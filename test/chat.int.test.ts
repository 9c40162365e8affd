import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { control, exchanges, world } from "./harness/emulator.js";
import { REPO_ROOT } from "./harness/paths.js";

/** Runs `npm run chat`'s script as a person would, typing `lines` on stdin; resolves with what it printed. */
function chat(args: string[], env: Record<string, string>, lines: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/chat.ts", ...args], {
      cwd: REPO_ROOT,
      // The environment `npm run emulator` prints (its recipe): the emulator's, with GITHUB_ACTIONS=true.
      env: { PATH: process.env.PATH, GITHUB_ACTIONS: "true", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(lines.map((l) => `${l}\n`).join(""));
  });
}

describe("npm run chat (against the emulator, driven through stdin)", () => {
  it("answers each question with its latency, keeps the conversation's turns, and never prints the key", async () => {
    const w = await world();
    const name = `chat-${randomUUID().slice(0, 8)}`;
    const { keys } = await control<{ keys: { primaryKey: string; secondaryKey: string } }>("POST", "/endpoints", {
      workspace: w.workspace,
      name,
      deployments: [{ name: "blue", traffic: 100 }],
    });
    const run = await chat(["--endpoint", name, "--system", "You answer briefly."], w.env, [
      "What is the capital of France?",
      "And of Italy?",
      "/history",
      "/exit",
    ]);

    expect(`${run.code} ${run.stderr}`).toMatch(/^0 /);
    expect(run.stderr).not.toMatch(/error/i);
    const answers = run.stdout.split("\n").filter((l) => l.startsWith("phi3> "));
    expect(answers).toHaveLength(2);
    expect(answers.every((a) => a.length > "phi3> ".length)).toBe(true);
    expect(run.stdout).toMatch(/\(\d+\.\d\d s, turn 1\)/);
    expect(run.stdout).toMatch(/\(\d+\.\d\d s, turn 2\)/);
    // The history holds both turns, in order, with the model's answers.
    expect(run.stdout).toMatch(
      /user: What is the capital of France\?\n\s+assistant: .+\n\s+user: And of Italy\?\n\s+assistant: /,
    );
    expect(run.stdout).toContain("(2 turns)");
    // The second question went with the first turn (the scoring stand-in saw it as the last user message).
    const scored = await control<Array<{ endpoint: string; prompt?: string; status: number }>>(
      "GET",
      `/scoring/requests?endpoint=${name}`,
    );
    expect(scored.map((r) => [r.prompt, r.status])).toEqual([
      ["What is the capital of France?", 200],
      ["And of Italy?", 200],
    ]);
    // The key came from listKeys and was never printed.
    const listed = (await exchanges({ service: "arm", path: `/onlineEndpoints/${name}/listKeys` })).filter((x) =>
      x.path.includes(w.workspace),
    );
    expect(listed).toHaveLength(1);
    for (const key of [keys.primaryKey, keys.secondaryKey]) {
      expect(run.stdout).not.toContain(key);
      expect(run.stderr).not.toContain(key);
    }
  });

  it("refuses a missing --endpoint with its usage, before any call", async () => {
    const w = await world();
    const run = await chat([], w.env, []);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--endpoint is required");
    expect(run.stderr).toContain("npm run chat -- --endpoint NAME");
    expect(await w.armCalls()).toEqual([]);
  });
});
