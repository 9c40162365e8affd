import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { BlockBlobClient } from "@azure/storage-blob";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";

// The default datastore moved to shared (action-finetune uploads its finetune config there too).
export { defaultDatastore, type DatastoreTarget } from "@phi3-aml/shared/azureml/datastore";
import type { DatastoreTarget } from "@phi3-aml/shared/azureml/datastore";

export interface Upload {
  local: string;
  /** Path in the container. */
  path: string;
  /** The file's MD5 when already known (prepare takes it while writing); otherwise it is read from the file. */
  md5?: Buffer;
}

/**
 * How a file goes up: in one Put Blob up to `singlePutBytes`, above that in blocks of `blockBytes`,
 * `concurrency` at a time (memory: blockBytes × concurrency). Options for the tests; the defaults suit
 * the runners.
 */
export interface UploadOptions {
  singlePutBytes?: number;
  blockBytes?: number;
  concurrency?: number;
}

const DEFAULTS = { singlePutBytes: 64 << 20, blockBytes: 8 << 20, concurrency: 4 } as const;

/** The MD5 of a file, read as a stream (the files can be larger than memory should hold). */
export async function md5OfFile(path: string): Promise<Buffer> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest();
}

/**
 * Uploads files with their content MD5 verified, skipping any already there with the same content (the
 * paths carry the data's fingerprint, so a re-run uploads nothing). Files are streamed from disk, never
 * read whole. The identity needs "Storage Blob Data Contributor"; no account key is used.
 */
export async function uploadFiles(
  target: DatastoreTarget,
  files: Upload[],
  log: Logger,
  options: UploadOptions = {},
): Promise<Array<Upload & { uploaded: boolean; bytes: number }>> {
  const o = { ...DEFAULTS, ...options };
  const done: Array<Upload & { uploaded: boolean; bytes: number }> = [];
  for (const f of files) {
    const size = (await stat(f.local)).size;
    const md5 = f.md5 ?? (await md5OfFile(f.local));
    const blob = target.container.getBlockBlobClient(f.path);
    try {
      const existing = await blob
        .getProperties()
        .catch((e: { statusCode?: number }) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
      if (existing?.contentMD5 && Buffer.from(existing.contentMD5).equals(md5)) {
        log.info(`${f.path} is already in datastore ${target.name} with the same content; not uploaded again.`);
        done.push({ ...f, uploaded: false, bytes: size });
        continue;
      }
      const blocks =
        size > o.singlePutBytes
          ? await putInBlocks(blob, f.local, size, md5, o)
          : await putWhole(blob, f.local, size, md5);
      // The service checked each request's MD5 against the bytes it received; this checks that the blob's
      // stored MD5 is the whole file's.
      const stored = (await blob.getProperties()).contentMD5;
      if (!stored || !Buffer.from(stored).equals(md5)) {
        throw new ActionError(
          `The upload of ${f.path} did not verify: its MD5 in storage (${stored ? Buffer.from(stored).toString("base64") : "none"}) is not the file's (${md5.toString("base64")}).`,
        );
      }
      log.info(
        `Uploaded ${f.path} (${size.toLocaleString("en-US")} bytes${blocks > 1 ? ` in ${blocks} blocks` : ""}) to datastore ${target.name}.`,
      );
      done.push({ ...f, uploaded: true, bytes: size });
    } catch (e) {
      if (e instanceof ActionError) throw e;
      const status = (e as { statusCode?: number }).statusCode;
      const hint =
        status === 403
          ? `The identity may not write to the workspace storage (${target.url}): give it "Storage Blob Data Contributor" on the storage account.`
          : undefined;
      throw new ActionError(`Could not upload ${f.path}: ${describeError(e)}`, hint, { cause: e });
    }
  }
  return done;
}

const headers = (md5: Buffer) => ({ blobContentType: "application/jsonl", blobContentMD5: md5 });

/** One Put Blob, the body streamed from the file (a factory, so that a retry reads it again). */
async function putWhole(blob: BlockBlobClient, local: string, size: number, md5: Buffer): Promise<number> {
  const body = () => createReadStream(local, { highWaterMark: 1 << 20 });
  await blob.upload(size === 0 ? "" : body, size, { transactionalContentMD5: md5, blobHTTPHeaders: headers(md5) });
  return 1;
}

/**
 * Put Block for each block (each with its own MD5, which the service checks), then Put Block List with
 * the whole file's MD5 as the blob's Content-MD5: the service does not compute that for a block list.
 */
async function putInBlocks(
  blob: BlockBlobClient,
  local: string,
  size: number,
  md5: Buffer,
  o: Required<UploadOptions>,
): Promise<number> {
  const count = Math.ceil(size / o.blockBytes);
  // Block ids must all have the same length.
  const ids = Array.from({ length: count }, (_, i) =>
    Buffer.from(`block-${String(i).padStart(6, "0")}`).toString("base64"),
  );
  const file = await open(local, "r");
  let failed = false;
  try {
    let next = 0;
    const stageNext = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        if (failed) return;
        const length = Math.min(o.blockBytes, size - i * o.blockBytes);
        const data = Buffer.allocUnsafe(length);
        for (let read = 0; read < length;) {
          const { bytesRead } = await file.read(data, read, length - read, i * o.blockBytes + read);
          if (bytesRead === 0) throw new Error(`${local} is shorter than ${size} bytes`);
          read += bytesRead;
        }
        await blob.stageBlock(ids[i] as string, data, length, {
          transactionalContentMD5: createHash("md5").update(data).digest(),
        });
      }
    };
    // All stagers finish (one failing stops the others at their next block) before the file is closed.
    const settled = await Promise.allSettled(
      Array.from({ length: Math.min(o.concurrency, count) }, () =>
        stageNext().catch((e: unknown) => {
          failed = true;
          throw e;
        }),
      ),
    );
    const failure = settled.find((r) => r.status === "rejected");
    if (failure) throw failure.reason;
  } finally {
    await file.close();
  }
  await blob.commitBlockList(ids, { blobHTTPHeaders: headers(md5) });
  return count;
}
