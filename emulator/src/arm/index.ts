import { createLocalJWKSet, jwtVerify, errors as joseErrors } from "jose";
import { Router, type Req, type Res } from "../http.js";
import type { SigningKey } from "../keys.js";
import { armError, Quotas, type ArmContext, type RegisterRoutes } from "./context.js";
import { registerAssets } from "./assets.js";
import { registerComputes } from "./computes.js";
import { registerConnections } from "./connections.js";
import { JobState, registerJobs } from "./jobs.js";
import { registerRegistry } from "./registry.js";
import { EndpointState, registerEndpoints } from "./endpoints.js";
import { registerLocations } from "./locations.js";
import { Store } from "./store.js";
import { registerWorkspaces } from "./workspaces.js";

/** The api-versions the emulator answers: the one the actions pin (reference/azureml-contract.md §1). */
export const SUPPORTED_API_VERSIONS = ["2025-12-01"];
export const MANAGEMENT_AUDIENCE = "https://management.azure.com";

/** Route modules, one per resource family; each action's issue adds its own. */
const MODULES: RegisterRoutes[] = [
  registerLocations,
  registerWorkspaces,
  registerAssets,
  registerConnections,
  registerComputes,
  registerRegistry,
];

export class Arm {
  readonly store = new Store();
  readonly quotas = new Quotas();
  readonly endpoints = new EndpointState();
  readonly jobs = new JobState();
  base = "";
  private readonly routes = new Router();
  private readonly jwks;

  constructor(entraKey: SigningKey, extra: RegisterRoutes[] = []) {
    this.jwks = createLocalJWKSet({ keys: [entraKey.jwk] });
    const ctx: ArmContext = { store: this.store, base: () => this.base, quotas: this.quotas };
    for (const register of [...MODULES, ...extra]) register(this.routes, ctx);
    registerEndpoints(this.routes, ctx, this.endpoints);
    registerJobs(this.routes, ctx, this.jobs);
  }

  router(): Router {
    return new Router().on("*", /^\//, (req) => this.handle(req));
  }

  private async handle(req: Req): Promise<Res> {
    const denied = await this.authenticate(req);
    if (denied) return denied;
    const version = req.url.searchParams.get("api-version");
    if (!version)
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    if (!SUPPORTED_API_VERSIONS.includes(version)) {
      return armError(
        400,
        "NoRegisteredProviderFound",
        `No registered resource provider found for API version '${version}' and type 'Microsoft.MachineLearningServices'. The supported api-versions are '${SUPPORTED_API_VERSIONS.join(", ")}'.`,
      );
    }
    return this.routes.handle(req);
  }

  /** Resource Manager (and the data-plane APIs that take its tokens) accept only a valid, unexpired Entra token for its audience. */
  async authenticate(req: Req): Promise<Res | undefined> {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const challenge = {
      "WWW-Authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"`,
    };
    if (!token)
      return {
        ...armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."),
        headers: challenge,
      };
    try {
      const { payload } = await jwtVerify(token, this.jwks);
      const aud = String(payload.aud ?? "").replace(/\/$/, "");
      if (aud !== MANAGEMENT_AUDIENCE)
        return {
          ...armError(
            401,
            "InvalidAuthenticationTokenAudience",
            `The access token has been obtained for wrong audience or resource '${payload.aud}'. It should exactly match with one of the allowed audiences '${MANAGEMENT_AUDIENCE}/'.`,
          ),
          headers: challenge,
        };
      if (!String(payload.iss ?? "").startsWith("https://sts.windows.net/"))
        return {
          ...armError(401, "InvalidAuthenticationToken", "The access token is from the wrong issuer."),
          headers: challenge,
        };
      return undefined;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired)
        return {
          ...armError(
            401,
            "ExpiredAuthenticationToken",
            "The access token expiry UTC time is earlier than current UTC time.",
          ),
          headers: challenge,
        };
      return { ...armError(401, "InvalidAuthenticationToken", "The access token is invalid."), headers: challenge };
    }
  }
}
