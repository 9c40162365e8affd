import { createServer as createHttps } from "node:https";
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FaultRule, Faults } from "./faults.js";
import type { TlsMaterial } from "./tls.js";

export interface Req {
  service: string;
  method: string;
  url: URL;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  json<T = unknown>(): T;
}

export interface Res {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` as it is (a string), not as JSON. */
  text?: boolean;
  /** Send `body` as bytes (a Buffer). */
  raw?: boolean;
}

export type Handler = (req: Req, params: string[]) => Res | undefined | Promise<Res | undefined>;

/** A request the emulator answered: kept for tests (what was called) and the contract check. */
export interface Exchange {
  seq: number;
  at: number;
  service: string;
  method: string;
  path: string;
  query: string;
  status: number;
  userAgent?: string;
  /** A few request headers (never Authorization). */
  requestHeaders?: Record<string, string>;
  /** The answer's headers (Retry-After, Location, Azure-AsyncOperation…), for the contract check. */
  responseHeaders?: Record<string, string>;
  requestBody?: unknown;
  responseBody?: unknown;
}

export class Router {
  private routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [];

  on(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.push({ method, pattern, handler });
    return this;
  }

  async handle(req: Req): Promise<Res> {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== "*" && r.method !== req.method) continue;
      const res = await r.handler(
        req,
        m.slice(1).map((s) => decodeURIComponent(s ?? "")),
      );
      if (res) return res;
    }
    return pathMatched
      ? {
          status: 405,
          body: { error: { code: "MethodNotAllowed", message: `${req.method} is not supported on ${req.path}` } },
        }
      : { status: 404, body: { error: { code: "NotFound", message: `No route for ${req.method} ${req.path}` } } };
  }
}

export interface Served {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  service: string;
  router: Router;
  faults: Faults;
  exchanges: Exchange[];
  tls?: TlsMaterial;
  port?: number;
  /** Keep request and response bodies in the exchange log (ARM only: bodies of others hold tokens). */
  keepBodies?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The answer a "status" or "expired-token" fault gives instead of the service's. */
function faultAnswer(fault: FaultRule): Res {
  if (fault.kind === "expired-token")
    return {
      status: 401,
      headers: {
        "WWW-Authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"`,
      },
      body: {
        error: {
          code: "ExpiredAuthenticationToken",
          message: "The access token expiry UTC time is earlier than current UTC time.",
        },
      },
    };
  const status = fault.status ?? 500;
  return {
    status,
    headers: fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {},
    body: {
      error: {
        code: fault.code ?? (status === 429 ? "TooManyRequests" : "InternalServerError"),
        message: `Injected fault: ${status}`,
      },
    },
  };
}

/** The router's answer; a body that is not JSON is a 400, anything thrown a 500. */
async function routed(router: Router, req: Req): Promise<Res> {
  try {
    return await router.handle(req);
  } catch (e) {
    const bad = e instanceof SyntaxError;
    return {
      status: bad ? 400 : 500,
      body: { error: { code: bad ? "BadRequest" : "InternalServerError", message: (e as Error).message } },
    };
  }
}

/** The body as bytes, with the headers it needs (Content-Type, a request id). */
function encode(res: Res, requestId: string): { payload: string | Buffer; headers: Record<string, string> } {
  const payload =
    res.body === undefined
      ? ""
      : res.raw
        ? (res.body as Buffer)
        : res.text
          ? String(res.body)
          : JSON.stringify(res.body);
  const headers: Record<string, string> = { ...(res.headers ?? {}) };
  if (payload && !headers["Content-Type"])
    headers["Content-Type"] = res.text ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
  headers["x-ms-request-id"] ??= requestId;
  return { payload, headers };
}

async function readRequest(inc: IncomingMessage, o: ServeOptions): Promise<Req> {
  const chunks: Buffer[] = [];
  for await (const c of inc) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const url = new URL(inc.url ?? "/", `${o.tls ? "https" : "http"}://${inc.headers.host ?? "127.0.0.1"}`);
  return {
    service: o.service,
    method: (inc.method ?? "GET").toUpperCase(),
    url,
    path: url.pathname,
    headers: inc.headers,
    body,
    json: <T>() => (body ? JSON.parse(body) : undefined) as T,
  };
}

/** Serves a router over HTTPS (or HTTP for the control API) on 127.0.0.1, applying faults first. */
export async function serve(o: ServeOptions): Promise<Served> {
  let seq = 0;
  const handler = async (inc: IncomingMessage, out: ServerResponse) => {
    const req = await readRequest(inc, o);
    const fault = o.faults.take(o.service, req.method, req.path);
    if (fault?.kind === "drop") return void inc.socket.destroy();
    if (fault?.kind === "delay") await sleep(fault.delayMs ?? 1000);
    const answersItself = fault?.kind === "status" || fault?.kind === "expired-token";
    const res = fault && answersItself ? faultAnswer(fault) : await routed(o.router, req);
    // Processed, then dropped: the service has acted on the request; its answer is lost on the way.
    if (fault?.kind === "drop-after") return void inc.socket.destroy();
    const { payload, headers } = encode(res, `emu-${o.service}-${++seq}`);
    o.exchanges.push({
      seq: o.exchanges.length + 1,
      at: Date.now(),
      service: o.service,
      method: req.method,
      path: req.path,
      query: req.url.search,
      status: res.status,
      userAgent: inc.headers["user-agent"],
      requestHeaders: pickHeaders(inc.headers),
      responseHeaders: headers,
      requestBody: o.keepBodies && req.body ? safeJson(req.body) : undefined,
      // What went on the wire (JSON drops undefined members), not the object the handler built.
      responseBody: o.keepBodies && !res.raw && res.body !== undefined ? wire(res, payload) : undefined,
    });
    out.writeHead(res.status, headers);
    out.end(payload);
  };
  const server: Server = o.tls ? createHttps({ key: o.tls.key, cert: o.tls.cert }, handler) : createHttp(handler);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `${o.tls ? "https" : "http"}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Request headers worth keeping (never Authorization: it holds a token). */
function pickHeaders(h: IncomingMessage["headers"]): Record<string, string> {
  const keep = ["content-type", "user-agent", "x-ms-client-request-id"];
  return Object.fromEntries(keep.filter((k) => h[k] !== undefined).map((k) => [k, String(h[k])]));
}

/** A JSON answer as its client reads it back; text as it is. */
function wire(res: Res, payload: string | Buffer): unknown {
  return res.text ? res.body : safeJson(String(payload));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
