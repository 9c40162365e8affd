import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import type { ContainerClient } from "@azure/storage-blob";
import type { Logger } from "@phi3-aml/shared/log";
import { md5OfFile, uploadFiles } from "../src/upload.js";
import type { DatastoreTarget } from "../src/upload.js";
import { scratch } from "./helpers.js";
import type { Scratch } from "./helpers.js";

let tmp: Scratch;
beforeAll(() => {
  tmp = scratch();
});
afterAll(() => tmp.remove());

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest();

/** What Azure Blob Storage does with the four calls the upload makes, as far as integrity goes. */
class FakeBlob {
  content?: Buffer;
  contentMD5?: Buffer;
  staged = new Map<string, Buffer>();
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly service: { dropBlobMD5OnCommit?: boolean }) {}

  async getProperties() {
    if (!this.content) throw Object.assign(new Error("BlobNotFound"), { statusCode: 404 });
    return { contentMD5: this.contentMD5 };
  }

  async upload(
    body: string | (() => Readable),
    size: number,
    o: { transactionalContentMD5: Uint8Array; blobHTTPHeaders: { blobContentMD5?: Uint8Array } },
  ) {
    const chunks: Buffer[] = [];
    if (typeof body === "function") for await (const c of body()) chunks.push(c as Buffer);
    const data = Buffer.concat(chunks);
    this.calls.push(`put ${data.length}`);
    // The service answers 400 Md5Mismatch when the bytes it received do not have the MD5 sent with them.
    if (data.length !== size || !md5(data).equals(Buffer.from(o.transactionalContentMD5)))
      throw Object.assign(new Error("Md5Mismatch"), { statusCode: 400 });
    this.content = data;
    this.contentMD5 = o.blobHTTPHeaders.blobContentMD5 ? Buffer.from(o.blobHTTPHeaders.blobContentMD5) : md5(data);
  }

  async stageBlock(id: string, data: Buffer, length: number, o: { transactionalContentMD5: Uint8Array }) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 1));
    this.inFlight--;
    this.calls.push(`block ${Buffer.from(id, "base64").toString()} ${length}`);
    if (data.length !== length || !md5(data).equals(Buffer.from(o.transactionalContentMD5)))
      throw Object.assign(new Error("Md5Mismatch"), { statusCode: 400 });
    this.staged.set(id, Buffer.from(data));
  }

  async commitBlockList(ids: string[], o: { blobHTTPHeaders: { blobContentMD5?: Uint8Array } }) {
    this.calls.push(`commit ${ids.length}`);
    this.content = Buffer.concat(ids.map((id) => this.staged.get(id)!));
    // For a block list the service stores the Content-MD5 it is given and computes none.
    this.contentMD5 =
      o.blobHTTPHeaders.blobContentMD5 && !this.service.dropBlobMD5OnCommit
        ? Buffer.from(o.blobHTTPHeaders.blobContentMD5)
        : undefined;
  }
}

function fakeTarget(service: { dropBlobMD5OnCommit?: boolean } = {}) {
  const blobs = new Map<string, FakeBlob>();
  const container = {
    getBlockBlobClient(path: string) {
      if (!blobs.has(path)) blobs.set(path, new FakeBlob(service));
      return blobs.get(path)!;
    },
  } as unknown as ContainerClient;
  const target: DatastoreTarget = {
    name: "workspaceblobstore",
    url: "https://fake",
    container,
    uri: (p) => `azureml://datastores/workspaceblobstore/paths/${p}`,
  };
  return { target, blobs };
}

const lines: string[] = [];
const log = {
  info: (m: string) => lines.push(m),
  debug() {},
  notice() {},
  warning() {},
  error() {},
  group: (_t: string, fn: () => Promise<unknown>) => fn(),
  child: () => log,
} as unknown as Logger;

/** Deterministic, not repetitive content, so that a misplaced block changes the MD5. */
function content(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

describe("the upload", () => {
  it("computes a file's MD5 by streaming it", async () => {
    const data = content(3 << 20);
    expect((await md5OfFile(tmp.file("big.bin", data))).equals(md5(data))).toBe(true);
  });

  it("puts a small file in one request carrying its MD5, and checks the stored MD5", async () => {
    const { target, blobs } = fakeTarget();
    const local = tmp.file("small.jsonl", content(5000));
    const done = await uploadFiles(target, [{ local, path: "phi3-chat/fp/train.jsonl" }], log);
    expect(done).toEqual([{ local, path: "phi3-chat/fp/train.jsonl", uploaded: true, bytes: 5000 }]);
    const blob = blobs.get("phi3-chat/fp/train.jsonl")!;
    expect(blob.calls).toEqual(["put 5000"]);
    expect(blob.content!.equals(readFileSync(local))).toBe(true);
    expect(blob.contentMD5!.equals(md5(readFileSync(local)))).toBe(true);
  });

  it("puts a large file in blocks, each with its MD5, a few at a time, and commits them with the file's MD5", async () => {
    const { target, blobs } = fakeTarget();
    const local = tmp.file("large.jsonl", content(2500));
    const [done] = await uploadFiles(target, [{ local, path: "large.jsonl" }], log, {
      singlePutBytes: 1000,
      blockBytes: 300,
      concurrency: 3,
    });
    expect(done).toMatchObject({ uploaded: true, bytes: 2500 });
    const blob = blobs.get("large.jsonl")!;
    expect(blob.calls.filter((c) => c.startsWith("block")).sort()).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `block block-00000${i} 300`),
      "block block-000008 100",
    ]);
    expect(blob.calls.at(-1)).toBe("commit 9");
    expect(blob.maxInFlight).toBeLessThanOrEqual(3);
    expect(blob.maxInFlight).toBeGreaterThan(1);
    expect(blob.content!.equals(readFileSync(local))).toBe(true);
    expect(blob.contentMD5!.equals(md5(readFileSync(local)))).toBe(true);
    expect(lines.at(-1)).toContain("in 9 blocks");
  });

  it("uploads nothing when the blob is there with the same MD5", async () => {
    const { target, blobs } = fakeTarget();
    const local = tmp.file("again.jsonl", content(100));
    await uploadFiles(target, [{ local, path: "again.jsonl" }], log);
    const [again] = await uploadFiles(target, [{ local, path: "again.jsonl" }], log);
    expect(again).toMatchObject({ uploaded: false, bytes: 100 });
    expect(blobs.get("again.jsonl")!.calls).toEqual(["put 100"]);
    expect(lines.at(-1)).toContain("not uploaded again");
  });

  it("fails when the stored MD5 is not the file's", async () => {
    const { target } = fakeTarget({ dropBlobMD5OnCommit: true });
    const local = tmp.file("unverified.jsonl", content(2000));
    await expect(
      uploadFiles(target, [{ local, path: "unverified.jsonl" }], log, { singlePutBytes: 1000, blockBytes: 512 }),
    ).rejects.toThrow(/did not verify: its MD5 in storage \(none\)/);
  });
});
