import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import { freshTokenPolicy, renewal } from "../src/azureml/fresh-token.js";

const NOW = 1_800_000_000_000;
const URL = "https://management.azure.com/subscriptions/s/resourceGroups/g";

/** A credential that hands out token-1, token-2, …, or repeats its last one when `sticky`. */
function credential(o: { sticky?: boolean; refuseClaims?: boolean } = {}) {
  const calls: Array<GetTokenOptions | undefined> = [];
  let n = 0;
  const c: TokenCredential = {
    async getToken(_scopes, options) {
      calls.push(options);
      if (options?.claims && o.refuseClaims) throw new Error("This credential doesn't support claims challenges.");
      if (!o.sticky || n === 0 || options?.claims) n++;
      return { token: `token-${n}`, expiresOnTimestamp: NOW + 3_600_000 } satisfies AccessToken;
    },
  };
  return { c, calls };
}

/** A transport answering from a script, recording the Authorization header of each request. */
function transport(...answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>) {
  const seen: string[] = [];
  const client: HttpClient = {
    async sendRequest(request: PipelineRequest) {
      seen.push(request.headers.get("Authorization") ?? "");
      const a = answers.shift() ?? { status: 200, body: {} };
      return {
        request,
        status: a.status,
        headers: createHttpHeaders(a.headers),
        bodyAsText: a.body === undefined ? "" : JSON.stringify(a.body),
      };
    },
  };
  return { client, seen };
}

const armError = (code: string) => ({ status: 401, body: { error: { code, message: "…" } } });

async function send(c: TokenCredential, http: HttpClient, body?: string) {
  const renewed: string[] = [];
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(
    freshTokenPolicy(c, ["https://management.azure.com/.default"], { now: () => NOW, onRenew: (x) => renewed.push(x) }),
  );
  const res = await pipeline.sendRequest(http, createPipelineRequest({ url: URL, method: body ? "PUT" : "GET", body }));
  return { status: res.status, renewed };
}

describe("the fresh-token policy (ARM authentication)", () => {
  it.each(["ExpiredAuthenticationToken", "InvalidAuthenticationToken"])(
    "on %s gets a fresh token and sends the request again, once",
    async (code) => {
      const { c, calls } = credential();
      const { client, seen } = transport(armError(code), { status: 200 });
      const r = await send(c, client, '{"a":1}');
      expect(r).toEqual({ status: 200, renewed: [code] });
      expect(seen).toEqual(["Bearer token-1", "Bearer token-2"]);
      expect(calls).toHaveLength(2);
    },
  );

  it("retries only once: a second refusal is returned as it is", async () => {
    const { c } = credential();
    const { client, seen } = transport(armError("ExpiredAuthenticationToken"), armError("ExpiredAuthenticationToken"));
    expect((await send(c, client)).status).toBe(401);
    expect(seen).toHaveLength(2);
  });

  it("forces a token past the credential's cache with an nbf claims request when it repeats the refused one", async () => {
    const { c, calls } = credential({ sticky: true });
    const { client, seen } = transport(armError("ExpiredAuthenticationToken"), { status: 200 });
    expect((await send(c, client)).status).toBe(200);
    expect(seen).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(JSON.parse(calls[2]!.claims!)).toEqual({
      access_token: { nbf: { essential: true, value: String(NOW / 1000) } },
    });
  });

  it("returns the 401 when no fresh token can be had (a credential that refuses claims)", async () => {
    const { c } = credential({ sticky: true, refuseClaims: true });
    const { client, seen } = transport(armError("ExpiredAuthenticationToken"));
    expect((await send(c, client)).status).toBe(401);
    expect(seen).toEqual(["Bearer token-1"]);
  });

  it("does not retry other refusals: 403 AuthorizationFailed, 401 InvalidAuthenticationTokenAudience", async () => {
    for (const answer of [
      { status: 403, body: { error: { code: "AuthorizationFailed" } } },
      armError("InvalidAuthenticationTokenAudience"),
    ]) {
      const { c } = credential();
      const { client, seen } = transport(answer);
      expect((await send(c, client)).renewed).toEqual([]);
      expect(seen).toHaveLength(1);
    }
  });

  it("reuses a token until 2 minutes before it expires", async () => {
    const { c, calls } = credential();
    const { client } = transport({ status: 200 }, { status: 200 });
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(freshTokenPolicy(c, ["s"], { now: () => NOW }));
    await pipeline.sendRequest(client, createPipelineRequest({ url: URL }));
    await pipeline.sendRequest(client, createPipelineRequest({ url: URL }));
    expect(calls).toHaveLength(1);
  });

  it("honours a CAE claims challenge with its claims", () => {
    const claims = Buffer.from('{"access_token":{"nbf":{"essential":true,"value":"1"}}}').toString("base64");
    const response = {
      status: 401,
      headers: createHttpHeaders({
        "WWW-Authenticate": `Bearer realm="", error="insufficient_claims", claims="${claims}"`,
      }),
      request: createPipelineRequest({ url: URL }),
    };
    expect(renewal(response)).toEqual({
      code: "claims challenge",
      claims: '{"access_token":{"nbf":{"essential":true,"value":"1"}}}',
    });
  });
});
