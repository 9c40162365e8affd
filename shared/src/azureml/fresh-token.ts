/**
 * The Resource Manager authentication policy: a bearer token on every request, renewed before it expires,
 * and — unlike the SDK's default bearerTokenAuthenticationPolicy — renewed once more when ARM still
 * answers 401 `ExpiredAuthenticationToken` or `InvalidAuthenticationToken` (a token that expired while
 * the request travelled, a runner clock behind Azure's, a revoked token). The request is then sent
 * again, once, with the fresh token. A CAE claims challenge (WWW-Authenticate with `claims`) is honoured
 * as the SDK's policy does.
 *
 * Forcing a fresh token: a credential may hand back the token it cached (MSAL keeps tokens until 5
 * minutes before their expiry). When it does, the policy asks again with a claims request for a token
 * issued from now on, the `nbf` claims request of Microsoft identity platform claims challenges
 * (MicrosoftDocs/azure-docs, articles/active-directory/develop/claims-challenge.md:
 * `{"access_token":{"nbf":{"essential":true,"value":"<epoch seconds>"}}}`), which MSAL sends to Entra
 * instead of answering from its cache. Credentials that cannot take claims (the Azure CLI) refuse it,
 * and the 401 is returned as it was.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  isRestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  type SendRequest,
} from "@azure/core-rest-pipeline";

export const FRESH_TOKEN_POLICY = "phi3FreshTokenPolicy";

/** ARM's error codes for a token it no longer takes; a fresh token may be taken. */
const RENEWABLE_CODES = ["ExpiredAuthenticationToken", "InvalidAuthenticationToken"];

/** Renew a cached token this long before it expires (the SDK's own policy uses 2 minutes too). */
const REFRESH_MARGIN_MS = 2 * 60_000;

export interface FreshTokenOptions {
  now?: () => number;
  /** Told when a refused token was renewed and the request sent again (for a log line). */
  onRenew?: (code: string) => void;
}

type Renewal = { code: string; claims?: string };

export function freshTokenPolicy(
  credential: TokenCredential,
  scopes: string[],
  o: FreshTokenOptions = {},
): PipelinePolicy {
  const now = o.now ?? Date.now;
  let cached: AccessToken | undefined;
  const stale = (t: AccessToken | undefined) =>
    !t || t.expiresOnTimestamp - REFRESH_MARGIN_MS < now() || (t.refreshAfterTimestamp ?? Infinity) < now();

  const get = async (request: PipelineRequest, extra: Partial<GetTokenOptions> = {}) => {
    const t = await credential.getToken(scopes, { enableCae: true, abortSignal: request.abortSignal, ...extra });
    if (!t) throw new Error(`The credential gave no token for ${scopes.join(" ")}.`);
    return t;
  };

  /** A token other than the refused one, or undefined when the credential cannot give one. */
  const renew = async (request: PipelineRequest, refused: string, why: Renewal) => {
    cached = undefined;
    const notBefore = JSON.stringify({
      access_token: { nbf: { essential: true, value: String(Math.floor(now() / 1000)) } },
    });
    try {
      let t = await get(request, why.claims ? { claims: why.claims } : {});
      if (t.token === refused && !why.claims) t = await get(request, { claims: notBefore });
      if (t.token === refused) return undefined;
      return (cached = t);
    } catch {
      return undefined;
    }
  };

  return {
    name: FRESH_TOKEN_POLICY,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      if (!request.url.toLowerCase().startsWith("https://"))
        throw new Error("Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.");
      if (stale(cached)) cached = await get(request);
      const sent = cached!.token;
      authorize(request, cached!);
      const first = await trySend(request, next);
      const why = renewal(first.response);
      if (!why || !resendable(request)) return settle(first);
      const fresh = await renew(request, sent, why);
      if (!fresh) return settle(first);
      o.onRenew?.(why.code);
      authorize(request, fresh);
      return settle(await trySend(request, next));
    },
  };
}

function authorize(request: PipelineRequest, t: AccessToken): void {
  request.headers.set("Authorization", `${t.tokenType ?? "Bearer"} ${t.token}`);
}

type Sent = { response: PipelineResponse; error?: unknown };

/** The response, also when the next policy threw it inside a RestError. */
async function trySend(request: PipelineRequest, next: SendRequest): Promise<Sent> {
  try {
    return { response: await next(request) };
  } catch (e) {
    if (isRestError(e) && e.response) return { response: e.response, error: e };
    throw e;
  }
}

function settle(s: Sent): PipelineResponse {
  if (s.error) throw s.error;
  return s.response;
}

/** Why a response asks for a new token: a CAE claims challenge, or ARM's expired/invalid token codes. */
export function renewal(response: PipelineResponse): Renewal | undefined {
  if (response.status !== 401) return undefined;
  const challenge = response.headers.get("WWW-Authenticate") ?? "";
  const claims = /\bclaims="([^"]+)"/.exec(challenge)?.[1];
  if (claims) {
    try {
      return { code: "claims challenge", claims: Buffer.from(claims, "base64").toString("utf8") };
    } catch {
      return undefined;
    }
  }
  const code = errorCode(response.bodyAsText);
  return code && RENEWABLE_CODES.includes(code) ? { code } : undefined;
}

function errorCode(body: string | null | undefined): string | undefined {
  try {
    const code = (JSON.parse(body ?? "") as { error?: { code?: unknown } })?.error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/** A body that can be sent twice: none, text or bytes (not a stream, which the first send consumed). */
function resendable(request: PipelineRequest): boolean {
  const b = request.body;
  return b == null || typeof b === "string" || b instanceof ArrayBuffer || ArrayBuffer.isView(b);
}
