import { randomUUID } from "node:crypto";
import { createServer, request, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalJWKSet, jwtVerify, errors as joseErrors } from "jose";
import type { Faults } from "./faults.js";
import type { SigningKey } from "./keys.js";
import type { TlsMaterial } from "./tls.js";

/** Audiences Azure Storage accepts for a Blob account (learn.microsoft.com, "Authorize with Microsoft Entra ID"). */
const storageAudiences = (account: string) => ["https://storage.azure.com", `https://${account}.blob.core.windows.net`];

export interface StorageFront {
  /** https://127.0.0.1:<port>/devstoreaccount1: where clients reach storage. */
  blobUrl: string;
  close(): Promise<void>;
}

/**
 * A verifying front for Azurite. Azurite's `--oauth basic` checks a token's shape, issuer prefix, audience
 * and times, but not its signature: any well-formed token passes. Azure Storage checks the signature too.
 * This front does Azure's check (signed by our Entra, unexpired, for storage, from an Entra issuer) and
 * answers a bad token as Azure Storage does (401 InvalidAuthenticationInfo, with a Bearer challenge),
 * then passes the request on, streamed, to Azurite. Requests without a Bearer token (anonymous, SAS,
 * shared key) go on unchanged: Azurite refuses or checks them itself.
 */
export async function startStorageFront(o: {
  azuriteUrl: string;
  tls: TlsMaterial;
  entraKey: SigningKey;
  tenantId: string;
  faults: Faults;
}): Promise<StorageFront> {
  const target = new URL(o.azuriteUrl);
  const account = target.pathname.split("/")[1] || "devstoreaccount1";
  const jwks = createLocalJWKSet({ keys: [o.entraKey.jwk] });
  const verify = async (req: IncomingMessage): Promise<string | undefined> => {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, jwks, { audience: storageAudiences(account) });
      if (!String(payload.iss ?? "").startsWith("https://sts.windows.net/")) return "Issuer validation failed.";
      return undefined;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return "Lifetime validation failed. The token is expired.";
      if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === "aud")
        return "Audience validation failed. Audience did not match.";
      return "Signature validation failed. Unable to match key.";
    }
  };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const problem = await verify(req);
    if (problem) return refuse(res, problem, o.tenantId);
    const fault = o.faults.take("storage", req.method ?? "GET", new URL(req.url ?? "/", "https://x").pathname);
    if (fault?.kind === "drop") return void req.socket.destroy();
    forward(req, res, target, o.tls.ca);
  };
  const server: Server = createServer({ key: o.tls.key, cert: o.tls.cert }, (req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    blobUrl: `https://127.0.0.1:${port}/${account}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Azure Storage's answer to a token it does not accept. */
function refuse(res: ServerResponse, detail: string, tenantId: string): void {
  const requestId = randomUUID();
  const body =
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>InvalidAuthenticationInfo</Code>` +
    `<Message>Server failed to authenticate the request. Please refer to the information in the www-authenticate header.\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message>` +
    `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail></Error>`;
  res.writeHead(401, {
    "Content-Type": "application/xml",
    "WWW-Authenticate": `Bearer authorization_uri=https://login.microsoftonline.com/${tenantId}/oauth2/authorize resource_id=https://storage.azure.com`,
    "x-ms-request-id": requestId,
    "x-ms-error-code": "InvalidAuthenticationInfo",
  });
  res.end(body);
}

/** Passes a request on to Azurite and its answer back, both streamed. */
function forward(req: IncomingMessage, res: ServerResponse, target: URL, ca: string): void {
  const upstream = request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, ca },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => res.destroy());
  req.pipe(upstream);
}
