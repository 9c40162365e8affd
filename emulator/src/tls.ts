import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface TlsMaterial {
  /** PEM of the certificate authority; Node trusts it through NODE_EXTRA_CA_CERTS. */
  ca: string;
  caFile: string;
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/** A fresh certificate authority and a server certificate for 127.0.0.1 and localhost, signed by it. */
export async function createTls(dir: string): Promise<TlsMaterial> {
  mkdirSync(dir, { recursive: true });
  const days = (n: number) => new Date(Date.now() + n * 86_400_000);
  const ca = await generate([{ name: "commonName", value: "phi3-aml emulator CA" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: days(-1),
    notAfterDate: days(30),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: days(-1),
    notAfterDate: days(30),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  const files = {
    caFile: join(dir, "ca.pem"),
    certFile: join(dir, "server.pem"),
    keyFile: join(dir, "server-key.pem"),
  };
  writeFileSync(files.caFile, ca.cert);
  writeFileSync(files.certFile, server.cert);
  writeFileSync(files.keyFile, server.private, { mode: 0o600 });
  return { ca: ca.cert, cert: server.cert, key: server.private, ...files };
}
