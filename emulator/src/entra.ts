import { randomUUID } from "node:crypto";
import { compactVerify, createLocalJWKSet, decodeJwt, type JWK } from "jose";
import { Router, type Res } from "./http.js";
import type { SigningKey } from "./keys.js";

/** A federated identity credential on an app registration, as Entra stores it. */
export interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface App {
  tenantId: string;
  clientId: string;
  /** The service principal's object id: the `oid` of its tokens. */
  objectId: string;
  federated: FederatedCredential[];
  /** Lifetime of this app's access tokens, seconds; default: Entra's setting. */
  accessTokenLifetimeSeconds?: number;
}

/** What the token endpoint saw: for tests that check a valid federated assertion was presented. */
export interface TokenEvent {
  at: number;
  tenantId: string;
  clientId: string;
  scope: string;
  ok: boolean;
  error?: string;
  assertion?: { iss?: string; sub?: string; aud?: unknown; exp?: number };
}

export class Entra {
  readonly tenants = new Set<string>();
  readonly apps = new Map<string, App>();
  readonly events: TokenEvent[] = [];
  /** Issuers whose tokens Entra can verify: iss → its JWKs (Entra fetches them from the issuer). */
  readonly issuers = new Map<string, JWK[]>();
  accessTokenLifetimeSeconds = 3600;
  base = "";

  constructor(readonly key: SigningKey) {}

  addApp(app: Omit<App, "objectId"> & { objectId?: string }): App {
    const full = { objectId: randomUUID(), ...app };
    this.tenants.add(app.tenantId);
    this.apps.set(`${app.tenantId}/${app.clientId}`.toLowerCase(), full);
    return full;
  }

  /**
   * An access token of `app` for `resource`, as the token endpoint issues it. Also for the control API
   * (`POST /entra/token`): a token for `az rest` or an SDK pointed at the emulator, or, with a negative
   * lifetime, one that has already expired.
   */
  accessToken(app: App, resource: string, lifetimeSeconds: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.key.sign({
      aud: resource,
      iss: `https://sts.windows.net/${app.tenantId}/`,
      iat: Math.min(now, now + lifetimeSeconds - 5),
      nbf: Math.min(now, now + lifetimeSeconds) - 5,
      exp: now + lifetimeSeconds,
      appid: app.clientId,
      appidacr: "2",
      idtyp: "app",
      oid: app.objectId,
      sub: app.objectId,
      tid: app.tenantId,
      ver: "1.0",
    });
  }

  router(): Router {
    return new Router()
      .on("GET", /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/, (_req, [tenant]) => {
        if (!this.tenants.has(tenant!))
          return aadError(
            400,
            "invalid_tenant",
            90002,
            `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
          );
        const t = `${this.base}/${tenant}`;
        return {
          status: 200,
          body: {
            issuer: `${this.base}/${tenant}/v2.0`,
            authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
            token_endpoint: `${t}/oauth2/v2.0/token`,
            jwks_uri: `${t}/discovery/v2.0/keys`,
            response_modes_supported: ["query", "fragment", "form_post"],
            token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
          },
        };
      })
      .on("GET", /^\/([^/]+)\/discovery\/v2\.0\/keys$/, () => ({ status: 200, body: { keys: [this.key.jwk] } }))
      .on("POST", /^\/([^/]+)\/oauth2\/v2\.0\/token$/, (req, [tenant]) =>
        this.token(tenant!, new URLSearchParams(req.body)),
      );
  }

  private async token(tenantId: string, form: URLSearchParams): Promise<Res> {
    const clientId = form.get("client_id") ?? "";
    const scope = form.get("scope") ?? "";
    const event: TokenEvent = { at: Date.now(), tenantId, clientId, scope, ok: false };
    this.events.push(event);
    const fail = ([status, error, code, text]: Refusal) => {
      event.error = `AADSTS${code}`;
      return aadError(status, error, code, text);
    };
    const app = this.client(tenantId, clientId, form);
    if (Array.isArray(app)) return fail(app);
    const assertion = form.get("client_assertion") ?? "";
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(assertion);
    } catch {
      return fail([400, "invalid_client", 50027, "JWT token is invalid or malformed."]);
    }
    event.assertion = { iss: claims.iss, sub: claims.sub, aud: claims.aud, exp: claims.exp };
    const refused = await this.assertionRefusal(app, assertion, claims);
    if (refused) return fail(refused);
    const resource = resourceOf(scope);
    if (!resource)
      return fail([
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      ]);
    const life = app.accessTokenLifetimeSeconds ?? this.accessTokenLifetimeSeconds;
    const accessToken = await this.accessToken(app, resource, life);
    event.ok = true;
    return {
      status: 200,
      body: { token_type: "Bearer", expires_in: life, ext_expires_in: life, access_token: accessToken },
    };
  }

  /** The app a client-credentials request is for, once its tenant, grant type, app and assertion type check out. */
  private client(tenantId: string, clientId: string, form: URLSearchParams): App | Refusal {
    if (!this.tenants.has(tenantId))
      return [
        400,
        "invalid_request",
        90002,
        `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      ];
    if (form.get("grant_type") !== "client_credentials")
      return [400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."];
    const app = this.apps.get(`${tenantId}/${clientId}`.toLowerCase());
    if (!app)
      return [
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`,
      ];
    const assertion = form.get("client_assertion") ?? "";
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || !assertion) {
      return [
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      ];
    }
    return app;
  }

  /**
   * Why a federated credential of `app` does not accept the assertion, if it does not. The checks a federated
   * credential makes, in Entra's order: issuer, signature, time, subject, audience.
   */
  private async assertionRefusal(
    app: App,
    assertion: string,
    claims: ReturnType<typeof decodeJwt>,
  ): Promise<Refusal | undefined> {
    const byIssuer = app.federated.filter((f) => f.issuer === claims.iss);
    if (!byIssuer.length)
      return [
        400,
        "invalid_client",
        700211,
        `No matching federated identity record found for presented assertion issuer '${claims.iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      ];
    const keys = this.issuers.get(claims.iss ?? "");
    try {
      if (!keys) throw new Error("issuer keys unknown");
      await compactVerify(assertion, createLocalJWKSet({ keys }));
    } catch {
      return [400, "invalid_client", 700027, "Client assertion failed signature validation."];
    }
    const now = Math.floor(Date.now() / 1000);
    if (!claims.exp || claims.exp < now || (claims.nbf ?? 0) > now + 300) {
      return [400, "invalid_client", 700024, "Client assertion is not within its valid time range."];
    }
    const bySubject = byIssuer.filter((f) => f.subject === claims.sub);
    if (!bySubject.length)
      return [
        400,
        "invalid_client",
        700213,
        `No matching federated identity record found for presented assertion subject '${claims.sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      ];
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!bySubject.some((f) => f.audiences.some((a) => auds.includes(a)))) {
      return [
        400,
        "invalid_client",
        700212,
        `No matching federated identity record found for presented assertion audience '${auds.join(",")}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      ];
    }
    return undefined;
  }
}

/** Why Entra refuses a token request: HTTP status, OAuth error, AADSTS code and its message. */
type Refusal = [status: number, error: string, code: number, text: string];

/** The resource a client-credentials scope names (`<resource>/.default`). */
function resourceOf(scope: string): string | undefined {
  return scope
    .split(" ")
    .find((s) => s.endsWith("/.default"))
    ?.replace(/\/\.default$/, "");
}

function aadError(status: number, error: string, code: number, text: string): Res {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
