import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from "jose";
import type { Req, Res } from "../http.js";
import type { SigningKey } from "../keys.js";
import { armError } from "./context.js";

const MANAGEMENT_AUDIENCE = "https://management.azure.com";

/** A subscription as Resource Manager knows it: the tenant it trusts, and its name. */
export interface Subscription {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
}

/** The subscriptions the emulated Resource Manager knows (GET /subscriptions, the tenant check). */
export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();

  add(s: Subscription): Subscription {
    this.byId.set(s.subscriptionId.toLowerCase(), s);
    return s;
  }

  get(id: string): Subscription | undefined {
    return this.byId.get(id.toLowerCase());
  }

  all(): Subscription[] {
    return [...this.byId.values()];
  }
}

const CHALLENGE = {
  "WWW-Authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"`,
};

/** A 401 as Resource Manager sends it: its error code, and the Bearer challenge. */
function unauthorized(code: string, message: string): Res {
  return { ...armError(401, code, message), headers: CHALLENGE };
}

/** Resource Manager's answer to an expired token (also what the "expired-token" fault answers). */
const expiredToken = () =>
  unauthorized("ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.");

/**
 * Resource Manager's token checks, in its order: present, signed by Entra, unexpired, for its audience,
 * from an Entra issuer, and from the tenant of the subscription in the path.
 */
export class ArmAuth {
  private readonly jwks;

  constructor(
    entraKey: SigningKey,
    private readonly subscriptions: Subscriptions,
  ) {
    this.jwks = createLocalJWKSet({ keys: [entraKey.jwk] });
  }

  /** The token's claims, or the 401 that refuses the request. */
  async check(req: Req): Promise<{ claims: JWTPayload } | { denied: Res }> {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    if (!token)
      return {
        denied: unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."),
      };
    const verified = await this.verify(token);
    if ("denied" in verified) return verified;
    const denied = this.claimsProblem(verified.claims) ?? this.tenantProblem(req.path, verified.claims);
    return denied ? { denied } : verified;
  }

  private async verify(token: string): Promise<{ claims: JWTPayload } | { denied: Res }> {
    try {
      const { payload } = await jwtVerify(token, this.jwks);
      return { claims: payload };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return { denied: expiredToken() };
      return { denied: unauthorized("InvalidAuthenticationToken", "The access token is invalid.") };
    }
  }

  private claimsProblem(claims: JWTPayload): Res | undefined {
    const aud = String(claims.aud ?? "").replace(/\/$/, "");
    if (aud !== MANAGEMENT_AUDIENCE)
      return unauthorized(
        "InvalidAuthenticationTokenAudience",
        `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${MANAGEMENT_AUDIENCE}/'.`,
      );
    if (!String(claims.iss ?? "").startsWith("https://sts.windows.net/"))
      return unauthorized("InvalidAuthenticationToken", "The access token is from the wrong issuer.");
    return undefined;
  }

  /** A subscription trusts one tenant: a token of another is refused (ARM's InvalidAuthenticationTokenTenant). */
  private tenantProblem(path: string, claims: JWTPayload): Res | undefined {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    const known = sub ? this.subscriptions.get(sub) : undefined;
    const tid = String(claims.tid ?? "");
    if (!known || known.tenantId.toLowerCase() === tid.toLowerCase()) return undefined;
    // The message Azure Resource Manager sends, word for word apart from the ids.
    return unauthorized(
      "InvalidAuthenticationTokenTenant",
      `The access token is from the wrong issuer 'https://sts.windows.net/${tid}/'. It must match the tenant 'https://sts.windows.net/${known.tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${known.tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
    );
  }
}
