import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { request } from "node:https";
import { dirname, join } from "node:path";
import type { TlsMaterial } from "./tls.js";

export interface Azurite {
  /** https://127.0.0.1:<port>/devstoreaccount1 */
  blobUrl: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real Azurite blob server (a child process) over HTTPS with OAuth: it accepts the access
 * tokens our Entra issues (iss https://sts.windows.net/..., aud https://storage.azure.com). In memory.
 */
export async function startAzurite(tls: TlsMaterial, log: (line: string) => void = () => {}): Promise<Azurite> {
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
  const port = await freePort();
  const args = [
    main,
    "--blobHost",
    "127.0.0.1",
    "--blobPort",
    String(port),
    "--cert",
    tls.certFile,
    "--key",
    tls.keyFile,
    "--oauth",
    "basic",
    "--inMemoryPersistence",
    // @azure/storage-blob sends a newer service version than Azurite knows (toolchain-notes §1).
    "--skipApiVersionCheck",
    "--disableTelemetry",
    "--silent",
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => log(`azurite: ${d.toString().trim()}`));
  child.stderr?.on("data", (d: Buffer) => log(`azurite: ${d.toString().trim()}`));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  // Generous: on a loaded 2-core machine Azurite has taken over 20 s to listen.
  const deadline = Date.now() + 60_000;
  while (!(await answers(port, tls.ca))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`Azurite did not start on port ${port} (exit code ${child.exitCode}).`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    blobUrl: `https://127.0.0.1:${port}/devstoreaccount1`,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

function answers(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/devstoreaccount1?comp=list", method: "GET", ca, timeout: 1000 },
      (res) => {
        res.resume();
        resolve(true);
      },
    );
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** Creates a blob container (as a workspace's storage has one), with an OAuth token for storage. */
export function createContainer(blobUrl: string, container: string, token: string, ca: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${blobUrl}/${container}?restype=container`);
    const req = request(
      url,
      {
        method: "PUT",
        ca,
        headers: { authorization: `Bearer ${token}`, "x-ms-version": "2021-12-02", "content-length": "0" },
      },
      (res) => {
        res.resume();
        // 201 created, 409 already there: either way the container exists.
        if (res.statusCode === 201 || res.statusCode === 409) resolve();
        else reject(new Error(`Azurite answered ${res.statusCode} creating container ${container}`));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Reads a blob's text with an OAuth token for storage: undefined when it is missing or larger than maxBytes. */
export function readBlob(
  blobUrl: string,
  ref: { container: string; path: string },
  token: string,
  ca: string,
  maxBytes: number,
): Promise<string | undefined> {
  const path = ref.path.split("/").map(encodeURIComponent).join("/");
  const url = new URL(`${blobUrl}/${encodeURIComponent(ref.container)}/${path}`);
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: "GET", ca, headers: { authorization: `Bearer ${token}`, "x-ms-version": "2021-12-02" } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return resolve(undefined);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) return void req.destroy();
          chunks.push(c);
        });
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", () => resolve(undefined));
      },
    );
    req.on("error", () => resolve(undefined));
    req.on("close", () => resolve(undefined));
    req.end();
  });
}

/** Writes a block blob (as action-dataset's upload does), with an OAuth token for storage. */
export function writeBlob(
  blobUrl: string,
  ref: { container: string; path: string },
  text: string,
  token: string,
  ca: string,
): Promise<void> {
  const path = ref.path.split("/").map(encodeURIComponent).join("/");
  const url = new URL(`${blobUrl}/${encodeURIComponent(ref.container)}/${path}`);
  const body = Buffer.from(text, "utf8");
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "PUT",
        ca,
        headers: {
          authorization: `Bearer ${token}`,
          "x-ms-version": "2021-12-02",
          "x-ms-blob-type": "BlockBlob",
          "content-length": String(body.length),
        },
      },
      (res) => {
        res.resume();
        if (res.statusCode === 201) resolve();
        else reject(new Error(`Azurite answered ${res.statusCode} writing ${ref.container}/${ref.path}`));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
