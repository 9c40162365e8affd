import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ULTRACHAT_PINNED_REVISION } from "../../emulator/src/hub.js";
import { control, runFixture, world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";
import { REPO_ROOT } from "../../test/harness/paths.js";
import { prepare } from "../src/prepare.js";

const ACTION = "action-dataset";
const FIXTURES = join(REPO_ROOT, "action-dataset", "test", "fixtures");

describe("action-dataset (bundled, as the runner runs it)", () => {
  it("prepares the walkthrough's slice of ultrachat from the Hub, uploads it and registers two data assets; a re-run reuses them", async () => {
    const w = await world();
    const inputs = { source: "hf://HuggingFaceH4/ultrachat_200k", split: "train_sft[:1%]" };
    const first = await runAction(ACTION, { env: w.env, inputs });

    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ "train-rows": "24", "validation-rows": "6", "dropped-rows": "0" });
    const fp = first.outputs.fingerprint!;
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    // The version is derived from the fingerprint, the path carries it: same data, same asset, same blob.
    expect(first.outputs["train-data"]).toMatch(
      new RegExp(`/workspaces/${w.workspace}/data/phi3-chat-train/versions/${fp.slice(0, 12)}$`),
    );
    expect(first.outputs["validation-data"]).toMatch(
      new RegExp(`/data/phi3-chat-validation/versions/${fp.slice(0, 12)}$`),
    );
    expect(first.outputs["train-uri"]).toBe(
      `azureml://datastores/workspaceblobstore/paths/phi3-chat/${fp}/train.jsonl`,
    );
    expect(first.summary).toContain("| training conversations | 24 |");
    expect(first.summary).toContain(
      `[phi3-chat-train:${fp.slice(0, 12)}](https://ml.azure.com/data/phi3-chat-train/${fp.slice(0, 12)}/details`,
    );
    expect(first.summary).toContain("Messages by role: ");

    const assets = await control<
      Array<{ id: string; properties: { dataUri: string; dataType: string; tags: Record<string, string> } }>
    >("GET", `/resources?prefix=${encodeURIComponent(first.outputs["train-data"]!)}`);
    expect(assets[0]!.properties).toMatchObject({ dataType: "uri_file", dataUri: first.outputs["train-uri"] });
    expect(assets[0]!.properties.tags).toMatchObject({
      "managed-by": "phi3-aml-actions",
      fingerprint: first.outputs.fingerprint,
      rows: "24",
      commit: expect.any(String),
    });

    const again = await runAction(ACTION, { env: w.env, inputs });
    expect(again.code).toBe(0);
    expect(again.outputs["train-data"]).toBe(first.outputs["train-data"]);
    expect(again.stdout).toContain("not uploaded again");
    expect(again.stdout).toContain("already holds this data; nothing new was created");
    const puts = (await w.armCalls()).filter((c) => c.method === "PUT");
    expect(puts.map((c) => `${c.status} ${c.path.split("/data/")[1]}`)).toEqual([
      `201 phi3-chat-train/versions/${fp.slice(0, 12)}`,
      `201 phi3-chat-validation/versions/${fp.slice(0, 12)}`,
    ]);
  });

  it("retries the Hub when it answers 429, and names an unknown dataset plainly", async () => {
    const w = await world();
    // At a pinned revision no other suite asks for: the fault meets this run's requests only.
    const { id } = await control<{ id: number }>("POST", "/faults", {
      service: "hub",
      path: `/tree/${ULTRACHAT_PINNED_REVISION}$`,
      kind: "status",
      status: 429,
      retryAfter: 0,
      count: 2,
    });
    const ok = await runAction(ACTION, {
      env: w.env,
      inputs: {
        source: "hf://HuggingFaceH4/ultrachat_200k",
        revision: ULTRACHAT_PINNED_REVISION,
        split: "test_sft[:10%]",
        upload: "false",
      },
    });
    await control("DELETE", `/faults/${id}`);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("The Hugging Face Hub answered 429; trying again");
    expect(ok.outputs["train-rows"]).toBe("24");

    const missing = await runAction(ACTION, {
      env: w.env,
      inputs: { source: "hf://nobody/no-such-dataset", upload: "false" },
    });
    expect(missing.code).toBe(1);
    expect(missing.annotations.find((a) => a.level === "error")!.message).toContain(
      "The Hugging Face dataset nobody/no-such-dataset at revision main was not found (404)",
    );
  });

  it("annotates every bad record with its file and line, drops it, and needs no Azure settings with upload: false", async () => {
    const run = await runAction(ACTION, {
      env: {},
      cwd: FIXTURES,
      keepFiles: true,
      inputs: {
        source: "chats-with-problems.jsonl",
        upload: "false",
        "validation-split": "0.25",
        "max-invalid-ratio": "0.5",
      },
    });

    expect(run.code).toBe(0);
    const warnings = run.annotations.filter((a) => a.level === "warning").map((a) => `${a.file}:${a.line} ${a.title}`);
    expect(warnings).toEqual([
      "chats-with-problems.jsonl:2 Dataset: bad_order",
      "chats-with-problems.jsonl:4 Dataset: not_json",
      "chats-with-problems.jsonl:7 Dataset: empty_content",
    ]);
    expect(run.outputs).toMatchObject({ "train-rows": "4", "validation-rows": "2", "dropped-rows": "4" });
    expect(run.summary).toContain("| duplicate conversation | 1 |");
    const lines = readFileSync(run.outputs["train-file"]!, "utf8").trim().split("\n");
    expect(lines.every((l) => Object.keys(JSON.parse(l)).join() === "messages")).toBe(true);
  });

  it("gives the same bytes and fingerprint for the same input and seed, and others for another seed", async () => {
    const go = (seed: string) =>
      runAction(ACTION, {
        env: {},
        cwd: FIXTURES,
        keepFiles: true,
        inputs: { source: "chats-with-problems.jsonl", upload: "false", seed, "max-invalid-ratio": "0.5" },
      });
    const [a, b, c] = await Promise.all([go("42"), go("42"), go("7")]);
    expect(a.outputs.fingerprint).toBe(b.outputs.fingerprint);
    expect(readFileSync(a.outputs["train-file"]!, "utf8")).toBe(readFileSync(b.outputs["train-file"]!, "utf8"));
    expect(c.outputs.fingerprint).not.toBe(a.outputs.fingerprint);
  });

  it("fails with on-invalid: fail, the bad records as errors on their lines", async () => {
    const run = await runAction(ACTION, {
      env: {},
      cwd: FIXTURES,
      inputs: { source: "chats-with-problems.jsonl", upload: "false", "on-invalid": "fail" },
    });
    expect(run.code).toBe(1);
    expect(run.annotations.filter((a) => a.level === "error" && a.file).map((a) => a.line)).toEqual([2, 4, 7]);
    expect(run.summary).toContain("Chat dataset rejected");
  });

  it("counts tokens on a worker thread for a large input and hashes the outputs on another, with the same bytes, fingerprint and MD5 as in-thread", async () => {
    // 17 MB of distinct conversations, above the size from which the bundle starts its token-counting worker.
    const dir = mkdtempSync(join(tmpdir(), "dataset-large-"));
    try {
      const sample = readFileSync(join(FIXTURES, "chat-sample.jsonl"), "utf8").trim().split("\n");
      const lines: string[] = [];
      for (let copy = 0, bytes = 0; bytes < 17 * 1024 * 1024; copy++) {
        for (const line of sample) {
          const record = JSON.parse(line) as { messages: Array<{ role: string; content: string }> };
          for (const m of record.messages) m.content += ` (copy ${copy})`;
          lines.push(JSON.stringify(record));
          bytes += lines[lines.length - 1]!.length + 1;
        }
      }
      writeFileSync(join(dir, "large.jsonl"), lines.join("\n") + "\n");

      const run = await runAction(ACTION, {
        env: {},
        cwd: dir,
        keepFiles: true,
        inputs: { source: "large.jsonl", upload: "false" },
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Tokens were counted on a worker thread.");
      const inThread = await prepare({ files: join(dir, "large.jsonl"), outputDir: join(dir, "in-thread") });
      if (!inThread.ok) throw new Error(inThread.message);
      expect(run.outputs.fingerprint).toBe(inThread.fingerprint);
      expect(createHash("sha256").update(readFileSync(run.outputs["train-file"]!)).digest("hex")).toBe(
        inThread.trainSha256,
      );
      expect(run.outputs["train-rows"]).toBe(String(inThread.trainRows));
      expect(run.summary).toContain(
        `| ${inThread.tokens.p50.toLocaleString("en-US")} | ${inThread.tokens.p90.toLocaleString("en-US")} |`,
      );

      // Uploaded: the MD5 the hashing thread took is the one the upload sends and checks against the blob's.
      const w = await world();
      const uploaded = await runAction(ACTION, { env: w.env, cwd: dir, inputs: { source: "large.jsonl" } });
      expect(uploaded.code).toBe(0);
      expect(uploaded.outputs.fingerprint).toBe(inThread.fingerprint);
      expect(uploaded.outputs["train-uri"]).toContain(inThread.fingerprint);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uploads a large file to the datastore in blocks, each checked by MD5, and the blob's MD5 is the file's", async () => {
    const w = await world();
    const result = await runFixture<{
      uploaded: boolean;
      uploadedAgain: boolean;
      blocks: number;
      sameBytes: boolean;
      storedMD5: string;
      fileMD5: string;
    }>("action-dataset/test/fixtures/upload-blocks.ts", w.env);
    expect(result).toMatchObject({ uploaded: true, uploadedAgain: false, blocks: 7, sameBytes: true });
    expect(result.storedMD5).toBe(result.fileMD5);
  });

  it("reports every bad input together before anything runs", async () => {
    const w = await world();
    const run = await runAction(ACTION, {
      env: w.env,
      cwd: FIXTURES,
      inputs: {
        source: "missing.jsonl",
        split: "train[:abc]",
        "validation-split": "1.5",
        "on-too-long": "truncate",
        name: "bad name!",
      },
    });
    expect(run.code).toBe(1);
    expect(
      run.annotations
        .filter((a) => a.title?.startsWith("Input "))
        .map((a) => a.title)
        .sort(),
    ).toEqual(["Input name", "Input on-too-long", "Input source", "Input split", "Input validation-split"]);
    expect(run.annotations.find((a) => a.title === "Input source")!.message).toContain("does not exist");
    expect(await w.idTokensIssued()).toBe(0);
    expect(await w.armCalls()).toEqual([]);
  });
});
