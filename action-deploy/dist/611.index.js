export const id = 611;
export const ids = [611];
export const modules = {

/***/ 7611:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CONNECTION_FIELDS: () => (/* reexport */ CONNECTION_FIELDS),
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./shared/src/action.ts + 1 modules
var action = __webpack_require__(5528);
// EXTERNAL MODULE: ./shared/src/errors.ts
var errors = __webpack_require__(3904);
// EXTERNAL MODULE: ./node_modules/@azure/identity/dist/esm/index.js + 165 modules
var esm = __webpack_require__(3016);
;// CONCATENATED MODULE: ./shared/src/login/diagnose.ts

/** The federated credential a user must configure for this job, in words and as an az command. */
function federatedCredentialHint(c) {
    const sub = c.claims?.sub ?? "<the sub claim above>";
    const iss = c.claims?.iss ?? "https://token.actions.githubusercontent.com";
    const aud = Array.isArray(c.claims?.aud) ? c.claims?.aud[0] : (c.claims?.aud ?? "api://AzureADTokenExchange");
    return [
        `Entra compares the token's subject exactly (case-sensitive). Configure a federated credential on app ${c.clientId} with:`,
        `  issuer:   ${iss}`,
        `  subject:  ${sub}`,
        `  audience: ${aud}`,
        "The subject depends on how the job runs: `repo:OWNER/REPO:environment:NAME` when the job has an `environment:`,",
        "`repo:OWNER/REPO:pull_request` for pull requests, otherwise `repo:OWNER/REPO:ref:refs/heads/BRANCH` (or refs/tags/TAG).",
        "With Azure CLI:",
        `  az ad app federated-credential create --id ${c.clientId} --parameters '${JSON.stringify({ name: "github", issuer: iss, subject: sub, audiences: [aud] })}'`,
    ].join("\n");
}
const EXPLAIN = {
    AADSTS70021: (c) => `No federated credential of app ${c.clientId} matches this job's GitHub token.\n${federatedCredentialHint(c)}`,
    AADSTS700211: (c) => `The app's federated credentials do not trust this token's issuer (${c.claims?.iss ?? "?"}).\n${federatedCredentialHint(c)}`,
    AADSTS700212: (c) => `The GitHub token's audience does not match the federated credential's audience.\n${federatedCredentialHint(c)}`,
    AADSTS700213: (c) => `No federated credential of app ${c.clientId} matches the subject "${c.claims?.sub ?? "?"}".\n${federatedCredentialHint(c)}`,
    AADSTS700016: (c) => `Application ${c.clientId} was not found in tenant ${c.tenantId}. Check client-id, and that tenant-id is the tenant where the app is registered.`,
    AADSTS90002: (c) => `Tenant ${c.tenantId} was not found. Check tenant-id (Entra ID > Overview > Tenant ID) and the environment input (AzureCloud, AzureUSGovernment or AzureChinaCloud).`,
    AADSTS900023: (c) => `"${c.tenantId}" is not a valid tenant id. Check tenant-id.`,
    AADSTS700024: () => "The GitHub ID token had expired when Entra received it. This action fetches a new one before each token request; if you see this, the runner's clock may be off.",
    AADSTS700027: () => "Entra could not verify the GitHub ID token's signature. The token was altered or comes from an issuer Entra cannot reach.",
    AADSTS50020: (c) => `The app ${c.clientId} is not allowed in tenant ${c.tenantId}. Check tenant-id.`,
};
/** Plain words for a failed Azure login, with what to change. */
function explainLoginFailure(e, c) {
    const text = e instanceof Error ? e.message : String(e);
    const codes = (0,errors/* aadstsCodes */.VT)(text);
    const explained = codes.map((code) => EXPLAIN[code]?.(c)).filter(Boolean);
    const first = text.split("\n")[0]?.slice(0, 400);
    if (explained.length)
        return `Azure login failed (${codes.join(", ")}). ${explained.join("\n")}\nEntra said: ${first}`;
    if (/endpoints_resolution_error/.test(text)) {
        // MSAL hides Entra's answer here; it is AADSTS90002 (no such tenant) or no answer at all.
        return `Azure login failed: Entra at ${c.authorityHost} gave no sign-in endpoints for tenant ${c.tenantId}. Either tenant ${c.tenantId} was not found (check tenant-id, and that environment names the cloud of your tenant), or ${c.authorityHost} cannot be reached from this runner.`;
    }
    if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT/.test(text)) {
        return `Azure login failed: Entra at ${c.authorityHost} could not be reached (${first}). Check the environment input and any authority-host override.`;
    }
    return `Azure login failed: ${first}`;
}

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(8179);
;// CONCATENATED MODULE: ./shared/src/login/github-token.ts


/** Reads a JWT's claims without checking it (we only print and compare them). */
function decodeClaims(jwt) {
    const part = jwt.split(".")[1];
    if (!part)
        return {};
    try {
        return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    }
    catch {
        return {};
    }
}
/** True when the runner gave this job a way to ask for a GitHub ID token (`permissions: id-token: write`). */
function oidcAvailable(env = process.env) {
    return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}
/** Why a job has no ID token, in plain words. */
function noOidcReason(env = process.env) {
    const fork = env.GITHUB_EVENT_NAME === "pull_request" &&
        env.GITHUB_HEAD_REPOSITORY &&
        env.GITHUB_HEAD_REPOSITORY !== env.GITHUB_REPOSITORY;
    return ("This job cannot ask GitHub for an ID token (ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). " +
        (fork
            ? "It runs for a pull request from a fork, and GitHub gives fork pull requests no ID token. "
            : "Either the workflow or job lacks `permissions: id-token: write`, or it runs for a pull request from a fork (which gets no ID token). ") +
        "Add to the job:\n  permissions:\n    id-token: write\n    contents: read");
}
/**
 * The GitHub ID token behind the Azure login. MSAL asks for the assertion twice per getToken, and again
 * each time an access token is renewed, hours into a job: so the token is cached while it is valid and
 * fetched anew when it is near expiry. That is what lets a fine-tune of many hours never fail on an
 * expired assertion (AADSTS700024), the best-known failure of a static federated token.
 */
function githubIdToken(o) {
    const fetch = o.fetch ?? ((aud) => core/* getIDToken */.V9(aud));
    const now = o.now ?? Date.now;
    const margin = (o.marginSeconds ?? 60) * 1000;
    const retries = o.retries ?? 3;
    let cached;
    let inFlight;
    let count = 0;
    async function fetchOnce() {
        let last;
        for (let attempt = 1; attempt <= retries; attempt++) {
            try {
                const token = await fetch(o.audience);
                count++;
                const claims = decodeClaims(token);
                const expiresAt = claims.exp ? claims.exp * 1000 : now() + 5 * 60_000;
                // Never more than half the token's own life, so a short-lived token still serves both of MSAL's callbacks.
                const life = claims.iat ? expiresAt - claims.iat * 1000 : expiresAt - now();
                cached = { token, claims, expiresAt, margin: Math.min(margin, life / 2) };
                return token;
            }
            catch (e) {
                last = e;
                if (!oidcAvailable())
                    break;
                if (attempt < retries)
                    await new Promise((r) => setTimeout(r, 500 * attempt));
            }
        }
        if (!oidcAvailable())
            throw new errors/* ActionError */.lZ(noOidcReason());
        throw new errors/* ActionError */.lZ(`Could not get a GitHub ID token for audience ${o.audience}: ${last?.message ?? last}`);
    }
    return {
        async get() {
            if (cached && cached.expiresAt - cached.margin > now())
                return cached.token;
            inFlight ??= fetchOnce().finally(() => (inFlight = undefined));
            return inFlight;
        },
        claims: () => cached?.claims,
        fetches: () => count,
    };
}

;// CONCATENATED MODULE: ./shared/src/login/credential.ts




/**
 * The one credential every action uses.
 * - In GitHub Actions with client-id and tenant-id: federated login with the job's GitHub ID token
 *   (ClientAssertionCredential), the token fetched again whenever it is near expiry.
 * - Otherwise (a laptop, or a job after azure/login): the default chain — the non-interactive part of
 *   DefaultAzureCredential, in its order (environment, workload identity, managed identity, Azure CLI,
 *   Azure Developer CLI, Azure PowerShell). Built by hand because DefaultAzureCredential also bundles
 *   the IDE and browser credentials, 1.2 MB that no CI job can use.
 */
function login(o, log) {
    const env = o.env ?? process.env;
    const { cloud } = o;
    const inActions = env.GITHUB_ACTIONS === "true";
    const transport = { authorityHost: cloud.authorityHost, disableInstanceDiscovery: !cloud.knownAuthority };
    if (o.clientId && o.tenantId && inActions) {
        if (!oidcAvailable(env))
            throw new errors/* ActionError */.lZ(noOidcReason(env));
        const audience = o.audience ?? cloud.federatedAudience;
        const idToken = githubIdToken({ audience });
        const credential = new esm/* ClientAssertionCredential */.XI(o.tenantId, o.clientId, () => idToken.get(), transport);
        const context = { tenantId: o.tenantId, clientId: o.clientId, authorityHost: cloud.authorityHost };
        return {
            credential,
            kind: "github-oidc",
            idToken,
            async verify() {
                await idToken.get();
                const claims = idToken.claims();
                log.info(`GitHub ID token: iss=${claims?.iss} sub=${claims?.sub} aud=${claims?.aud}` +
                    (claims?.job_workflow_ref ? ` job_workflow_ref=${claims.job_workflow_ref}` : ""));
                try {
                    await credential.getToken(cloud.managementScope, { enableCae: true });
                }
                catch (e) {
                    throw new errors/* ActionError */.lZ(explainLoginFailure(e, { ...context, claims }), undefined, { cause: e });
                }
                log.info(`Logged in to ${cloud.name} as app ${o.clientId} in tenant ${o.tenantId} with the job's GitHub ID token.`);
            },
        };
    }
    if (o.clientId && o.tenantId && !inActions) {
        log.info("Not running in GitHub Actions: client-id and tenant-id are ignored; using the default credential chain (az login, environment, managed identity).");
    }
    const credential = defaultChain(transport, o.tenantId);
    return {
        credential,
        kind: "default-chain",
        async verify() {
            try {
                await credential.getToken(cloud.managementScope, { enableCae: true });
            }
            catch (e) {
                const hint = inActions
                    ? "Give client-id and tenant-id (GitHub OIDC, recommended), or run azure/login before this step."
                    : "Run `az login`, or set AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET, or use the local emulator (`npm run emulator`).";
                throw new errors/* ActionError */.lZ(`Azure login failed: no credential in the default chain worked (${e.message.split("\n")[0]}).`, hint, { cause: e });
            }
            log.info(`Logged in to ${cloud.name} with the default credential chain.`);
        },
    };
}
function defaultChain(transport, tenantId) {
    const tenant = tenantId ? { tenantId } : {};
    const chain = [new esm/* EnvironmentCredential */.lp(transport)];
    // Each of these throws at construction when its environment is missing; skip it then, as DefaultAzureCredential does.
    const maybe = (make) => {
        try {
            chain.push(make());
        }
        catch {
            /* not configured here */
        }
    };
    maybe(() => new esm/* WorkloadIdentityCredential */.R9({ ...transport, ...tenant }));
    maybe(() => new esm/* ManagedIdentityCredential */.NC());
    chain.push(new esm/* AzureCliCredential */.nG(tenant), new esm/* AzureDeveloperCliCredential */.zL(tenant), new esm/* AzurePowerShellCredential */.sj(tenant));
    return new esm/* ChainedTokenCredential */.Rk(...chain);
}


// EXTERNAL MODULE: ./node_modules/@azure/arm-machinelearning/dist/index.js
var dist = __webpack_require__(4789);
// EXTERNAL MODULE: ./node_modules/@azure/core-rest-pipeline/dist/esm/index.js + 81 modules
var dist_esm = __webpack_require__(4792);
;// CONCATENATED MODULE: ./shared/src/azureml/fresh-token.ts

const FRESH_TOKEN_POLICY = "phi3FreshTokenPolicy";
/** ARM's error codes for a token it no longer takes; a fresh token may be taken. */
const RENEWABLE_CODES = ["ExpiredAuthenticationToken", "InvalidAuthenticationToken"];
/** Renew a cached token this long before it expires (the SDK's own policy uses 2 minutes too). */
const REFRESH_MARGIN_MS = 2 * 60_000;
function freshTokenPolicy(credential, scopes, o = {}) {
    const now = o.now ?? Date.now;
    let cached;
    const stale = (t) => !t || t.expiresOnTimestamp - REFRESH_MARGIN_MS < now() || (t.refreshAfterTimestamp ?? Infinity) < now();
    const get = async (request, extra = {}) => {
        const t = await credential.getToken(scopes, { enableCae: true, abortSignal: request.abortSignal, ...extra });
        if (!t)
            throw new Error(`The credential gave no token for ${scopes.join(" ")}.`);
        return t;
    };
    /** A token other than the refused one, or undefined when the credential cannot give one. */
    const renew = async (request, refused, why) => {
        cached = undefined;
        const notBefore = JSON.stringify({
            access_token: { nbf: { essential: true, value: String(Math.floor(now() / 1000)) } },
        });
        try {
            let t = await get(request, why.claims ? { claims: why.claims } : {});
            if (t.token === refused && !why.claims)
                t = await get(request, { claims: notBefore });
            if (t.token === refused)
                return undefined;
            return (cached = t);
        }
        catch {
            return undefined;
        }
    };
    return {
        name: FRESH_TOKEN_POLICY,
        async sendRequest(request, next) {
            if (!request.url.toLowerCase().startsWith("https://"))
                throw new Error("Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.");
            if (stale(cached))
                cached = await get(request);
            const sent = cached.token;
            authorize(request, cached);
            const first = await trySend(request, next);
            const why = renewal(first.response);
            if (!why || !resendable(request))
                return settle(first);
            const fresh = await renew(request, sent, why);
            if (!fresh)
                return settle(first);
            o.onRenew?.(why.code);
            authorize(request, fresh);
            return settle(await trySend(request, next));
        },
    };
}
function authorize(request, t) {
    request.headers.set("Authorization", `${t.tokenType ?? "Bearer"} ${t.token}`);
}
/** The response, also when the next policy threw it inside a RestError. */
async function trySend(request, next) {
    try {
        return { response: await next(request) };
    }
    catch (e) {
        if ((0,dist_esm/* isRestError */.T0)(e) && e.response)
            return { response: e.response, error: e };
        throw e;
    }
}
function settle(s) {
    if (s.error)
        throw s.error;
    return s.response;
}
/** Why a response asks for a new token: a CAE claims challenge, or ARM's expired/invalid token codes. */
function renewal(response) {
    if (response.status !== 401)
        return undefined;
    const challenge = response.headers.get("WWW-Authenticate") ?? "";
    const claims = /\bclaims="([^"]+)"/.exec(challenge)?.[1];
    if (claims) {
        try {
            return { code: "claims challenge", claims: Buffer.from(claims, "base64").toString("utf8") };
        }
        catch {
            return undefined;
        }
    }
    const code = errorCode(response.bodyAsText);
    return code && RENEWABLE_CODES.includes(code) ? { code } : undefined;
}
function errorCode(body) {
    try {
        const code = JSON.parse(body ?? "")?.error?.code;
        return typeof code === "string" ? code : undefined;
    }
    catch {
        return undefined;
    }
}
/** A body that can be sent twice: none, text or bytes (not a stream, which the first send consumed). */
function resendable(request) {
    const b = request.body;
    return b == null || typeof b === "string" || b instanceof ArrayBuffer || ArrayBuffer.isView(b);
}

;// CONCATENATED MODULE: ./shared/src/scoring/retry.ts
/**
 * What is retried and how long to wait. Pure: the random source and the clock are parameters, so tests
 * (and the runner's log line "retrying in 3.4 s") see the same numbers.
 *
 * Retried: 429 (throttled), every 5xx (a starting, scaling or overloaded endpoint), 408 and our own
 * timeouts (a cold endpoint), and transient connection failures. Not retried: other 4xx (a wrong key,
 * endpoint or request will not get better) and 424 (the model failed on this input; the same input fails
 * the same way, and each try can take the whole request timeout).
 */
/** 2 s, 4 s, 8 s, 16 s, 30 s, 30 s… before jitter; Retry-After honoured up to 2 minutes. */
const BACKOFF = { baseMs: 2000, factor: 2, maxMs: 30_000, maxRetryAfterMs: 120_000 };
/** Connection failures worth another try. ENOTFOUND is not one (a wrong host stays wrong); EAI_AGAIN is. */
const RETRYABLE_NETWORK_CODES = new Set([
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "ETIMEDOUT",
    "EPIPE",
    "EAI_AGAIN",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "UND_ERR_SOCKET",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
]);
function isRetryable(outcome) {
    switch (outcome.kind) {
        case "timeout":
            return true;
        case "network":
            return outcome.code !== undefined && RETRYABLE_NETWORK_CODES.has(outcome.code);
        case "http":
            return outcome.status === 408 || outcome.status === 429 || (outcome.status >= 500 && outcome.status <= 599);
    }
}
/**
 * A Retry-After header in milliseconds from `nowMs`: delay-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"; a date in the past means now). Undefined when absent or unreadable.
 */
function parseRetryAfter(header, nowMs) {
    const v = header?.trim();
    if (!v)
        return undefined;
    if (/^\d+$/.test(v))
        return Number(v) * 1000;
    // Only real dates: Date.parse also accepts bare numbers like "1.5", which are not HTTP-dates.
    if (!/[a-z]/i.test(v))
        return undefined;
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
/**
 * How long to wait before retry number `attempt` (1 = before the second request).
 *
 * With a readable Retry-After, that (capped at `maxRetryAfterMs`): the server knows when it will be ready.
 * Otherwise exponential backoff with "equal jitter": half the exponential wait fixed, half random. The fixed
 * half keeps a real pause for an endpoint that is warming up; the random half spreads out the concurrent
 * requests that failed together, so they do not all come back at the same instant.
 */
function nextDelayMs(attempt, retryAfterHeader, random = Math.random, nowMs = Date.now(), policy = BACKOFF) {
    const retryAfter = parseRetryAfter(retryAfterHeader, nowMs);
    if (retryAfter !== undefined)
        return Math.min(retryAfter, policy.maxRetryAfterMs);
    const n = Math.max(1, Math.floor(attempt));
    const exp = Math.min(policy.maxMs, policy.baseMs * policy.factor ** (n - 1));
    const r = Math.min(1, Math.max(0, random()));
    return Math.round(exp / 2 + (r * exp) / 2);
}

;// CONCATENATED MODULE: ./shared/src/wait.ts
/**
 * The longest pause a server's Retry-After may ask of the one polling loop. ARM asks clients to honour
 * Retry-After (Azure/azure-resource-manager-rpc, v1.0/async-api-reference.md) and Azure ML's 202s declare
 * 10–600 s (mfe.json, every 202's Retry-After header); a runner waiting ten minutes for one look is billed
 * for it, so a longer ask is cut to two minutes, the scoring client's cap too (scoring/retry.ts BACKOFF).
 */
const MAX_RETRY_AFTER_MS = 120_000;
/**
 * The pause before the next look: the loop's own interval, or the server's Retry-After (capped at
 * `maxRetryAfterMs`) when that is longer, never past what is left of the time allowed.
 */
function nextPause(intervalMs, retryAfterMs, maxRetryAfterMs, leftMs) {
    const asked = Math.min(retryAfterMs ?? 0, maxRetryAfterMs);
    return Math.min(Math.max(intervalMs, asked), Math.max(0, leftMs));
}
class WaitTimeoutError extends Error {
    what;
    lastState;
    elapsedMs;
    constructor(what, lastState, elapsedMs) {
        super(`Gave up waiting for ${what} after ${formatDuration(elapsedMs)}; it was still ${lastState}.`);
        this.what = what;
        this.lastState = lastState;
        this.elapsedMs = elapsedMs;
        this.name = "WaitTimeoutError";
    }
}
class WaitCancelledError extends Error {
    what;
    lastState;
    constructor(what, lastState) {
        super(`Stopped waiting for ${what} (cancelled); it was ${lastState}.`);
        this.what = what;
        this.lastState = lastState;
        this.name = "WaitCancelledError";
    }
}
function abortableSleep(ms, signal) {
    return new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done, { once: true });
    });
}
/**
 * The one polling loop: looks with `observe` until done, failed, timed out or cancelled. The pause
 * grows while nothing changes and starts over on a change; Retry-After is respected; a progress line
 * is printed on every state change and at a steady cadence.
 */
async function waitFor(observe, o) {
    const now = o.now ?? Date.now;
    const sleep = o.sleep ?? abortableSleep;
    const first = o.intervalMs ?? 5_000;
    const cap = o.maxIntervalMs ?? 60_000;
    const backoff = o.backoff ?? 1.5;
    const every = o.progressEveryMs ?? 60_000;
    const start = now();
    let state = "";
    let interval = first;
    let lastLine = start;
    for (;;) {
        if (o.signal?.aborted)
            throw new WaitCancelledError(o.what, state || "not started");
        const seen = await observe();
        const at = now();
        if (seen.state !== state) {
            o.log.info(`${o.what}: ${state ? `${state} → ` : ""}${seen.state}${seen.detail ? ` (${seen.detail})` : ""} after ${formatDuration(at - start)}`);
            o.onState?.(seen.state, at);
            state = seen.state;
            interval = first;
            lastLine = at;
        }
        else if (at - lastLine >= every) {
            o.log.info(`${o.what}: still ${state}${seen.detail ? ` (${seen.detail})` : ""} after ${formatDuration(at - start)}`);
            lastLine = at;
        }
        if (seen.failed)
            throw new Error(`${o.what} ${seen.state}: ${seen.failed}`);
        if (seen.done)
            return seen.value;
        if (at - start >= o.timeoutMs)
            throw new WaitTimeoutError(o.what, state, at - start);
        const left = o.timeoutMs - (at - start);
        const pause = nextPause(interval, seen.retryAfterMs, o.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS, left);
        await sleep(pause, o.signal);
        interval = Math.min(cap, interval * backoff);
    }
}
async function followPoller(poller, o) {
    return waitFor(async () => {
        if (!poller.isDone())
            await poller.poll({ abortSignal: o.signal });
        const s = poller.getOperationState();
        const status = s.status ?? (poller.isDone() ? "succeeded" : "running");
        const failed = status === "failed" || status === "canceled" ? (s.error?.message ?? status) : undefined;
        return { state: capitalise(status), done: poller.isDone(), value: poller.getResult(), failed };
    }, o);
}
const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);
/** 75_000 → "1m 15s". */
function formatDuration(ms) {
    const s = Math.round(ms / 1000);
    if (s < 60)
        return `${s}s`;
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

;// CONCATENATED MODULE: ./shared/src/azureml/lro-pacing.ts


const LRO_PACING_POLICY = "phi3LroRetryAfterPacing";
/** An operation URL without its query (the api-version policy may rewrite that), as a key. */
const key = (url) => {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`.toLowerCase();
};
/**
 * Honours Retry-After on long-running operations, whoever polls: the answer that starts one (201/202 with
 * Location or Azure-AsyncOperation) or a look at one says when to look next; a GET of that operation URL
 * sent sooner (the SDK's `begin*` polls once at once, followPoller straight after) waits until then, at most
 * `maxRetryAfterMs`. ARM's async contract asks clients to wait Retry-After between looks
 * (Azure/azure-resource-manager-rpc, v1.0/async-api-reference.md).
 */
class LroPacing {
    notBefore = new Map();
    now;
    sleep;
    maxRetryAfterMs;
    /** Every hold, in ms, for the log and tests. */
    holds = [];
    constructor(o = {}) {
        this.now = o.now ?? Date.now;
        this.sleep = o.sleep ?? abortableSleep;
        this.maxRetryAfterMs = o.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS;
    }
    /** How long a request to `url` must still wait, in ms (0 when it may go now). */
    holdMs(method, url) {
        if (method !== "GET")
            return 0;
        const at = this.notBefore.get(key(url));
        return at === undefined ? 0 : Math.max(0, at - this.now());
    }
    /** Learns from an answer: the operation URLs it names, or the one it answered, and when to look next. */
    observe(method, url, status, header) {
        const polled = method === "GET" && this.notBefore.has(key(url));
        const started = status === 201 || status === 202;
        if (!polled && !started)
            return;
        const asked = parseRetryAfter(header("retry-after"), this.now());
        const next = this.now() + Math.min(asked ?? 0, this.maxRetryAfterMs);
        const targets = [header("location"), header("azure-asyncoperation")].filter((u) => Boolean(u));
        if (polled && status !== 202 && asked === undefined)
            this.notBefore.delete(key(url));
        else if (polled)
            this.notBefore.set(key(url), next);
        for (const t of targets)
            if (URL.canParse(t))
                this.notBefore.set(key(t), next);
    }
    /** The pipeline policy (added by mlClient). */
    policy() {
        return {
            name: LRO_PACING_POLICY,
            sendRequest: async (request, next) => {
                const hold = this.holdMs(request.method, request.url);
                if (hold > 0) {
                    this.holds.push(hold);
                    await this.sleep(hold, request.abortSignal);
                }
                const response = await next(request);
                this.observe(request.method, request.url, response.status, (n) => response.headers.get(n));
                return response;
            },
        };
    }
}

;// CONCATENATED MODULE: ./shared/src/azureml/client.ts




/**
 * The one Azure ML management api-version every request carries: 2026-07-01, the newest stable. Its definitions
 * of everything the actions send and read have the 2025-12-01 wire shapes (docs/emulator.md, "2025-12-01 →
 * 2026-07-01"). @azure/arm-machinelearning 2.1.1 pins 2022-10-01 in its operation specs; the client's
 * CustomApiVersionPolicy (added for `apiVersion` below) rewrites every request's api-version to this one.
 */
const API_VERSION = "2026-07-01";
/**
 * The one factory for the Azure ML management client: the cloud's Resource Manager endpoint (so an
 * override such as the local emulator is reached the same way as Azure), the cloud's token scope, the
 * pinned api-version, retries, a user agent naming the action, a token renewed once when ARM answers
 * ExpiredAuthenticationToken or InvalidAuthenticationToken (fresh-token.ts, in place of the SDK's policy), and
 * long-running operations polled no sooner than their Retry-After asks, up to a cap (lro-pacing.ts).
 */
function mlClient(o) {
    const client = new dist/* AzureMachineLearningWorkspaces */.FQ(o.credential, o.subscriptionId, {
        endpoint: o.cloud.resourceManager,
        credentialScopes: [o.cloud.managementScope],
        apiVersion: API_VERSION,
        userAgentOptions: { userAgentPrefix: o.userAgent },
        retryOptions: { maxRetries: o.maxRetries ?? 6, retryDelayInMs: o.retryDelayMs ?? 1000, maxRetryDelayInMs: 30_000 },
    });
    client.pipeline.removePolicy({ name: dist_esm/* bearerTokenAuthenticationPolicyName */.uQ });
    // Before the token policy: a poll held for its Retry-After takes its token when it goes.
    client.pipeline.addPolicy((o.pacing ?? new LroPacing()).policy());
    client.pipeline.addPolicy(freshTokenPolicy(o.credential, [o.cloud.managementScope], { onRenew: o.onTokenRenewed }));
    return client;
}
/** The ARM id of a workspace, and of things inside it. */
function workspaceId(w) {
    return `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}`;
}

;// CONCATENATED MODULE: ./shared/src/azureml/session.ts



/** Logs in, builds the client and reads the workspace, with a readable failure at each step. */
async function connect(settings, userAgent, log) {
    const l = login({ cloud: settings.cloud, clientId: settings.clientId, tenantId: settings.tenantId, audience: settings.audience }, log);
    await l.verify();
    const client = mlClient({
        credential: l.credential,
        cloud: settings.cloud,
        subscriptionId: settings.workspace.subscriptionId,
        userAgent,
        onTokenRenewed: (code) => log.info(`Azure Resource Manager answered ${code}: sent the request again with a fresh token.`),
    });
    const { resourceGroup, workspace: name, subscriptionId } = settings.workspace;
    let workspace;
    try {
        workspace = await client.workspaces.get(resourceGroup, name);
    }
    catch (e) {
        const status = e.statusCode;
        const hint = status === 404
            ? `No workspace "${name}" in resource group "${resourceGroup}" of subscription ${subscriptionId}: check workspace, resource-group and subscription-id.`
            : status === 403
                ? `The identity may not read workspace "${name}": give it a role such as "AzureML Data Scientist" on the workspace (and "Reader" on the resource group).`
                : undefined;
        throw new errors/* ActionError */.lZ(`Could not read the Azure ML workspace: ${(0,errors/* describeError */.Uc)(e)}`, hint, { cause: e });
    }
    const location = workspace.location ?? "";
    log.info(`Workspace ${name} (${location}) in resource group ${resourceGroup}.`);
    return {
        login: l,
        credential: l.credential,
        client,
        cloud: settings.cloud,
        ref: settings.workspace,
        workspace,
        location,
    };
}

;// CONCATENATED MODULE: ./shared/src/azureml/studio.ts
/** Links into Azure ML studio, for summaries. */
function studioLinks(cloud, w) {
    const wsid = `?wsid=/subscriptions/${w.subscriptionId}/resourcegroups/${w.resourceGroup}/workspaces/${w.workspace}`;
    const base = cloud.studio;
    return {
        workspace: `${base}/home${wsid}`,
        job: (name) => `${base}/runs/${encodeURIComponent(name)}${wsid}`,
        model: (name, version) => `${base}/model/${encodeURIComponent(name)}:${encodeURIComponent(version)}/details${wsid}`,
        data: (name, version) => `${base}/data/${encodeURIComponent(name)}/${encodeURIComponent(version)}/details${wsid}`,
        endpoint: (name) => `${base}/endpoints/realtime/${encodeURIComponent(name)}/detail${wsid}`,
        compute: (name) => `${base}/compute/${encodeURIComponent(name)}/details${wsid}`,
    };
}

// EXTERNAL MODULE: ./shared/src/report.ts
var report = __webpack_require__(1205);
;// CONCATENATED MODULE: ./shared/src/tags.ts
/** The tags every resource we create carries, so that people and teardown can tell what is ours. */
const MANAGED_BY_TAG = "managed-by";
const MANAGED_BY = "phi3-aml-actions";
const EXPIRES_TAG = "expires-at";
const REPOSITORY_TAG = "repository";
function standardTags(o = {}) {
    const env = o.env ?? process.env;
    const now = o.now ?? new Date();
    const tags = { [MANAGED_BY_TAG]: MANAGED_BY, "created-at": now.toISOString() };
    if (env.GITHUB_REPOSITORY)
        tags[REPOSITORY_TAG] = env.GITHUB_REPOSITORY;
    const run = workflowRunUrl(env);
    if (run)
        tags["workflow-run"] = run;
    if (env.GITHUB_SHA)
        tags.commit = env.GITHUB_SHA;
    if (o.ttlHours !== undefined)
        tags[EXPIRES_TAG] = new Date(now.getTime() + o.ttlHours * 3_600_000).toISOString();
    return { ...tags, ...o.extra };
}
function workflowRunUrl(env = process.env) {
    if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID)
        return undefined;
    const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : "";
    return `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`;
}
const isManaged = (tags) => tags?.[MANAGED_BY_TAG] === MANAGED_BY;
/**
 * Ours to delete: our managed-by tag AND the repository tag naming this repository. GitHub owner and
 * repository names are case-insensitive (no two repositories differ only in case), so is the comparison.
 */
function isOurs(tags, repository) {
    const tagged = tags?.[REPOSITORY_TAG];
    return isManaged(tags) && !!tagged && !!repository && tagged.toLowerCase() === repository.toLowerCase();
}
/**
 * A full ISO-8601 timestamp: date, time (at least hours and minutes) and a zone (Z or ±hh:mm). "0",
 * "2026", "2026-01-02" or "tomorrow" are not: JavaScript's Date would read some of them as real dates.
 */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** A full ISO-8601 timestamp as a Date, or undefined for anything else. */
function parseTimestamp(v) {
    const t = v?.trim() ?? "";
    const date = ISO_TIMESTAMP.test(t) ? new Date(t) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
/** The expires-at tag, read strictly: absent, a timestamp, or unreadable (teardown keeps such an endpoint). */
function readExpiry(tags) {
    const v = tags?.[EXPIRES_TAG];
    if (v === undefined || v.trim() === "")
        return { kind: "none" };
    const date = parseTimestamp(v);
    return date ? { kind: "at", date } : { kind: "unreadable", value: v };
}
/** When teardown may delete the resource, if it says so readably. */
function expiresAt(tags) {
    const e = readExpiry(tags);
    return e.kind === "at" ? e.date : undefined;
}

;// CONCATENATED MODULE: ./action-deploy/src/azure-calls.ts




/** How long-running operations are followed (shared wait). */
const LRO = { intervalMs: 5_000, maxIntervalMs: 30_000, timeoutMs: 90 * 60_000 };
/**
 * The endpoint as JSON: the 2.1.1 SDK's endpoint model has no mirrorTraffic, so a GET and PUT through it
 * would silently drop mirror traffic (reference §11.3). Raw requests go through the same client pipeline.
 */
async function endpointRequest(s, name, method, body) {
    const url = `${s.cloud.resourceManager}${workspaceId(s.ref)}/onlineEndpoints/${encodeURIComponent(name)}?api-version=${API_VERSION}`;
    const res = await s.client.sendRequest((0,dist_esm/* createPipelineRequest */.G6)({
        url,
        method,
        body: body ? JSON.stringify(body) : undefined,
        headers: (0,dist_esm/* createHttpHeaders */.Nc)({ "content-type": "application/json" }),
    }));
    return {
        res,
        json: res.bodyAsText
            ? JSON.parse(res.bodyAsText)
            : undefined,
    };
}
async function getEndpoint(s, name) {
    const { res, json } = await endpointRequest(s, name, "GET");
    if (res.status === 404)
        return undefined;
    if (res.status >= 400)
        throw new errors/* ActionError */.lZ(`Reading endpoint ${name} failed: ${res.status} ${json?.error?.message ?? ""}`);
    return json;
}
/** PUT the whole endpoint, then follow its Azure-AsyncOperation to the end (shared wait), as the SDK's poller would. */
async function putEndpoint(s, name, body, log) {
    const { res, json } = await endpointRequest(s, name, "PUT", body);
    if (res.status >= 400)
        throw new errors/* ActionError */.lZ(`Updating endpoint ${name} failed: ${res.status} ${json?.error?.code ?? ""} ${json?.error?.message ?? ""}`);
    const operation = res.headers.get("azure-asyncoperation");
    if (!operation)
        return;
    await waitFor(async () => {
        const op = await s.client.sendRequest((0,dist_esm/* createPipelineRequest */.G6)({ url: operation, method: "GET" }));
        const status = JSON.parse(op.bodyAsText ?? "{}");
        const state = status.status ?? "Unknown";
        const retryAfter = Number(op.headers.get("retry-after"));
        return {
            state,
            done: state === "Succeeded",
            failed: ["Failed", "Canceled"].includes(state) ? (status.error?.message ?? state) : undefined,
            retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
        };
    }, { what: `endpoint ${name}`, log, ...LRO, intervalMs: 1_000 });
}
/** Deletes an endpoint with its deployments and waits until it is gone. */
async function deleteEndpoint(s, name, log) {
    const { resourceGroup: rg, workspace: ws } = s.ref;
    await followPoller(await s.client.onlineEndpoints.beginDelete(rg, ws, name), {
        what: `deleting endpoint ${name}`,
        log,
        ...LRO,
    });
}
/** The endpoint's deployments (none when the endpoint does not exist). */
async function listDeployments(s, endpoint) {
    const out = [];
    for await (const d of s.client.onlineDeployments.list(s.ref.resourceGroup, s.ref.workspace, endpoint))
        out.push(d);
    return out;
}
async function getOrUndefined(get) {
    try {
        return await get();
    }
    catch (e) {
        if (e.statusCode === 404)
            return undefined;
        throw e;
    }
}
async function createDeployment(s, endpoint, name, body, timeoutSeconds, log) {
    const { resourceGroup: rg, workspace: ws } = s.ref;
    log.info(`Creating deployment ${name} on ${endpoint} at 0 % traffic (${body.properties.instanceType}).`);
    // Set once Azure accepted the PUT: a refused one created no deployment, so there are no logs to ask for.
    let accepted = false;
    try {
        // Our 2025-12-01 body, typed by DeploymentBody; the SDK's OnlineDeployment is typed for 2022-10-01.
        const sdkBody = body;
        const poller = await s.client.onlineDeployments.beginCreateOrUpdate(rg, ws, endpoint, name, sdkBody);
        accepted = true;
        await followPoller(poller, {
            what: `deployment ${name}`,
            log,
            ...LRO,
            timeoutMs: timeoutSeconds * 1000,
            intervalMs: Math.min(LRO.intervalMs, timeoutSeconds * 250),
        });
    }
    catch (e) {
        if (accepted || (await deploymentExists(s, endpoint, name)))
            await printLogs(s, endpoint, name, log);
        const stuck = e instanceof WaitTimeoutError
            ? ` within provisioning-timeout (${formatDuration(timeoutSeconds * 1000)}); it was still provisioning`
            : "";
        throw new errors/* ActionError */.lZ(`Deployment ${name} did not provision${stuck}: ${(0,errors/* describeError */.Uc)(e)}`, undefined, { cause: e });
    }
}
async function deleteDeployment(s, endpoint, name, log) {
    await followPoller(await s.client.onlineDeployments.beginDelete(s.ref.resourceGroup, s.ref.workspace, endpoint, name), { what: `deleting deployment ${name}`, log, ...LRO });
}
/** Whether the deployment exists (a PUT refused, or failing in the SDK's first poll, may or may not have made one). */
async function deploymentExists(s, endpoint, name) {
    const { resourceGroup: rg, workspace: ws } = s.ref;
    return Boolean(await getOrUndefined(() => s.client.onlineDeployments.get(rg, ws, endpoint, name)).catch(() => undefined));
}
async function printLogs(s, endpoint, name, log) {
    try {
        const logs = await s.client.onlineDeployments.getLogs(s.ref.resourceGroup, s.ref.workspace, endpoint, name, {
            containerType: "InferenceServer",
            tail: 50,
        });
        await log.group(`Last lines of deployment ${name}'s container log`, async () => log.info(`\n${logs.content ?? "(empty)"}`));
    }
    catch (e) {
        log.warning(`Could not read deployment ${name}'s logs: ${(0,errors/* describeError */.Uc)(e)}`);
    }
}

;// CONCATENATED MODULE: ./action-deploy/src/connection.ts



/**
 * A Prompt flow "custom keys" connection holding the endpoint (a setting) and its key (a secret), as the
 * walkthrough sets it up by hand. Sent as raw JSON: the 2.1.1 SDK's models predate CustomKeys and would
 * drop the credentials.
 */
const CONNECTION_FIELDS = { endpoint: "endpoint", key: "key" };
/** Kinds as people call them (Workspace.kind: "Hub" and "Project" are AI Foundry's). */
const KIND_NAMES = { hub: "AI Foundry hub", project: "AI Foundry project" };
const describeTarget = (t) => `${KIND_NAMES[t.kind.toLowerCase()] ?? "workspace"} ${t.ref.workspace} (resource group ${t.ref.resourceGroup})`;
/**
 * The workspace that gets the connection, read before anything is written: the endpoint's own when
 * `promptflow-workspace` is empty; otherwise that one, in the endpoint's subscription (and resource group
 * unless given), which must exist.
 */
async function connectionTarget(s, name, where, shared) {
    if (!where)
        return { name, ref: s.ref, kind: s.workspace.kind ?? "Default", shared };
    const ref = { ...s.ref, resourceGroup: where.resourceGroup ?? s.ref.resourceGroup, workspace: where.name };
    const res = await s.client.sendRequest((0,dist_esm/* createPipelineRequest */.G6)({
        url: `${s.cloud.resourceManager}${workspaceId(ref)}?api-version=${API_VERSION}`,
        method: "GET",
    }));
    if (res.status === 404)
        return `promptflow-workspace ${where.resourceGroup ? `${where.resourceGroup}/` : ""}${where.name}: there is no workspace, hub or project "${where.name}" in resource group ${ref.resourceGroup} of subscription ${ref.subscriptionId}. Give its name (or resource-group/name) as the studio shows it.`;
    if (res.status >= 400)
        return `promptflow-workspace ${where.name} could not be read: ${res.status} ${(res.bodyAsText ?? "").slice(0, 200)} (the identity needs a role on it that may write connections, e.g. "Azure AI Developer" or Contributor).`;
    const ws = JSON.parse(res.bodyAsText ?? "{}");
    return { name, ref, kind: ws.kind ?? "Default", shared };
}
/** The connection's PUT body (WorkspaceConnectionPropertiesV2 of category CustomKeys, workspaceRP.json). */
function connectionBody(endpoint, key, shared) {
    return {
        properties: {
            authType: "CustomKeys",
            category: "CustomKeys",
            target: endpoint,
            // Shared: everyone with access to the workspace sees and may use it in the studio (false: only its creator).
            isSharedToAll: shared,
            // Prompt flow reads a custom connection's metadata as `configs` and its keys as `secrets`.
            credentials: { keys: { [CONNECTION_FIELDS.key]: key } },
            metadata: {
                [CONNECTION_FIELDS.endpoint]: endpoint,
                "azureml.flow.connection_type": "Custom",
                "azureml.flow.module": "promptflow.connections",
            },
        },
    };
}
async function writeConnection(s, target, endpoint, key, log) {
    const url = `${s.cloud.resourceManager}${workspaceId(target.ref)}/connections/${encodeURIComponent(target.name)}?api-version=${API_VERSION}`;
    const res = await s.client.sendRequest((0,dist_esm/* createPipelineRequest */.G6)({
        url,
        method: "PUT",
        body: JSON.stringify(connectionBody(endpoint, key, target.shared)),
        headers: (0,dist_esm/* createHttpHeaders */.Nc)({ "content-type": "application/json" }),
    }));
    if (res.status >= 400)
        throw new errors/* ActionError */.lZ(`Could not write the Prompt flow connection ${target.name} in ${describeTarget(target)}: ${res.status} ${(res.bodyAsText ?? "").slice(0, 300)}`);
    log.info(`Prompt flow connection ${target.name} in ${describeTarget(target)} holds the endpoint and its key (as a secret)` +
        `${target.shared ? ", shared with the workspace's users" : ", visible to its creator only"}.`);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./shared/src/inputs.ts
var inputs = __webpack_require__(9554);
// EXTERNAL MODULE: ./action-deploy/src/probes.ts
var probes = __webpack_require__(4667);
;// CONCATENATED MODULE: ./action-deploy/src/deployment-body.ts




/**
 * The tag on our deployments that fingerprints what they run (model, size, count, request settings, probes,
 * environment): a re-run that would create the same deployment again finds it by this tag and reuses it.
 */
const SETTINGS_TAG = "settings";
/** The tag naming the model a deployment serves, "phi3-chat-ft:7" (ARM tag values are limited to 256 characters; the ARM id is longer). */
const MODEL_TAG = "model";
/**
 * Milliseconds as an ISO 8601 duration, as Azure's request settings want them: 90000 → "PT1M30S",
 * 1500 → "PT1.5S" (isoDuration handles whole seconds; a fraction is kept rather than rounded away).
 */
function msToIsoDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        throw new Error(`Not a duration: ${ms} ms`);
    const whole = Math.floor(ms / 1000);
    const frac = Math.round(ms % 1000);
    if (frac === 0)
        return (0,inputs/* isoDuration */._d)(whole);
    const base = whole >= 60 ? (0,inputs/* isoDuration */._d)(whole - (whole % 60)) : "PT";
    return `${base}${whole % 60}.${String(frac).padStart(3, "0").replace(/0+$/, "")}S`;
}
/**
 * A managed online deployment of an MLflow model (reference §8.2): no environment and no scoring script
 * (Azure builds them for MLflow models), `sku` as azure-ai-ml writes it ({name: "Default", capacity}),
 * the request timeout and concurrency, and both probes written out in full — by default Microsoft's values for
 * LLMs (probes.ts, azureml-examples #3983), so that a container still loading the model is neither restarted
 * (liveness) nor declared failed (readiness) before it answers.
 */
function deploymentBody(o) {
    const properties = {
        endpointComputeType: "Managed",
        description: o.description ?? `Phi-3 chat model ${modelLabel(o.modelId)}.`,
        model: o.modelId,
        instanceType: o.instanceType,
        scaleSettings: { scaleType: "Default" },
        requestSettings: {
            requestTimeout: msToIsoDuration(o.requestTimeoutMs),
            maxConcurrentRequestsPerInstance: o.maxConcurrentRequests,
        },
        livenessProbe: (0,probes/* probeSettings */.Ur)(o.livenessProbe),
        readinessProbe: (0,probes/* probeSettings */.Ur)(o.readinessProbe),
        ...(o.startupProbe ? { startupProbe: (0,probes/* probeSettings */.Ur)(o.startupProbe) } : {}),
        environmentVariables: { ...o.environmentVariables },
    };
    const sku = { name: "Default", capacity: o.instanceCount };
    const tags = standardTags({
        now: o.now,
        env: o.env,
        extra: { [MODEL_TAG]: modelLabel(o.modelId), [SETTINGS_TAG]: settingsHash({ sku, properties }) },
    });
    return { location: o.location, tags, sku, properties };
}
/** "…/models/phi3-chat-ft/versions/7" → "phi3-chat-ft:7" (the id itself when it is not a model version id). */
function modelLabel(modelId) {
    const m = /\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(modelId);
    return m ? `${m[1]}:${m[2]}` : modelId;
}
/**
 * A short fingerprint of what a deployment runs. Environment variables are part of it but only hashed
 * (they may hold values nobody should read in a tag). Key order does not matter.
 */
function settingsHash(b) {
    const p = b.properties;
    const canonical = JSON.stringify([
        p.model.toLowerCase(),
        p.instanceType.toLowerCase(),
        b.sku.capacity,
        p.requestSettings.requestTimeout,
        p.requestSettings.maxConcurrentRequestsPerInstance,
        p.livenessProbe,
        p.readinessProbe,
        // Only when there is one, so that the fingerprint of a deployment made before startup-probe existed holds.
        ...(p.startupProbe ? [p.startupProbe] : []),
        Object.entries(p.environmentVariables).sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0)),
    ]);
    return (0,external_node_crypto_.createHash)("sha256").update(canonical).digest("hex").slice(0, 16);
}

// EXTERNAL MODULE: ./action-deploy/src/identity.ts
var identity = __webpack_require__(4646);
;// CONCATENATED MODULE: ./action-deploy/src/endpoint-body.ts


/**
 * The body that creates our endpoint: key auth (the Prompt flow connection and the chat smoke use the
 * key, as the walkthrough does), our tags (managed-by, repository, run, commit, and an expiry when
 * `ttl-hours` is set), the identity it runs as (system-assigned unless the `identity` input names a
 * user-assigned one; written out so that the body says what the endpoint is) and no traffic yet: there is no
 * deployment to send it to.
 */
function newEndpointBody(o) {
    const tags = standardTags({ ttlHours: o.ttlHours, now: o.now, env: o.env });
    return {
        location: o.location,
        tags,
        identity: (0,identity/* identityBody */.zO)(o.identity ?? { kind: "system" }),
        properties: {
            authMode: "Key",
            description: o.description ??
                `Phi-3 chat fine-tune${tags.repository ? ` of ${tags.repository}` : ""}, deployed by phi3-aml-actions.`,
            traffic: {},
        },
    };
}
/**
 * The full PUT body that sets an endpoint's traffic. Traffic is not in the PATCH body (that takes only tags
 * and identity, reference §8.1), so it changes through a PUT of the whole endpoint, built from the GET
 * result so that nothing else changes: location, kind, sku, identity, tags, description, auth mode,
 * public network access, compute, mirror traffic and the `properties` map (which Azure lets clients add to
 * but never alter or remove from). Read-only fields (id, name, systemData, provisioningState, scoring and
 * swagger URIs, keys, identity principal ids) are left out, as a client must not send them.
 *
 * Tags are only changed, through `retag`, on an endpoint that carries our managed-by tag: someone else's
 * endpoint keeps exactly the tags it had.
 *
 * GET and PUT the endpoint as raw JSON (client.sendRequest), not through onlineEndpoints.* of
 * @azure/arm-machinelearning 2.1.1: its mappers have no `mirrorTraffic`, so the SDK would drop it on the
 * way in and on the way out, and the PUT would silently switch mirroring off.
 */
function withTraffic(endpoint, traffic, o = {}) {
    const problem = trafficProblem(traffic);
    if (problem)
        throw new Error(`Refusing to set the traffic of endpoint ${endpoint.name ?? ""} to ${JSON.stringify(traffic)}: ${problem}`);
    const p = endpoint.properties;
    const body = {
        location: endpoint.location,
        tags: { ...(endpoint.tags ?? {}) },
        properties: { authMode: p.authMode, traffic: { ...traffic } },
    };
    if (endpoint.kind)
        body.kind = endpoint.kind;
    if (endpoint.sku)
        body.sku = { ...endpoint.sku };
    if (endpoint.identity?.type) {
        body.identity = { type: endpoint.identity.type };
        const uai = endpoint.identity.userAssignedIdentities;
        // On a PUT each user-assigned identity is named with an empty object; its ids are read-only.
        if (uai && Object.keys(uai).length)
            body.identity.userAssignedIdentities = Object.fromEntries(Object.keys(uai).map((k) => [k, {}]));
    }
    if (p.description != null)
        body.properties.description = p.description;
    if (p.properties && Object.keys(p.properties).length)
        body.properties.properties = { ...p.properties };
    if (p.publicNetworkAccess)
        body.properties.publicNetworkAccess = p.publicNetworkAccess;
    if (p.compute)
        body.properties.compute = p.compute;
    if (p.mirrorTraffic) {
        const drop = new Set(o.dropMirrorFor ?? []);
        body.properties.mirrorTraffic = Object.fromEntries(Object.entries(p.mirrorTraffic).filter(([d]) => !drop.has(d)));
    }
    if (o.retag && isManaged(endpoint.tags ?? undefined)) {
        const fresh = standardTags({ ttlHours: o.retag.ttlHours, now: o.retag.now, env: o.retag.env });
        // created-at stays when the endpoint was created, not when it was last deployed to.
        delete fresh["created-at"];
        body.tags = { ...body.tags, ...fresh };
        if (o.retag.ttlHours === undefined)
            delete body.tags[EXPIRES_TAG];
    }
    return body;
}
/** Why a traffic map cannot be sent (whole percentages 0-100 adding up to 100, or all 0), or undefined. */
function trafficProblem(traffic) {
    for (const [d, v] of Object.entries(traffic)) {
        if (!Number.isInteger(v) || v < 0 || v > 100)
            return `deployment ${d} would get ${v}%, not a whole percentage from 0 to 100`;
    }
    const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
    return sum === 0 || sum === 100
        ? undefined
        : `the shares add up to ${sum}%, not 100% (or 0% for an endpoint with no live traffic)`;
}

;// CONCATENATED MODULE: ./action-deploy/src/model-body.ts


/**
 * The tag that says where a registered model's files came from. Registration looks for it first, so the
 * same job output registered twice (a re-run, a retried workflow) gives the same model version.
 */
const SOURCE_URI_TAG = "source-uri";
/** Prefix of the tags that carry the fine-tune's hyperparameters ("hp.learning_rate"). */
const HYPERPARAMETER_TAG_PREFIX = "hp.";
/** The output of the fine-tune pipeline job that holds the MLflow model (reference §3.4, §7). */
const TRAINED_MODEL_OUTPUT = "trained_model";
/** azureml://jobs/<job>/outputs/trained_model: what azure-ai-ml and the samples register (reference §7). */
const jobOutputUri = (jobName, output = TRAINED_MODEL_OUTPUT) => `azureml://jobs/${jobName}/outputs/${output}`;
/** The job a model URI points into, when it is a job output URI (azureml://jobs/<job>/outputs/<output>[/paths/...]). */
function jobOfUri(uri) {
    return /^azureml:\/\/jobs\/([^/]+)\/outputs\/[^/]+/i.exec(uri)?.[1];
}
// Node inputs that name compute targets or GPU counts: how the job ran, not what the model learnt.
const NOT_HYPERPARAMETERS = /^(compute_|number_of_gpu_to_use|instance_type)/;
/**
 * Data assets, base model and hyperparameters of a fine-tune pipeline job: from the pipeline's own inputs
 * (camelCase `jobInputType`) and from its nodes' inputs (snake_case `job_input_type`, as azure-ai-ml writes
 * them, reference §3.3). Bindings to parent inputs (`${{parent.inputs.x}}`) are resolved against the
 * pipeline's inputs; anything not understood is left out rather than guessed.
 */
function lineageFromJob(job) {
    const p = job.properties ?? {};
    const top = readInputs(p.inputs ?? {});
    const all = new Map(top);
    for (const node of Object.values(p.jobs ?? {})) {
        const inputs = node?.inputs;
        for (const [k, v] of readInputs(inputs ?? {})) {
            const bound = v.value && /^\$\{\{\s*parent\.inputs\.([\w.-]+)\s*\}\}$/.exec(v.value)?.[1];
            const resolved = bound ? top.get(bound) : v;
            if (resolved && !all.has(k))
                all.set(k, resolved);
        }
    }
    const lineage = job.name ? { jobName: job.name } : {};
    const data = [];
    const hp = {};
    for (const [name, v] of [...all].sort(([a], [b]) => a.localeCompare(b))) {
        if (v.type === "literal") {
            if (v.value !== undefined && !v.value.startsWith("${{") && !NOT_HYPERPARAMETERS.test(name))
                hp[name] = v.value;
        }
        else if (v.uri) {
            if (v.type === "mlflow_model" || v.type === "custom_model")
                lineage.baseModel ??= v.uri;
            else
                data.push(v.uri);
        }
    }
    if (data.length)
        lineage.dataAssets = [...new Set(data)];
    if (Object.keys(hp).length)
        lineage.hyperparameters = hp;
    return lineage;
}
function readInputs(inputs) {
    const out = new Map();
    for (const [name, raw] of Object.entries(inputs)) {
        if (!raw || typeof raw !== "object")
            continue;
        const i = raw;
        const type = String(i.jobInputType ?? i.job_input_type ?? i.type ?? "");
        if (!type)
            continue;
        out.set(name, {
            type,
            value: i.value === undefined || i.value === null ? undefined : String(i.value),
            uri: typeof i.uri === "string" ? i.uri : typeof i.path === "string" ? i.path : undefined,
        });
    }
    return out;
}
// Asset tags are shown in studio tables; very long values (a long list of data assets) are cut there anyway.
const TAG_MAX = 256;
const cut = (s) => (s.length > TAG_MAX ? `${s.slice(0, TAG_MAX - 1)}…` : s);
/**
 * The ModelVersion that registers an MLflow model from a job output (or any azureml:// URI): type
 * `mlflow_model`, so that the deployment needs no environment or scoring script (no-code deployment,
 * reference §7, §8.2), and tags for lineage: ours (managed-by, repository, workflow run, commit), the source
 * URI (to find this registration again), the job, its data, base model and hyperparameters. No expiry tag:
 * a model version costs nothing to keep, and it is the record of what was deployed.
 */
function modelVersionBody(o) {
    const l = o.lineage ?? {};
    const jobName = l.jobName ?? jobOfUri(o.modelUri);
    const extra = { [SOURCE_URI_TAG]: o.modelUri };
    if (jobName)
        extra["job-name"] = jobName;
    if (l.dataAssets?.length)
        extra["data-assets"] = cut(l.dataAssets.join(", "));
    if (l.baseModel)
        extra["base-model"] = cut(l.baseModel);
    for (const [k, v] of Object.entries(l.hyperparameters ?? {}))
        extra[`${HYPERPARAMETER_TAG_PREFIX}${k}`] = cut(v);
    const tags = standardTags({ now: o.now, env: o.env, extra });
    // The ARM properties of an asset cannot be changed later: a good place for what will never change.
    const properties = { [SOURCE_URI_TAG]: o.modelUri };
    if (tags.commit)
        properties.commit = tags.commit;
    return {
        properties: {
            description: o.description ??
                `Phi-3 chat model fine-tuned${jobName ? ` by job ${jobName}` : ""}${tags.repository ? ` in ${tags.repository}` : ""}.`,
            modelType: "mlflow_model",
            modelUri: o.modelUri,
            ...(jobName ? { jobName } : {}),
            isAnonymous: false,
            tags,
            properties,
        },
    };
}
/**
 * The version already registered from this source URI (found by our tag), if any; archived versions are
 * left alone, as someone retired them on purpose. Of several, the newest.
 */
function findRegistered(versions, sourceUri) {
    const hits = versions.filter((v) => v.properties?.tags?.[SOURCE_URI_TAG] === sourceUri && !v.properties?.isArchived);
    return hits.sort((a, b) => compareVersions(b.name ?? "", a.name ?? ""))[0];
}
/**
 * The next version of a model: one more than the highest whole-number version (Azure's own scheme when it
 * picks versions), "1" for a new model. Versions that are not whole numbers ("2024-05-01") are ignored.
 */
function nextVersion(existing) {
    let max = 0n;
    for (const v of existing)
        if (/^\d+$/.test(v.trim()) && BigInt(v.trim()) > max)
            max = BigInt(v.trim());
    return String(max + 1n);
}
function compareVersions(a, b) {
    const na = /^\d+$/.test(a), nb = /^\d+$/.test(b);
    if (na && nb)
        return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
    return na === nb ? a.localeCompare(b) : na ? 1 : -1;
}
/** The ARM id that a deployment's `model` names (reference §7). */
const modelId = (w, name, version) => `${workspaceId(w)}/models/${name}/versions/${version}`;
/** "phi3-chat-ft:7" → { name, version }; undefined when it is not name:version. */
function parseModelRef(ref) {
    const m = /^([\w.-]+):(\d+)$/.exec(ref.trim());
    return m ? { name: m[1], version: m[2] } : undefined;
}
/** The lineage written by modelVersionBody, read back from a registered model's tags (for the summary). */
function lineageFromTags(tags) {
    const t = tags ?? {};
    const str = (k) => (typeof t[k] === "string" && t[k] ? t[k] : undefined);
    const hp = Object.fromEntries(Object.entries(t)
        .filter(([k, v]) => k.startsWith(HYPERPARAMETER_TAG_PREFIX) && typeof v === "string")
        .map(([k, v]) => [k.slice(HYPERPARAMETER_TAG_PREFIX.length), v]));
    const data = str("data-assets");
    const out = {};
    const set = (k, v) => {
        if (v !== undefined)
            out[k] = v;
    };
    set("jobName", str("job-name"));
    set("dataAssets", data ? data.split(/,\s*/) : undefined);
    set("baseModel", str("base-model"));
    set("hyperparameters", Object.keys(hp).length ? hp : undefined);
    set("commit", str("commit"));
    set("workflowRun", str("workflow-run"));
    set("repository", str("repository"));
    set("sourceUri", str(SOURCE_URI_TAG));
    return out;
}

;// CONCATENATED MODULE: ./action-deploy/src/model-choice.ts



/** The model to deploy: a registered name:version, or a job output / URI registered once (found again by its source-uri tag). */
async function chooseModel(s, inputs, log) {
    const { resourceGroup: rg, workspace: ws } = s.ref;
    const what = inputs.what;
    if ("model" in what) {
        const ref = parseModelRef(what.model);
        const existing = await getOrUndefined(() => s.client.modelVersions.get(rg, ws, ref.name, ref.version));
        if (!existing)
            throw new errors/* ActionError */.lZ(`There is no registered model ${ref.name}:${ref.version} in workspace ${ws}.`);
        // Registered by an earlier deploy: its tags say what it was fine-tuned from (the base model sizes it).
        const lineage = lineageFromTags(existing.properties.tags);
        return { ...ref, id: modelId(s.ref, ref.name, ref.version), reused: true, lineage };
    }
    let sourceUri;
    let lineage;
    if ("jobName" in what) {
        const job = await getOrUndefined(() => s.client.jobs.get(rg, ws, what.jobName));
        if (!job)
            throw new errors/* ActionError */.lZ(`There is no job ${what.jobName} in workspace ${ws}.`);
        if (job.properties.status !== "Completed")
            throw new errors/* ActionError */.lZ(`Job ${what.jobName} is ${job.properties.status}, not Completed: there is no trained model to deploy yet.`);
        const outputs = job.properties.outputs ?? {};
        if (!(TRAINED_MODEL_OUTPUT in outputs))
            throw new errors/* ActionError */.lZ(`Job ${what.jobName} has no ${TRAINED_MODEL_OUTPUT} output (outputs: ${Object.keys(outputs).join(", ") || "none"}).`);
        sourceUri = jobOutputUri(what.jobName);
        lineage = lineageFromJob(job);
    }
    else
        sourceUri = what.modelUri;
    const versions = [];
    try {
        for await (const v of s.client.modelVersions.list(rg, ws, inputs.modelName))
            versions.push(v);
    }
    catch (e) {
        if (e.statusCode !== 404)
            throw e;
    }
    const found = findRegistered(versions, sourceUri);
    if (found?.name) {
        log.info(`${sourceUri} is registered already as ${inputs.modelName}:${found.name}; reusing it.`);
        return {
            name: inputs.modelName,
            version: found.name,
            id: modelId(s.ref, inputs.modelName, found.name),
            reused: true,
            lineage,
        };
    }
    const version = nextVersion(versions.map((v) => v.name ?? ""));
    return {
        name: inputs.modelName,
        version,
        id: modelId(s.ref, inputs.modelName, version),
        reused: false,
        lineage,
        register: modelVersionBody({ modelUri: sourceUri, lineage }),
    };
}

// EXTERNAL MODULE: ./shared/src/names.ts
var names = __webpack_require__(6795);
;// CONCATENATED MODULE: ./action-deploy/src/names.ts

/**
 * The endpoint name when the `endpoint` input is empty: derived from the repository ("Octo-Org/Phi3_Demo"
 * → "octo-org-phi3-demo"). Scoring URIs are <endpoint>.<region>.inference.ml.azure.com, so the name must be
 * unique in the region; the repository is what tells one project's endpoint from another's. Outside
 * Actions (no GITHUB_REPOSITORY) a fixed name keeps local runs predictable.
 */
function defaultEndpointName(repository) {
    return (0,names/* deriveName */.HT)(names/* ONLINE_ENDPOINT */.Ac, repository?.trim() ? repository : "phi3-chat");
}
/**
 * The deployment name for a model version: "v" and the version. Azure wants 3-32 characters, so one-digit
 * versions are zero-padded ("v07", not "v7", which Azure refuses); versions that are not plain numbers are
 * turned into a valid name the same way other names are derived.
 */
function deploymentNameFor(version) {
    const v = version.trim();
    if (/^\d+$/.test(v)) {
        const name = `v${v.padStart(2, "0")}`;
        if (!(0,names/* checkName */.I3)(names/* ONLINE_DEPLOYMENT */.am, name))
            return name;
    }
    return (0,names/* deriveName */.HT)(names/* ONLINE_DEPLOYMENT */.am, `v-${v}`);
}
/**
 * `base` when no deployment has that name, else the first free "base-2", "base-3", … (cut so that the
 * suffix fits in 32 characters). Deployment names are compared case-insensitively, as Azure does.
 */
function freeName(base, taken) {
    const used = new Set([...taken].map((n) => n.toLowerCase()));
    if (!used.has(base.toLowerCase()))
        return base;
    for (let i = 2;; i++) {
        const tail = `-${i}`;
        const name = `${base.slice(0, names/* ONLINE_DEPLOYMENT */.am.max - tail.length).replace(/-+$/, "")}${tail}`;
        if (!used.has(name.toLowerCase()))
            return name;
    }
}

;// CONCATENATED MODULE: ./action-deploy/src/plan.ts




/** Azure's limit of deployments per endpoint (Azure ML resource limits; an exception can be requested). */
const MAX_DEPLOYMENTS_PER_ENDPOINT = 20;
/**
 * The blue/green rollout, decided before anything is created:
 * 1. create the endpoint when missing (ours, key auth, no traffic);
 * 2. create the new deployment, which takes no live traffic until the endpoint says so;
 * 3. send the smoke prompt to it alone (header azureml-model-deployment);
 * 4. set the traffic with one full PUT of the endpoint: the new deployment gets `traffic` %, the other
 *    deployments share the rest in proportion to what they had (so 100 leaves them 0);
 * 5. delete our previous deployments that now have 0 %, unless `keep-previous`.
 * Live users are served throughout: until step 4 by the deployments that served them, from step 4 on by the
 * new mix, and nothing that serves is deleted. An endpoint without our managed-by tag is used like ours,
 * but never deleted or re-tagged, and deployments that are not ours are never deleted.
 */
function planRollout(i) {
    const problems = numberProblems(i);
    const notes = [];
    // The endpoint: created when missing; one without our tag is used, never re-tagged or deleted.
    const endpoint = endpointOf(i, problems, notes);
    // The new deployment: the name asked for or derived, or an identical one of ours reused.
    const { name, create } = newDeployment(i, problems, notes);
    // Live traffic before and after, and who served the most before (the previous deployment).
    const traffic = trafficOf(i, name, problems, notes);
    // What becomes of the others once traffic has moved: deleted when ours and idle, else kept with the reason.
    const { deleteAfter, kept } = previousDeployments(i, name, traffic.after);
    const steps = stepsOf(i, { name, create, exists: endpoint.exists, ...traffic, deleteAfter });
    return {
        endpoint,
        deployment: { name, create },
        previous: traffic.previous,
        trafficBefore: traffic.before,
        trafficAfter: traffic.after,
        deleteAfter,
        kept,
        steps,
        onFailure: create ? [{ kind: "delete-deployment", deployment: name }] : [],
        ...capacityOf(i, name, create, deleteAfter),
        notes,
        problems,
    };
}
function numberProblems(i) {
    const problems = [];
    if (!Number.isInteger(i.instanceCount) || i.instanceCount < 1)
        problems.push(`instance-count must be a whole number of at least 1; got ${i.instanceCount}.`);
    if (!Number.isInteger(i.traffic) || i.traffic < 0 || i.traffic > 100)
        problems.push(`traffic must be a whole percentage from 0 to 100; got ${i.traffic}.`);
    return problems;
}
function endpointOf(i, problems, notes) {
    const badEndpoint = (0,names/* checkName */.I3)(names/* ONLINE_ENDPOINT */.Ac, i.endpointName);
    if (badEndpoint)
        problems.push(badEndpoint);
    const exists = i.endpoint !== undefined;
    const managed = exists ? isManaged(i.endpoint?.tags ?? undefined) : true;
    if (exists && !managed) {
        notes.push(`Endpoint ${i.endpointName} has no managed-by tag of phi3-aml-actions: it is used as it is, never re-tagged or deleted, and only deployments of ours on it are ever removed.`);
    }
    return { name: i.endpointName, exists, managed };
}
/**
 * The new deployment's name: the one asked for, else v<version>; an identical deployment of ours (same
 * settings fingerprint, provisioned) is reused, any other owner of the name means another name.
 */
function newDeployment(i, problems, notes) {
    const byName = new Map(i.deployments.map((d) => [d.name.toLowerCase(), d]));
    const reusable = (d) => !!d &&
        d.tags?.[SETTINGS_TAG] === i.settings &&
        isManaged(d.tags ?? undefined) &&
        d.properties?.provisioningState === "Succeeded";
    const chosen = i.deployment !== undefined
        ? namedDeployment(i, i.deployment, byName, reusable, problems)
        : derivedDeployment(i, byName, reusable, notes);
    if (!chosen.create)
        notes.push(`Deployment ${chosen.name} already runs ${i.model.name}:${i.model.version} with these settings; it is reused, not created again.`);
    if (chosen.create && i.deployments.length >= MAX_DEPLOYMENTS_PER_ENDPOINT) {
        problems.push(`Endpoint ${i.endpointName} already has ${i.deployments.length} deployments, Azure's limit per endpoint (${MAX_DEPLOYMENTS_PER_ENDPOINT}); delete some first.`);
    }
    return chosen;
}
function namedDeployment(i, name, byName, reusable, problems) {
    const bad = (0,names/* checkName */.I3)(names/* ONLINE_DEPLOYMENT */.am, name);
    if (bad)
        problems.push(bad);
    const same = byName.get(name.toLowerCase());
    if (same && reusable(same))
        return { name, create: false };
    if (same) {
        problems.push(`Deployment ${name} already exists on endpoint ${i.endpointName} (${describe(same)}) and is not this model with these settings; ` +
            "a rollout never changes a deployment in place. Give another `deployment` name, or leave it empty to derive one.");
    }
    return { name, create: true };
}
function derivedDeployment(i, byName, reusable, notes) {
    const base = deploymentNameFor(i.model.version);
    const same = byName.get(base.toLowerCase());
    if (same && reusable(same))
        return { name: same.name, create: false };
    // Of the suffixed names already there, one may be the identical deployment of an earlier run.
    const twin = i.deployments.find((d) => d.name.toLowerCase().startsWith(`${base.toLowerCase()}-`) && /-\d+$/.test(d.name) && reusable(d));
    const name = twin?.name ?? freeName(base, byName.keys());
    const create = !twin;
    if (same && create)
        notes.push(`Deployment ${base} exists with another model or other settings (${describe(same)}); the new deployment is named ${name}.`);
    return { name, create };
}
/** Traffic before (every deployment, 0 where the endpoint does not name it), after, and the previous deployment. */
function trafficOf(i, name, problems, notes) {
    const byName = new Map(i.deployments.map((d) => [d.name.toLowerCase(), d]));
    const before = {};
    for (const d of i.deployments)
        before[d.name] = 0;
    for (const [d, v] of Object.entries(i.endpoint?.properties.traffic ?? {}))
        if (byName.has(d.toLowerCase()))
            before[byName.get(d.toLowerCase()).name] = v;
    const share = Number.isInteger(i.traffic) ? Math.min(100, Math.max(0, i.traffic)) : 0;
    const others = i.deployments.map((d) => d.name).filter((d) => d !== name);
    const { traffic: after, note } = distribute(before, name, others, share);
    if (note)
        notes.push(note);
    if (sum(before) > 0 && sum(after) === 0) {
        problems.push(`traffic 0 would leave the live users of endpoint ${i.endpointName} with no deployment: ${name} is the only one that serves them. Deploy with traffic above 0, or add another deployment first.`);
    }
    const previous = Object.entries(before)
        .filter(([d, v]) => d !== name && v > 0)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
    return { before, after, previous };
}
function previousDeployments(i, name, after) {
    const deleteAfter = [];
    const kept = [];
    for (const d of i.deployments.filter((x) => x.name !== name)) {
        if ((after[d.name] ?? 0) > 0)
            kept.push({ name: d.name, reason: `still serves ${after[d.name]}% of live traffic` });
        else if (i.keepPrevious)
            kept.push({ name: d.name, reason: "keep-previous is set" });
        else if (!isManaged(d.tags ?? undefined))
            kept.push({ name: d.name, reason: "not created by phi3-aml-actions (no managed-by tag), so never deleted" });
        else if (BUSY.has(d.properties?.provisioningState ?? ""))
            kept.push({
                name: d.name,
                reason: `it is ${d.properties?.provisioningState} (another run may be working on it)`,
            });
        else
            deleteAfter.push(d.name);
    }
    return { deleteAfter, kept };
}
function stepsOf(i, o) {
    const steps = [];
    if (!o.exists)
        steps.push({ kind: "create-endpoint", endpoint: i.endpointName });
    if (o.create)
        steps.push({ kind: "create-deployment", deployment: o.name });
    if (i.smoke)
        steps.push({ kind: "smoke", deployment: o.name });
    if (!sameTraffic(o.before, o.after, o.name))
        steps.push({ kind: "set-traffic", traffic: o.after });
    for (const d of o.deleteAfter)
        steps.push({ kind: "delete-deployment", deployment: d });
    return steps;
}
/** What runs during the rollout (quota) and after it (cost). */
function capacityOf(i, name, create, deleteAfter) {
    const running = (d) => ({
        name: d.name,
        instanceType: d.properties?.instanceType ?? "unknown",
        instanceCount: d.sku?.capacity ?? 1,
    });
    const fresh = { name, instanceType: i.instanceType, instanceCount: i.instanceCount };
    const existing = i.deployments.filter((d) => d.name !== name).map(running);
    const reused = i.deployments.find((d) => d.name === name);
    return {
        duringRollout: { adding: create ? fresh : undefined, running: i.deployments.map(running) },
        afterRollout: [
            ...existing.filter((d) => !deleteAfter.includes(d.name)),
            reused && !create ? running(reused) : fresh,
        ],
    };
}
// States in which another operation (perhaps another workflow run) is working on a deployment.
const BUSY = new Set(["Creating", "Updating", "Scaling", "Deleting"]);
const sum = (t) => Object.values(t).reduce((a, b) => a + b, 0);
/**
 * The new deployment gets `share` %; the rest goes to the others in proportion to what they had, in whole
 * percentages that add up exactly (largest remainders; ties by name, so the result is always the same).
 * When the others had nothing (a first rollout, or only dark deployments), nobody else can take live
 * traffic: the new deployment gets all of it, unless it was asked to stay dark.
 */
function distribute(before, name, others, share) {
    const traffic = {};
    for (const d of others)
        traffic[d] = 0;
    const base = others.reduce((a, d) => a + (before[d] ?? 0), 0);
    if (share === 0) {
        if (base === 0) {
            traffic[name] = 0;
            return { traffic };
        }
        // Dark: the others keep their shares, scaled back to 100 when the new deployment held some before.
        Object.assign(traffic, largestRemainder(others, before, base, 100));
        traffic[name] = 0;
        return { traffic };
    }
    if (share === 100 || base === 0) {
        traffic[name] = 100;
        const note = share < 100
            ? `traffic ${share} asked, but no other deployment serves live traffic to share the rest with: ${name} gets 100%.`
            : undefined;
        return { traffic, note };
    }
    Object.assign(traffic, largestRemainder(others, before, base, 100 - share));
    traffic[name] = share;
    return { traffic };
}
function largestRemainder(names, weights, total, amount) {
    const exact = names.map((d) => ({ d, x: ((weights[d] ?? 0) * amount) / total }));
    const out = Object.fromEntries(exact.map(({ d, x }) => [d, Math.floor(x)]));
    let left = amount - sum(out);
    for (const { d } of [...exact].sort((a, b) => b.x - Math.floor(b.x) - (a.x - Math.floor(a.x)) || a.d.localeCompare(b.d))) {
        if (left <= 0)
            break;
        if ((weights[d] ?? 0) === 0)
            continue;
        out[d] += 1;
        left--;
    }
    return out;
}
/** Equal when every deployment has the same share (a missing entry is 0): then no PUT is needed. */
function sameTraffic(a, b, newName) {
    const names = new Set([...Object.keys(a), ...Object.keys(b), newName]);
    return [...names].every((d) => (a[d] ?? 0) === (b[d] ?? 0));
}
function describe(d) {
    const model = d.properties?.model ? /\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(d.properties.model) : null;
    const parts = [
        model ? `model ${model[1]}:${model[2]}` : d.properties?.model ? `model ${d.properties.model}` : undefined,
        d.properties?.instanceType ?? undefined,
        d.properties?.provisioningState,
    ];
    return parts.filter(Boolean).join(", ") || "unknown settings";
}
/**
 * The live traffic of the endpoint after each step, from the traffic before (deleting a deployment that
 * still had a share would take it away; a deployment created takes none until the PUT). Used to check
 * that live users are never left at 0 %, and handy in logs.
 */
function trafficTimeline(plan) {
    let current = { ...plan.trafficBefore };
    return plan.steps.map((step) => {
        if (step.kind === "create-deployment")
            current = { ...current, [step.deployment]: current[step.deployment] ?? 0 };
        if (step.kind === "set-traffic")
            current = { ...step.traffic };
        if (step.kind === "delete-deployment") {
            current = { ...current };
            delete current[step.deployment];
        }
        return { step, traffic: current, live: sum(current) };
    });
}

;// CONCATENATED MODULE: ./action-deploy/src/quota.ts
/**
 * Whether the VM family has the cores a rollout needs, checked before anything is created.
 *
 * Two things make a deployment need more than "vCPUs × instances":
 * - during a blue/green rollout the previous deployment keeps serving until traffic has moved, so the
 *   family must hold both at once;
 * - Azure ML reserves 20 % extra for upgrades on most VM sizes: a deployment of n instances needs quota for
 *   ceil(1.2 × n) instances (one NC6s_v3 instance needs 12 cores), except on the sizes Azure lists as
 *   exempt (the A100/H100/ND families). Source: learn.microsoft.com, "Manage and increase quotas" →
 *   "Virtual machine quota allocation for deployment", and "Managed online endpoints SKU list"
 *   (MicrosoftDocs/azure-ai-docs, articles/machine-learning/reference-managed-online-endpoints-vm-sku-list.md).
 */
/** Sizes this action knows without asking Azure (family and vCPUs from the managed online endpoints SKU list). */
const KNOWN_VM_SIZES = [
    { name: "Standard_NC6s_v3", family: "standardNCSv3Family", vCPUs: 6 },
    { name: "Standard_NC12s_v3", family: "standardNCSv3Family", vCPUs: 12 },
    { name: "Standard_NC24s_v3", family: "standardNCSv3Family", vCPUs: 24 },
    { name: "Standard_NC4as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 4 },
    { name: "Standard_NC8as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 8 },
    { name: "Standard_NC16as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 16 },
    { name: "Standard_NC64as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 64 },
    { name: "Standard_NC24ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 24 },
    { name: "Standard_NC48ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 48 },
    { name: "Standard_NC96ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 96 },
    { name: "Standard_NC40ads_H100_v5", family: "standardNCADSH100v5Family", vCPUs: 40 },
    { name: "Standard_ND96asr_v4", family: "standardNDASv4_A100Family", vCPUs: 96 },
    { name: "Standard_E4s_v3", family: "standardESv3Family", vCPUs: 4 },
    { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4 },
    { name: "Standard_F4s_v2", family: "standardFSv2Family", vCPUs: 4 },
];
/** Families whose sizes skip the 20 % reservation ("Skip 20% Reservation: Yes" in the SKU list). */
const NO_RESERVE = new Set([
    "standardNCADSA100v4Family",
    "standardNCADSH100v5Family",
    "standardNDAMSv4_A100Family",
    "standardNDASv4_A100Family",
    "standardNDSv2Family",
    "standardNDv5H100Family",
].map(familyKey));
/**
 * Family names are written "standardNCSv3Family" by the vmSizes API, "Standard NCSv3 Family Cluster Dedicated
 * vCPUs" by the usages API (azure-rest-api-specs …/2025-12-01/examples/Usage/list.json), and
 * "Standard NCSv3 Family" by people: one key for all three.
 */
function familyKey(family) {
    return family
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "")
        .replace(/(cluster)?(dedicated)?vcpus$/, "");
}
/** The size from Azure's list for the region when given, else from the known sizes (case-insensitive). */
function findVmSize(instanceType, sizes) {
    const want = instanceType.trim().toLowerCase();
    return sizes?.find((s) => s.name.toLowerCase() === want) ?? KNOWN_VM_SIZES.find((s) => s.name.toLowerCase() === want);
}
/** Instances Azure wants quota for: ceil(1.2 × n), or n on the exempt families. */
function reservedInstances(family, instanceCount) {
    return NO_RESERVE.has(familyKey(family)) ? instanceCount : Math.ceil((instanceCount * 12) / 10);
}
/** The cores a deployment holds against its family's quota. */
const coresFor = (size, instanceCount) => reservedInstances(size.family, instanceCount) * size.vCPUs;
const QUOTA_DOCS = "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-and-limit-increases";
/**
 * The subscription's row of a family: not the low-priority one, and not a workspace's or a cluster's share
 * (those repeat the family's name, with ids under a workspace).
 */
function subscriptionUsage(usages, key) {
    const same = usages.filter((u) => familyKey(u.name?.value ?? "") === key && !/low\s*priority/i.test(`${u.name?.value ?? ""} ${u.type ?? ""}`));
    return (same.find((u) => /vmFamily\/usages$/i.test(u.type ?? "")) ??
        same.find((u) => !/\/workspaces?\//i.test(`${u.id ?? ""}/${u.type ?? ""}`)));
}
/** Checks the new deployment and everything that runs beside it against the family's quota. */
function checkQuota(q) {
    const none = { addingCores: 0, runningCores: 0, needed: 0 };
    if (!q.adding)
        return { ok: true, checked: false, ...none, message: "No new deployment is created, so no new cores are needed." };
    const size = findVmSize(q.adding.instanceType, q.vmSizes);
    if (!size) {
        return {
            ok: true,
            checked: false,
            ...none,
            message: `Quota not checked: the VM size ${q.adding.instanceType} is unknown${q.location ? ` in ${q.location}` : ""} (is it available there, and spelled as Azure spells it?).`,
        };
    }
    const key = familyKey(size.family);
    const usage = subscriptionUsage(q.usages, key);
    const familyName = usage?.name?.localizedValue?.replace(/\s+(Cluster\s+)?Dedicated vCPUs$/i, "") || size.family;
    const addingCores = coresFor(size, q.adding.instanceCount);
    const same = q.running
        .map((d) => ({ d, s: findVmSize(d.instanceType, q.vmSizes) }))
        .filter((x) => x.s && familyKey(x.s.family) === key);
    const runningCores = same.reduce((a, x) => a + coresFor(x.s, x.d.instanceCount), 0);
    const needed = addingCores + runningCores;
    const base = { family: familyName, addingCores, runningCores, needed };
    if (!usage || typeof usage.limit !== "number" || typeof usage.currentValue !== "number") {
        return {
            ok: true,
            checked: false,
            ...base,
            message: `Quota not checked: Azure reported no usage for ${familyName}${q.location ? ` in ${q.location}` : ""}; the rollout needs ${needed} vCPUs of it at once.`,
        };
    }
    const limit = usage.limit;
    const current = usage.currentValue;
    const free = Math.max(0, limit - current);
    const counted = q.usageCountsRunning === false ? 0 : runningCores;
    const available = Math.min(limit, free + counted);
    const requiredLimit = limit - available + needed;
    const ok = needed <= available;
    const reserve = reservedInstances(size.family, q.adding.instanceCount) !== q.adding.instanceCount;
    const parts = [
        `${addingCores} for the new deployment ${q.adding.name} (${q.adding.instanceCount} × ${size.name}, ${size.vCPUs} vCPUs each${reserve ? `, counted as ${reservedInstances(size.family, q.adding.instanceCount)} instances for the 20 % Azure reserves for upgrades` : ""})`,
        ...same.map((x) => `${coresFor(x.s, x.d.instanceCount)} for ${x.d.name}, which keeps running during the rollout`),
    ];
    const where = q.location ? ` in ${q.location}` : "";
    const head = `${familyName}${where}: the rollout needs ${needed} vCPUs at once (${parts.join("; ")}); limit ${limit}, in use ${current}, free ${free}`;
    if (ok)
        return { ok, checked: true, ...base, limit, current, free, requiredLimit, message: `${head}. Enough.` };
    return {
        ok,
        checked: true,
        ...base,
        limit,
        current,
        free,
        requiredLimit,
        message: `Not enough quota. ${head}. ` +
            `Request a limit of at least ${requiredLimit} vCPUs for ${familyName}${where}: in Azure ML studio (Quota), or in the Azure portal under the workspace's Usage + quotas → Request quota (${QUOTA_DOCS}). ` +
            `Or choose an instance-type in a family with free quota${same.length ? ", or remove deployments that no longer serve first" : ""}.`,
    };
}

;// CONCATENATED MODULE: ./shared/src/azureml/catalog.ts
/**
 * A model version of the Azure ML model catalog (a registry such as `azureml`), read the way Azure ML studio
 * and Microsoft's notebooks read it: its archive flag, its lifecycle dates, the tasks it can be fine-tuned
 * for, its `model_specific_defaults`, its compute allow-lists and its minimum VM spec.
 *
 * Where these come from, as the registry serves a model version (`properties.tags` / `properties.properties`,
 * every value a string):
 * - Tags `model_specific_defaults`, `finetune_compute_allow_list`, `inference_compute_allow_list`: Python
 *   literals. Azure/azureml-examples `sdk/python/foundation-models/system/finetune/chat-completion/
 *   chat-completion.ipynb` reads them with `ast.literal_eval(foundation_model.tags[...])` and merges the
 *   defaults over its own training parameters; azure-ai-ml's `Model` entity exposes `tags` as a str → str dict.
 * - Tags `FinetuneDeprecationDate`, `FinetuneRetirementDate`, `InferenceDeprecationDate`,
 *   `InferenceRetirementDate` ("2025-08-30"), and properties `finetuning-tasks`, `finetune-min-sku-spec`,
 *   `inference-min-sku-spec` ("vCPUs|GPUs|memory GB|disk GB"), `finetune-recommended-sku`: Azure/azureml-assets
 *   `assets/models/system/phi-3-mini-4k-instruct/spec.yaml` at commit 0103fd16 (version 15, as published).
 *   Newer spec files keep the same data under `system_metadata` (`deprecation.finetuneRetirementDate`,
 *   `tasks.fineTuningTasks`, `SKU.finetuneMinSkuSpec`); both spellings are read.
 * - `isArchived`: AssetBase in the 2025-12-01 REST spec (machineLearningServices/mfe.json).
 */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/** Python literals as ast.literal_eval takes them (dict, list, tuple, str, int, float, True/False/None). */
function parsePythonLiteral(text) {
    const p = new LiteralParser(text);
    const value = p.value();
    p.end();
    return value;
}
class LiteralParser {
    s;
    i = 0;
    constructor(s) {
        this.s = s;
    }
    value() {
        this.space();
        const c = this.s[this.i];
        if (c === "{")
            return this.dict();
        if (c === "[")
            return this.sequence("[", "]");
        if (c === "(")
            return this.sequence("(", ")");
        if (c === "'" || c === '"')
            return this.string(c);
        return this.word();
    }
    end() {
        this.space();
        if (this.i < this.s.length)
            this.fail("unexpected text");
    }
    dict() {
        const out = {};
        this.i++;
        for (;;) {
            this.space();
            if (this.eat("}"))
                return out;
            const key = this.value();
            this.space();
            if (!this.eat(":"))
                this.fail("expected ':'");
            out[String(key)] = this.value();
            this.space();
            if (this.eat("}"))
                return out;
            if (!this.eat(","))
                this.fail("expected ',' or '}'");
        }
    }
    sequence(open, close) {
        const out = [];
        this.i += open.length;
        for (;;) {
            this.space();
            if (this.eat(close))
                return out;
            out.push(this.value());
            this.space();
            if (this.eat(close))
                return out;
            if (!this.eat(","))
                this.fail(`expected ',' or '${close}'`);
        }
    }
    string(quote) {
        let out = "";
        this.i++;
        while (this.i < this.s.length) {
            const c = this.s[this.i++];
            if (c === quote)
                return out;
            if (c !== "\\") {
                out += c;
                continue;
            }
            const e = this.s[this.i++];
            const simple = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
            if (e !== undefined && simple[e] !== undefined)
                out += simple[e];
            else if (e === "u" || e === "x") {
                const len = e === "u" ? 4 : 2;
                out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + len), 16));
                this.i += len;
            }
            else
                out += `\\${e ?? ""}`;
        }
        return this.fail("unterminated string");
    }
    word() {
        const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(?![\w.])|^[A-Za-z_][\w.]*/.exec(this.s.slice(this.i));
        if (!m)
            return this.fail("expected a value");
        this.i += m[0].length;
        const w = m[0];
        if (w === "True")
            return true;
        if (w === "False")
            return false;
        if (w === "None")
            return null;
        if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(w))
            return Number(w);
        return this.fail(`unknown name ${w}`);
    }
    space() {
        while (/\s/.test(this.s[this.i] ?? ""))
            this.i++;
    }
    eat(c) {
        if (this.s[this.i] !== c)
            return false;
        this.i++;
        return true;
    }
    fail(what) {
        throw new Error(`${what} at character ${this.i} of ${JSON.stringify(this.s.slice(0, 80))}`);
    }
}
/** "24|1|220|64" → MinSpec; undefined for anything else. */
function parseMinSpec(text) {
    if (typeof text !== "string")
        return undefined;
    const parts = text.split("|").map((p) => Number(p.trim()));
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n) || n < 0))
        return undefined;
    const [vCPUs, gpus, memoryGB, diskGB] = parts;
    return { vCPUs, gpus, memoryGB, diskGB, text: text.trim() };
}
/** A list tag: a Python/JSON list literal, or a comma-separated string ("A, B"). */
function parseList(value) {
    if (Array.isArray(value))
        return value.map(String);
    if (typeof value !== "string" || !value.trim())
        return undefined;
    const t = value.trim();
    if (/^[[({'"]/.test(t)) {
        const parsed = parsePythonLiteral(t);
        if (!Array.isArray(parsed))
            throw new Error("not a list");
        return parsed.map(String);
    }
    return t
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
}
/** A dict tag such as model_specific_defaults: a Python/JSON dict literal of scalars. */
function parseDefaults(value) {
    const parsed = typeof value === "string" ? parsePythonLiteral(value) : value;
    if (!isObject(parsed))
        throw new Error("not a dict");
    const out = {};
    for (const [k, v] of Object.entries(parsed)) {
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
            out[k] = v;
    }
    return out;
}
/** yyyy-mm-dd of a catalog date ("2025-08-30", "2025-08-30T00:00:00.000000Z"), or undefined. */
function catalogDate(value) {
    if (typeof value !== "string")
        return undefined;
    const m = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
    return m && !Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`)) ? m[1] : undefined;
}
/** A key looked up case-insensitively, ignoring '-' and '_' (tags are written in several styles). */
function pick(bag, ...keys) {
    const norm = (k) => k.toLowerCase().replace(/[-_]/g, "");
    const want = new Set(keys.map(norm));
    const hit = Object.keys(bag).find((k) => want.has(norm(k)));
    return hit === undefined ? undefined : bag[hit];
}
/** Reads one tag, recording (not throwing) a tag that is present but malformed. */
function readTag(bag, key, read, unreadable) {
    const raw = pick(bag, key);
    if (raw === undefined || raw === "")
        return undefined;
    try {
        return read(raw);
    }
    catch (e) {
        unreadable.push(`the tag ${key} (${e.message})`);
        return undefined;
    }
}
/** The catalog facts of a registry model version resource (GET .../models/{name}/versions/{v}). */
function catalogModel(resource, registry) {
    const r = isObject(resource) ? resource : {};
    const p = isObject(r.properties) ? r.properties : {};
    const tags = isObject(p.tags) ? p.tags : {};
    const props = isObject(p.properties) ? p.properties : {};
    const unreadable = [];
    const bag = { ...props, ...tags };
    const tasks = parseList(pick(bag, "finetuning-tasks", "fineTuningTasks")) ?? [];
    return {
        registry,
        name: typeof r.name === "string" && !/^\d+$/.test(r.name) ? r.name : (nameFromId(r.id) ?? String(r.name ?? "")),
        version: versionFromId(r.id) ?? String(r.name ?? ""),
        archived: p.isArchived === true || String(p.isArchived).toLowerCase() === "true",
        finetuningTasks: tasks.map((t) => t.toLowerCase()),
        defaults: readTag(tags, "model_specific_defaults", parseDefaults, unreadable) ?? {},
        finetuneAllowList: readTag(tags, "finetune_compute_allow_list", parseList, unreadable),
        inferenceAllowList: readTag(tags, "inference_compute_allow_list", parseList, unreadable),
        finetuneMinSpec: parseMinSpec(pick(bag, "finetune-min-sku-spec", "finetuneMinSkuSpec")),
        inferenceMinSpec: parseMinSpec(pick(bag, "inference-min-sku-spec", "inferenceMinSkuSpec")),
        finetune: {
            deprecation: catalogDate(pick(bag, "FinetuneDeprecationDate")),
            retirement: catalogDate(pick(bag, "FinetuneRetirementDate")),
        },
        inference: {
            deprecation: catalogDate(pick(bag, "InferenceDeprecationDate")),
            retirement: catalogDate(pick(bag, "InferenceRetirementDate")),
        },
        unreadable,
    };
}
const ID = /\/models\/([^/]+)\/versions\/([^/?]+)/i;
const nameFromId = (id) => (typeof id === "string" ? ID.exec(id)?.[1] : undefined);
const versionFromId = (id) => (typeof id === "string" ? ID.exec(id)?.[2] : undefined);
const USE_WORD = { finetune: "fine-tuning", inference: "deployment (inference)" };
/** Where a model version stands for a use on `now`. Archived counts as retired. */
function lifecycle(m, use, now = new Date()) {
    const dates = m[use];
    const today = now.toISOString().slice(0, 10);
    const label = `${m.name} version ${m.version}${m.registry ? ` (registry ${m.registry})` : ""}`;
    const retiredByDate = dates.retirement !== undefined && dates.retirement <= today;
    const phase = retiredByDate || m.archived
        ? "retired"
        : dates.deprecation !== undefined && dates.deprecation <= today
            ? "deprecated"
            : "live";
    const parts = [];
    if (m.archived)
        parts.push(`${label} is archived in the catalog`);
    if (retiredByDate)
        parts.push(`${USE_WORD[use]} of ${m.name} was retired on ${dates.retirement}`);
    else if (phase === "deprecated")
        parts.push(`${USE_WORD[use]} of ${label} is deprecated since ${dates.deprecation}${dates.retirement ? ` and retires on ${dates.retirement}` : ""}`);
    else if (m.archived && dates.retirement)
        parts.push(`its ${USE_WORD[use]} retirement date is ${dates.retirement}`);
    const sentence = parts.length ? `${capital(parts.join("; "))}.` : `${label} is live for ${USE_WORD[use]}.`;
    return { use, phase, archived: m.archived, ...dates, sentence };
}
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
/** True when the catalog lists the task among the model's fine-tuning tasks. */
const finetunesFor = (m, task = "chat-completion") => m.finetuningTasks.includes(task);
/**
 * The catalog name a Hugging Face id most likely has: microsoft/Phi-3-mini-4k-instruct → Phi-3-mini-4k-instruct
 * (the azureml registry names Microsoft's models after their Hugging Face repository).
 */
const catalogNameOf = (huggingfaceId) => huggingfaceId.trim().split("/").at(-1) ?? huggingfaceId;
/**
 * Live catalog models that list a fine-tuning task: the registry's active models whose latest version is
 * neither archived nor retired for fine-tuning and lists the task. Read from the registry, never a list kept
 * here. Models named like `near` (same first word, e.g. "Phi") are looked at first, and at most `max`
 * versions are read, since the public catalog holds thousands of models.
 */
async function liveFinetuneModels(registry, o = {}) {
    const containers = await registry.list("models", { listViewType: "ActiveOnly" });
    const stem = (o.near ?? "").split(/[-_/ .]/)[0]?.toLowerCase() ?? "";
    const near = (n) => (stem && n.toLowerCase().startsWith(stem) ? 0 : 1);
    const ordered = containers
        .filter((c) => c.properties.isArchived !== true && c.properties.latestVersion)
        .sort((a, b) => near(a.name) - near(b.name) || a.name.localeCompare(b.name))
        .slice(0, o.max ?? 12);
    const found = [];
    for (const c of ordered) {
        const v = await registry.version("models", c.name, c.properties.latestVersion);
        if (!v)
            continue;
        const m = catalogModel(v, registry.name);
        if (finetunesFor(m, o.task) && lifecycle(m, "finetune", o.now).phase !== "retired")
            found.push(m);
    }
    return found;
}

;// CONCATENATED MODULE: ./shared/src/azureml/compute-fit.ts
/**
 * VM families Azure has retired (or retires), with the date and where that is said. Azure ML refuses to
 * create clusters or deployments on them once retired, and any left are deallocated.
 */
const RETIRED_VM_FAMILIES = [
    {
        family: "NCv3 (V100)",
        sizes: /^standard_nc(6|12|24|24r)s_v3$/i,
        retiredOn: "2025-09-30",
        source: "Microsoft Learn, NCv3-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/ncv3-series-retirement); Azure/azureml-examples #3696 moved its samples off NCv3",
        instead: "the NCads A100 v4 or NCads H100 v5 families",
    },
    {
        family: "NDv2 (V100)",
        sizes: /^standard_nd40rs_v2$/i,
        retiredOn: "2025-09-30",
        source: "Microsoft Learn, NDv2-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/ndv2-series-retirement)",
        instead: "the NDasr A100 v4 or NDisr H100 v5 families",
    },
    {
        family: "NC (K80)",
        sizes: /^standard_nc(6|12|24|24r)(_promo)?$/i,
        retiredOn: "2023-09-06",
        source: "Microsoft Learn, NC-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/nc-series-retirement); the chat-completion notebook refuses these sizes",
        instead: "the NCads A100 v4 family",
    },
    {
        family: "NCv2 (P100)",
        sizes: /^standard_nc(6|12|24|24r)s_v2$/i,
        retiredOn: "2023-09-06",
        source: "Microsoft Learn, NCv2-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/ncv2-series-retirement)",
        instead: "the NCads A100 v4 family",
    },
    {
        family: "ND (P40)",
        sizes: /^standard_nd(6|12|24|24r)s$/i,
        retiredOn: "2023-09-06",
        source: "Microsoft Learn, ND-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/nd-series-retirement)",
        instead: "the NDasr A100 v4 family",
    },
];
/** The retirement of a size, when its family is retired on `now`. */
function retiredFamilyOf(vmSize, now = new Date()) {
    const today = now.toISOString().slice(0, 10);
    return RETIRED_VM_FAMILIES.find((f) => f.sizes.test(vmSize.trim()) && f.retiredOn <= today);
}
/** The size from the region's list, case-insensitively (Azure writes sizes in more than one case). */
function findSize(sizes, vmSize) {
    const want = vmSize.trim().toLowerCase();
    return sizes?.find((s) => s.name?.toLowerCase() === want);
}
/** What a size lacks against a minimum spec, in words ("16 vCPUs, needs 24"); empty when it meets it. */
function minSpecShortfalls(size, spec) {
    const out = [];
    const check = (have, need, unit) => {
        if (need > 0 && have !== undefined && have < need)
            out.push(`${have} ${unit}, needs ${need}`);
    };
    check(size.vCPUs, spec.vCPUs, "vCPUs");
    check(size.gpus ?? 0, spec.gpus, "GPUs");
    check(size.memoryGB, spec.memoryGB, "GB memory");
    const diskGB = size.maxResourceVolumeMB === undefined ? undefined : Math.floor(size.maxResourceVolumeMB / 1024);
    check(diskGB, spec.diskGB, "GB local disk");
    return out;
}
/** "standardNCADSA100v4Family" and "Standard NCADSA100v4 Family Cluster Dedicated vCPUs" → one key. */
function compute_fit_familyKey(family) {
    return family
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "")
        .replace(/(cluster)?(dedicated)?vcpus$/, "");
}
const isLowPriority = (u) => /low\s*priority/i.test(`${u.name?.value ?? ""} ${u.type ?? ""}`);
const isRegionalTotal = (u) => /dedicatedCores\/usages$/i.test(u.type ?? "") ||
    /^total cluster dedicated regional vcpus$/i.test(u.name?.value ?? "");
/** The subscription-level usage of a family: not a workspace's or a cluster's share, not low-priority. */
function familyUsage(usages, family) {
    const key = compute_fit_familyKey(family);
    const same = usages.filter((u) => !isLowPriority(u) && !isRegionalTotal(u) && compute_fit_familyKey(u.name?.value ?? "") === key);
    return (same.find((u) => /vmFamily\/usages$/i.test(u.type ?? "")) ??
        same.find((u) => !/\/workspaces?\//i.test(`${u.id ?? ""}/${u.type ?? ""}`)) ??
        same[0]);
}
/** Free dedicated vCPUs of a family (Infinity for no limit), or undefined when Azure reported none. */
function freeVCpus(usages, family) {
    const u = family ? familyUsage(usages, family) : undefined;
    if (!u || typeof u.limit !== "number" || typeof u.currentValue !== "number")
        return undefined;
    return u.limit < 0 ? Number.POSITIVE_INFINITY : Math.max(0, u.limit - u.currentValue);
}
/**
 * Sizes that would fit: those of the allow-list (or, without one, every GPU size meeting the minimum spec)
 * that the region offers and Azure has not retired, each with whether its family has quota for `instances`.
 * Those with quota come first, then by vCPUs.
 */
function fittingSizes(o) {
    const offered = o.sizes.filter((s) => s.name && !retiredFamilyOf(s.name, o.now));
    const fits = o.allowList?.length
        ? o.allowList.map((n) => findSize(offered, n)).filter((s) => s !== undefined)
        : offered.filter((s) => (s.gpus ?? 0) > 0 && (!o.minSpec || minSpecShortfalls(s, o.minSpec).length === 0));
    return fits
        .map((s) => {
        const free = o.usages ? freeVCpus(o.usages, s.family) : undefined;
        const need = (s.vCPUs ?? 0) * o.instances;
        return { name: s.name, vCPUs: s.vCPUs, gpus: s.gpus, free, hasQuota: free === undefined || free >= need };
    })
        .sort((a, b) => Number(b.hasQuota) - Number(a.hasQuota) || (a.vCPUs ?? 0) - (b.vCPUs ?? 0));
}
/** Names of the suggested sizes: those with quota, or all with a note that none has quota. */
function suggestSizes(candidates) {
    if (!candidates.length)
        return "";
    const withQuota = candidates.filter((c) => c.hasQuota).map((c) => c.name);
    if (withQuota.length)
        return ` Sizes that fit and have quota: ${withQuota.join(", ")}.`;
    return ` Sizes that fit (none has free quota now; request some): ${candidates.map((c) => c.name).join(", ")}.`;
}
/** Checks a VM size against retirement, the region's offer, and the model's allow-list or minimum spec. */
function checkComputeFit(f) {
    const where = f.location ? ` in ${f.location}` : "";
    const candidates = fittingSizes({ ...f, sizes: f.sizes ?? [] });
    const suggestion = suggestSizes(candidates);
    const retired = retiredFamilyOf(f.vmSize, f.now);
    if (retired) {
        const problem = `${f.input}: ${f.vmSize} is of the ${retired.family} family, which Azure retired on ${retired.retiredOn} (${retired.source}); choose a size of ${retired.instead}.${suggestion}`;
        return { ok: false, problems: [problem], notes: [], candidates };
    }
    const known = (f.sizes?.length ?? 0) > 0;
    const size = findSize(f.sizes, f.vmSize);
    if (known && !size)
        return {
            ok: false,
            problems: [`${f.input}: ${f.vmSize} is not offered for Azure ML compute${where}.${suggestion}`],
            notes: [],
            candidates,
        };
    return { ...fitToModel(f, size, suggestion), size, candidates };
}
function fitToModel(f, size, suggestion) {
    const notes = [];
    if (f.allowList?.length) {
        const allowed = f.allowList.some((n) => n.toLowerCase() === f.vmSize.trim().toLowerCase());
        if (allowed)
            return { ok: true, problems: [], notes };
        return {
            ok: false,
            notes,
            problems: [
                `${f.input}: ${f.vmSize} is not on ${f.model}'s ${f.purpose} compute allow-list (${f.allowList.join(", ")}); choose one of those.${suggestion}`,
            ],
        };
    }
    if (!f.minSpec) {
        notes.push(`${f.model} gives no ${f.purpose} compute allow-list or minimum spec; ${f.vmSize} was not checked.`);
        return { ok: true, problems: [], notes };
    }
    if (!size) {
        notes.push(`The VM sizes${where(f)} are unknown; ${f.vmSize} was not checked against ${f.minSpec.text}.`);
        return { ok: true, problems: [], notes };
    }
    const short = minSpecShortfalls(size, f.minSpec);
    if (!short.length)
        return { ok: true, problems: [], notes };
    return {
        ok: false,
        notes,
        problems: [
            `${f.input}: ${f.vmSize} is below ${f.model}'s minimum spec for ${f.purpose} (${describeMinSpec(f.minSpec)}): it has ${short.join("; ")}.${suggestion}`,
        ],
    };
}
const where = (f) => (f.location ? ` in ${f.location}` : "");
/** "24 vCPUs, 1 GPU, 220 GB memory, 64 GB disk". */
function describeMinSpec(s) {
    return `${s.vCPUs} vCPUs, ${s.gpus} GPU${s.gpus === 1 ? "" : "s"}, ${s.memoryGB} GB memory, ${s.diskGB} GB disk`;
}

// EXTERNAL MODULE: ./node_modules/@azure/core-client/dist/esm/index.js + 16 modules
var core_client_dist_esm = __webpack_require__(5738);
;// CONCATENATED MODULE: ./shared/src/azureml/registry.ts




/**
 * A registry such as the public `azureml` one, whose subscription a workspace's user cannot see: found
 * through the region's registry discovery (the host of the workspace's discoveryUrl), then read at the
 * registry's own management frontend with the same Entra token, as azure-ai-ml does.
 */
async function openRegistry(s, name) {
    const client = new core_client_dist_esm/* ServiceClient */.Nl({
        credential: s.credential,
        credentialScopes: [s.cloud.managementScope],
        userAgentOptions: { userAgentPrefix: "phi3-aml" },
    });
    const get = async (url) => {
        const res = await client.sendRequest((0,dist_esm/* createPipelineRequest */.G6)({ url, method: "GET" }));
        if (res.status === 404)
            return undefined;
        if (res.status >= 400)
            throw new errors/* ActionError */.lZ(`The ${name} registry answered ${res.status} for ${url.split("?")[0]}: ${(res.bodyAsText ?? "").slice(0, 300)}`);
        return JSON.parse(res.bodyAsText ?? "{}");
    };
    const discoveryUrl = (s.workspace.discoveryUrl ?? `https://${s.location}.api.azureml.ms/discovery`).replace(/\/+$/, "");
    const regionBase = new URL(discoveryUrl).origin;
    const found = (await get(`${regionBase}/registrymanagement/v1.0/registries/${encodeURIComponent(name)}/discovery`));
    if (!found?.primaryRegionResourceProviderUri || !found.subscriptionId || !found.resourceGroup) {
        throw new errors/* ActionError */.lZ(`There is no Azure ML registry "${name}" (registry discovery in ${regionBase} found none).`, "Check the registry input; the public catalog is azureml.");
    }
    const base = `${found.primaryRegionResourceProviderUri.replace(/\/?$/, "/")}mferp/managementfrontend/subscriptions/${found.subscriptionId}/resourceGroups/${found.resourceGroup}/providers/Microsoft.MachineLearningServices/registries/${name}`;
    const at = (path) => `${base}/${path}?api-version=${API_VERSION}`;
    return {
        name,
        container: async (kind, asset) => (await get(at(`${kind}/${encodeURIComponent(asset)}`))),
        version: async (kind, asset, v) => (await get(at(`${kind}/${encodeURIComponent(asset)}/versions/${encodeURIComponent(v)}`))),
        list: async (kind, o = {}) => {
            const out = [];
            let url = `${at(kind)}&listViewType=${encodeURIComponent(o.listViewType ?? "ActiveOnly")}`;
            for (let page = 0; url && page < (o.maxPages ?? 5); page++) {
                const body = (await get(url));
                out.push(...(body?.value ?? []));
                url = body?.nextLink;
            }
            return out;
        },
        uri: (kind, asset, v) => `azureml://registries/${name}/${kind}/${asset}/versions/${v}`,
    };
}

;// CONCATENATED MODULE: ./shared/src/azureml/prices.ts
/**
 * What the deployments cost per hour, roughly, for the job summary.
 *
 * ESTIMATES ONLY. US dollars per instance-hour, Linux pay-as-you-go list prices in East US. Managed online
 * deployments are billed for their VMs (Azure ML adds no charge of its own), but prices differ by region,
 * currency, agreement (EA, CSP, savings plans, reservations) and change over time; disks, networking,
 * logs and the 20 % quota Azure reserves for upgrades (billed only when used) are not included.
 *
 * Source: looked up on 2026-11-25 with this project's search tool. The azure.microsoft.com pricing pages
 * themselves were not reachable through it; the figures are those that several public code repositories
 * quote from the Azure retail price list (prices.azure.com, East US, Consumption) and agree on. They are
 * rough: check https://azure.microsoft.com/pricing/details/virtual-machines/linux/ or the pricing
 * calculator for your region before relying on them.
 */
const PRICES_AS_OF = "2026-11-25";
const PRICE_BASIS = "USD per instance-hour, Linux pay-as-you-go list prices in East US; region-dependent, not a quote";
/** Instance type → estimated USD per hour (see the module comment). */
const HOURLY_USD = {
    Standard_NC6s_v3: 3.06, // 1 × V100 16 GB, 6 vCPUs — NCv3 was retired on 2025-09-30 (kept for old deployments' cost)
    Standard_NC4as_T4_v3: 0.526, // 1 × T4 16 GB, 4 vCPUs
    Standard_NC16as_T4_v3: 1.204, // 1 × T4 16 GB, 16 vCPUs
    Standard_NC24ads_A100_v4: 3.673, // 1 × A100 80 GB, 24 vCPUs
    Standard_NC48ads_A100_v4: 7.346, // 2 × A100 80 GB, 48 vCPUs
    Standard_NC96ads_A100_v4: 14.692, // 4 × A100 80 GB, 96 vCPUs
    Standard_ND96asr_v4: 27.197, // 8 × A100 40 GB, 96 vCPUs (added 2026-12-06, same sources)
    Standard_E4s_v3: 0.252, // 4 vCPUs, 32 GiB (CPU only)
    Standard_DS3_v2: 0.293, // 4 vCPUs, 14 GiB (CPU only)
    Standard_F4s_v2: 0.169, // 4 vCPUs, 8 GiB (CPU only; Azure's default instance type)
};
/** Estimated USD per instance-hour of an instance type (names compared case-insensitively), if known. */
function hourlyPrice(instanceType) {
    const key = Object.keys(HOURLY_USD).find((k) => k.toLowerCase() === instanceType.trim().toLowerCase());
    return key === undefined ? undefined : HOURLY_USD[key];
}
/** The estimated hourly cost of deployments (instance type × count each). */
function hourlyCost(deployments) {
    const lines = deployments.map((d) => {
        const price = hourlyPrice(d.instanceType);
        return {
            name: d.name,
            instanceType: d.instanceType,
            instanceCount: d.instanceCount,
            usdPerInstanceHour: price,
            usdPerHour: price === undefined ? undefined : round(price * d.instanceCount),
        };
    });
    return {
        lines,
        usdPerHour: round(lines.reduce((a, l) => a + (l.usdPerHour ?? 0), 0)),
        unknown: [...new Set(lines.filter((l) => l.usdPerHour === undefined).map((l) => l.instanceType))],
        basis: PRICE_BASIS,
        asOf: PRICES_AS_OF,
    };
}
const round = (n) => Math.round(n * 1000) / 1000;
/** "$3.06" (two decimals, three below a dollar so that a T4's $0.526 is not shown as $0.53). */
function formatUsd(n) {
    return `$${n.toFixed(n < 1 && n > 0 ? 3 : 2)}`;
}

;// CONCATENATED MODULE: ./action-deploy/src/instance-type.ts



/**
 * The region's sizes judged for the base model, cheapest first (prices.ts; sizes without a known price last, by
 * name). A size is out when the model does not fit it or its family lacks quota for `instance-count` beside
 * what keeps running during the rollout (quota.ts, with Azure's 20 % reservation).
 */
function judgeSizes(r) {
    const verdicts = r.region.sizes.map((size) => {
        const usdPerHour = price(size.name, r.instanceCount);
        const unfit = r.fit(size);
        if (unfit)
            return { size: size.name, usdPerHour, out: unfit };
        const quota = checkQuota({
            adding: { name: "the new deployment", instanceType: size.name, instanceCount: r.instanceCount },
            running: r.running,
            usages: r.region.usages,
            vmSizes: r.region.sizes,
            location: r.region.location,
        });
        if (!quota.ok)
            return { size: size.name, usdPerHour, out: `no quota (${quotaShort(quota)})`, noQuota: true };
        return { size: size.name, usdPerHour };
    });
    return verdicts.sort((a, b) => (a.usdPerHour ?? Infinity) - (b.usdPerHour ?? Infinity) || a.size.localeCompare(b.size));
}
/** `instance-type: auto` or an explicit size, decided before anything is written. */
function chooseSize(r) {
    const verdicts = judgeSizes(r);
    return r.asked === "auto" ? chooseCheapest(r, verdicts) : checkExplicit(r, verdicts);
}
function chooseCheapest(r, verdicts) {
    const usable = verdicts.filter((v) => !v.out);
    const kept = r.reusable && usable.find((v) => v.size.toLowerCase() === r.reusable.toLowerCase());
    if (kept)
        return {
            size: kept.size,
            why: `instance-type auto: ${kept.size}, which a deployment of this model with these settings already runs on (it is reused)`,
            verdicts,
        };
    const best = usable[0];
    if (!best)
        return {
            why: "instance-type auto found no size",
            problem: `instance-type auto: no VM size in ${r.region.location} can serve ${r.model} with quota for ${r.instanceCount} instance(s). ${rejected(verdicts)} Request quota for one of the sizes that fit, or deploy in another region.`,
            verdicts,
        };
    const skipped = verdicts.filter((v) => v.noQuota && cheaper(v, best));
    return {
        size: best.size,
        why: `instance-type auto: ${best.size}${best.usdPerHour === undefined ? "" : ` (${formatUsd(best.usdPerHour)}/h for ${r.instanceCount})`}, ` +
            `the cheapest size in ${r.region.location} that serves ${r.model} and has quota for ${r.instanceCount} instance(s)` +
            (skipped.length ? `; cheaper but skipped: ${skipped.map((v) => `${v.size} (${v.out})`).join(", ")}` : "") +
            ".",
        verdicts,
    };
}
/** A size given by name: refused when retired, not offered in the region, or unfit for the model. */
function checkExplicit(r, verdicts) {
    const refuse = (why) => ({
        why: "",
        problem: `instance-type ${r.asked} ${why}. Sizes that serve ${r.model} and have quota here: ${usableList(verdicts)}. Or use instance-type auto.`,
        verdicts,
    });
    const retired = retiredFamilyOf(r.asked);
    if (retired)
        return refuse(`is of the ${retired.family} family, which Azure retired on ${retired.retiredOn} (${retired.source}); use ${retired.instead}`);
    const offered = r.region.sizes.find((s) => s.name.toLowerCase() === r.asked.trim().toLowerCase());
    if (!offered)
        return refuse(`is not offered in ${r.region.location} (it is not among the region's VM sizes)`);
    const unfit = r.fit(offered);
    if (unfit)
        return refuse(`cannot serve ${r.model}: ${unfit}`);
    // Quota of an explicit size is checked with the rest of the rollout (capacityProblem), with its full message.
    return { size: offered.name, why: `instance-type ${offered.name}, as given.`, verdicts };
}
const price = (size, count) => {
    const p = hourlyPrice(size);
    return p === undefined ? undefined : Math.round(p * count * 1000) / 1000;
};
const cheaper = (a, b) => (a.usdPerHour ?? Infinity) <= (b.usdPerHour ?? Infinity) && a !== b;
function usableList(verdicts) {
    const usable = verdicts.filter((v) => !v.out);
    if (!usable.length)
        return "none";
    return usable
        .map((v) => `${v.size}${v.usdPerHour === undefined ? "" : ` (${formatUsd(v.usdPerHour)}/h)`}`)
        .join(", ");
}
/** Why nothing could be used: the sizes that fit but lack quota, else why each size does not fit. */
function rejected(verdicts) {
    const short = verdicts.filter((v) => v.noQuota);
    if (short.length)
        return `Sizes that fit but lack quota: ${short.map((v) => `${v.size} (${v.out})`).join("; ")}.`;
    return `No size fits: ${verdicts.map((v) => `${v.size} (${v.out})`).join("; ")}.`;
}
function quotaShort(q) {
    return `${q.family}: needs ${q.needed} vCPUs, ${q.free ?? 0} free of ${q.limit ?? 0}`;
}

;// CONCATENATED MODULE: ./action-deploy/src/sizing.ts






/**
 * The model a fine-tune starts from when the lineage does not say: action-finetune's default, the walkthrough's
 * Phi-3-mini-4k-instruct from the public `azureml` registry.
 */
const DEFAULT_BASE_MODEL = "azureml://registries/azureml/models/Phi-3-mini-4k-instruct";
/** The region's VM sizes and quota usage, read once (…/locations/{loc}/vmSizes and …/usages). */
async function readRegion(s) {
    const usages = [];
    for await (const u of s.client.usages.list(s.location))
        usages.push(u);
    const listed = (await s.client.virtualMachineSizes.list(s.location)).value ?? [];
    const sizes = listed.map((v) => ({
        name: v.name ?? "",
        family: v.family ?? "",
        vCPUs: v.vCPUs ?? 0,
        gpus: v.gpus ?? 0,
        memoryGB: v.memoryGB ?? 0,
        maxResourceVolumeMB: v.maxResourceVolumeMB,
    }));
    return { location: s.location, sizes, usages };
}
/** `instance-type` decided for the base model, the region and the quota (instance-type.ts). */
async function chooseInstanceType(s, i, log) {
    const base = await readBaseModel(s, i.model, log);
    return chooseSize({
        asked: i.inputs.instanceType,
        instanceCount: i.inputs.instanceCount,
        region: i.region,
        fit: inferenceFit(base),
        model: base ? `${base.name} (version ${base.version})` : "the model",
        running: i.deployments.map((d) => ({
            name: d.name,
            instanceType: d.properties?.instanceType ?? "unknown",
            instanceCount: d.sku?.capacity ?? 1,
        })),
        reusable: reusableSize(i.deployments, i.model.id),
    });
}
/** The size a provisioned deployment of ours already runs this model on, if any. */
function reusableSize(deployments, modelId) {
    const same = deployments.find((d) => isManaged(d.tags ?? undefined) &&
        d.properties?.provisioningState === "Succeeded" &&
        (d.properties.model ?? "").toLowerCase() === modelId.toLowerCase());
    return same?.properties?.instanceType ?? undefined;
}
/** azureml://registries/<registry>/models/<name>[/versions/<v>] (the base model's URI in the fine-tune job). */
function parseBaseModel(uri) {
    const m = /^azureml:\/\/registries\/([^/]+)\/models\/([^/]+)(?:\/versions\/([^/]+))?/i.exec(uri.trim());
    return m ? { registry: m[1], name: m[2], version: m[3] } : undefined;
}
/**
 * The catalog entry of the model the fine-tune started from (its inference allow-list and minimum spec), read
 * from its registry; undefined, with a warning, when it cannot be read (sizes are then judged without it).
 */
async function readBaseModel(s, model, log) {
    const uri = model.lineage?.baseModel ?? DEFAULT_BASE_MODEL;
    if (!model.lineage?.baseModel)
        log.info(`The model's lineage names no base model; its VM size is judged for ${uri.split("/models/")[1]}.`);
    const ref = parseBaseModel(uri);
    if (!ref) {
        log.warning(`The base model ${uri} is not a registry model; VM sizes are judged without its allow-list.`);
        return undefined;
    }
    try {
        const registry = await openRegistry(s, ref.registry);
        const version = ref.version ?? (await registry.container("models", ref.name))?.properties.latestVersion;
        const resource = version ? await registry.version("models", ref.name, version) : undefined;
        if (resource)
            return catalogModel(resource, ref.registry);
        log.warning(`The base model ${uri} was not found in registry ${ref.registry}; VM sizes are judged without it.`);
    }
    catch (e) {
        log.warning(`Could not read the base model ${uri}: ${(0,errors/* describeError */.Uc)(e)}; VM sizes are judged without it.`);
    }
    return undefined;
}
/**
 * Whether a size can serve the model, in a few words when not: not retired (compute-fit's RETIRED_VM_FAMILIES);
 * on the catalog's `inference_compute_allow_list` when it has one; else at or above its `inference-min-sku-spec`;
 * and with a GPU when the catalog says neither (an LLM needs one).
 */
function inferenceFit(base, now) {
    return (size) => {
        const retired = retiredFamilyOf(size.name, now);
        if (retired)
            return `retired on ${retired.retiredOn}`;
        const allow = base?.inferenceAllowList;
        if (allow?.length)
            return allow.some((n) => n.toLowerCase() === size.name.toLowerCase())
                ? undefined
                : "not on the model's inference_compute_allow_list";
        const spec = base?.inferenceMinSpec;
        if (spec) {
            const short = minSpecShortfalls(size, spec);
            return short.length ? `below the model's minimum spec ${spec.text} (${short.join("; ")})` : undefined;
        }
        return size.gpus > 0 ? undefined : "no GPU";
    };
}

;// CONCATENATED MODULE: ./shared/src/scoring/attempt.ts
/**
 * One scoring request with its timeout, and the retries around it: transient outcomes (429, 5xx, 408, our
 * timeouts, connection resets; see retry.ts) are tried again with backoff, within a number of retries and,
 * when given, a time budget for the whole exchange (requests and waits). Everything that waits or reads the
 * clock is injectable, so the tests run without real time.
 */


const DEFAULT_TIMEOUT_MS = 90_000;
const TIMED_OUT = Symbol("timed out");
const realTimer = (ms, fire) => {
    const t = setTimeout(fire, ms);
    return () => clearTimeout(t);
};
/** Sends until an outcome is final: an answer, a non-retryable error, or retries / budget spent. */
async function sendWithRetries(send, o = {}) {
    const retries = Math.max(0, Math.floor(o.retries ?? 3));
    const now = o.now ?? Date.now;
    const started = now();
    for (let attempts = 1;; attempts++) {
        const attempt = await attemptOnce(send, o);
        const elapsedMs = now() - started;
        if (!isRetryable(attempt.outcome))
            return { attempt, attempts, elapsedMs, exhausted: false };
        const delayMs = retryDelay(attempt, attempts, o, now());
        const overBudget = o.budgetMs !== undefined && elapsedMs + delayMs > o.budgetMs;
        if (attempts > retries || overBudget || o.signal?.aborted)
            return { attempt, attempts, elapsedMs, exhausted: true };
        o.onRetry?.({ attempt: attempts, delayMs, reason: shortReason(attempt) });
        await (o.sleep ?? ((ms) => abortableSleep(ms, o.signal)))(delayMs);
        if (o.signal?.aborted)
            return { attempt, attempts, elapsedMs: now() - started, exhausted: true };
    }
}
function retryDelay(attempt, attempts, o, nowMs) {
    const retryAfter = "response" in attempt ? header(attempt.response, "retry-after") : undefined;
    return nextDelayMs(attempts, retryAfter, o.random ?? Math.random, nowMs, o.backoff ?? BACKOFF);
}
/** One request with its timeout: aborts `send` through the signal when the timer fires first. */
async function attemptOnce(send, o = {}) {
    const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    let timedOut = false;
    let cancel = () => undefined;
    const timer = new Promise((resolve) => {
        const fire = () => {
            timedOut = true;
            controller.abort(new Error(`timed out after ${timeoutMs} ms`));
            resolve(TIMED_OUT);
        };
        const stop = (o.setTimer ?? realTimer)(timeoutMs, fire);
        // A whole run's budget ends the request as its own timeout would; the caller then reports the budget.
        o.signal?.addEventListener("abort", fire, { once: true });
        cancel = () => {
            stop();
            o.signal?.removeEventListener("abort", fire);
        };
    });
    // A send that throws synchronously is a rejected request, like any other; and a send that rejects after
    // the timeout already won the race must not surface as an unhandled rejection.
    const sending = Promise.resolve().then(() => send(controller.signal));
    sending.catch(() => undefined);
    try {
        const r = await Promise.race([sending, timer]);
        if (r === TIMED_OUT)
            return { outcome: { kind: "timeout" } };
        return { outcome: { kind: "http", status: r.status }, response: r };
    }
    catch (e) {
        return timedOut ? { outcome: { kind: "timeout" } } : networkAttempt(e);
    }
    finally {
        cancel();
    }
}
/** fetch (undici) throws TypeError("fetch failed") with the socket error as its cause. */
function networkAttempt(e) {
    const err = e;
    const code = typeof err?.code === "string" ? err.code : typeof err?.cause?.code === "string" ? err.cause.code : undefined;
    const message = [err?.message, err?.cause?.message].filter((m) => typeof m === "string" && m).join(": ") || String(e);
    return { outcome: code ? { kind: "network", code } : { kind: "network" }, message };
}
function shortReason(a) {
    switch (a.outcome.kind) {
        case "timeout":
            return "timed out";
        case "network":
            return a.outcome.code ?? "connection failed";
        case "http":
            return `HTTP ${a.outcome.status}`;
    }
}
function header(r, name) {
    if (!r.headers)
        return undefined;
    for (const [k, v] of Object.entries(r.headers))
        if (k.toLowerCase() === name)
            return v;
    return undefined;
}

;// CONCATENATED MODULE: ./shared/src/scoring/payload.ts
/**
 * The scoring request the managed online endpoint expects for the Phi-3 chat models (contract §8.3), in its
 * two shapes:
 *
 * - "flat", the walkthrough's: `{"input_data": {"input_string": [messages], "parameters": {...}}}`, which the
 *   vLLM-based inference image of the model catalog reads;
 * - "nested", `{"input_data": {"input_string": [[messages]], "parameters": {...}}}`: one conversation in a
 *   batch, which a fine-tuned model served by the MLflow scoring script needs (azureml-examples #3144; the
 *   script hands `input_string` to the model's predict as a batch, Azure/azureml-assets
 *   assets/inference/environments/mlflow-ubuntu20.04-py39-cpu-inference/context/mlflow_score_script.py).
 *
 * Headers: `Authorization: Bearer <key>` and, to pin one deployment, `azureml-model-deployment: <name>`.
 */
const PAYLOAD_SHAPES = (/* unused pure expression or super */ null && (["flat", "nested"]));
/** A conversation as sent: its system message first (when it has one), then its messages. */
function buildMessages(c) {
    const system = c.system !== undefined ? [{ role: "system", content: c.system }] : [];
    // Copies, so that nothing done to the request body can change the case.
    return [...system, ...c.messages.map((m) => ({ role: m.role, content: m.content }))];
}
/**
 * The request body for one conversation in the given shape (default: the walkthrough's). `parameters` is
 * spread after temperature and max_new_tokens: the JSON input is the more specific one (someone who writes
 * {"temperature": 0} there means it).
 */
function buildPayload(c, settings, shape = "flat") {
    const messages = buildMessages(c);
    return {
        input_data: {
            input_string: shape === "nested" ? [messages] : messages,
            parameters: {
                temperature: settings.temperature,
                max_new_tokens: settings.maxNewTokens,
                ...(settings.parameters ?? {}),
            },
        },
    };
}
/** Header that sends a request to one deployment only, bypassing the endpoint's traffic split. */
const DEPLOYMENT_HEADER = "azureml-model-deployment";
/**
 * Request headers. They carry the key: never log them (log `describeHeaders` instead).
 */
function buildHeaders(apiKey, deployment) {
    const headers = {
        "Content-Type": "application/json",
        Accept: "application/json",
        Authorization: `Bearer ${apiKey}`,
    };
    if (deployment)
        headers[DEPLOYMENT_HEADER] = deployment;
    return headers;
}
/** The headers as they can be shown: the Authorization value replaced. */
function describeHeaders(headers) {
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, k.toLowerCase() === "authorization" ? "Bearer ***" : v]));
}

;// CONCATENATED MODULE: ./shared/src/scoring/text.ts
/**
 * Text helpers the scoring client needs for its messages: cutting by characters (Unicode code points, so
 * an emoji is never cut in half), one-line excerpts of response bodies, and numbers as people read them.
 * action-chat-smoke's text.ts re-exports these.
 */
/** The first `max` characters, with "…" in place of the rest when it was longer. */
function truncate(text, max) {
    if (max <= 0)
        return "";
    const chars = Array.from(text);
    if (chars.length <= max)
        return text;
    // The ellipsis takes one of the `max` characters so the result never exceeds the limit.
    return chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}
/**
 * A short, one-line look at a body for an error message: whitespace runs become one space (bodies are
 * often pretty-printed JSON or HTML error pages), then cut to `max` characters.
 */
function excerpt(body, max = 300) {
    return truncate(body.replace(/\s+/g, " ").trim(), max);
}
/**
 * A whole number with thousands separators, "2,310": written by hand rather than with toLocaleString so
 * the text is the same on every runner whatever its locale or ICU build.
 */
function formatInt(n) {
    const rounded = Math.round(n);
    const sign = rounded < 0 ? "-" : "";
    return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
/** Replaces every occurrence of each secret with "***", longest first so a secret inside another goes too. */
function redactSecrets(text, secrets = []) {
    // Very short "secrets" would blank out ordinary words; real keys are long.
    const list = secrets
        .filter((s) => typeof s === "string" && s.length >= 4)
        .sort((a, b) => b.length - a.length);
    let out = text;
    for (const s of list)
        out = out.split(s).join("***");
    return out;
}

;// CONCATENATED MODULE: ./shared/src/scoring/http-errors.ts
/**
 * Plain messages for what the scoring endpoint answered when it did not answer the question. Each names
 * the likely cause and what to check, and shows an excerpt of the body (what the server said). The key
 * is never part of a message: only the status, our own words and the server's body go in.
 */


const DEFAULT_MAX_EXCERPT = 300;
/** One message for an HTTP error status from the scoring URI. */
function describeHttpError(status, body, ctx = {}) {
    const said = bodyExcerpt(body, ctx.maxExcerpt ?? DEFAULT_MAX_EXCERPT);
    const server = said ? ` The endpoint said: ${said}` : " The response body was empty.";
    const retried = ctx.attempts && ctx.attempts > 1 ? ` (still failing after ${ctx.attempts} attempts)` : "";
    switch (true) {
        case status === 401:
            return `401 Unauthorized: the endpoint did not accept the key. Check api-key (or the endpoint's keys, if they were regenerated) and the endpoint's auth mode: a key works only with auth mode "key", not "aml_token" or "aad_token".${server}`;
        case status === 403:
            return `403 Forbidden: the endpoint refused this caller. Check that the key belongs to this endpoint, and the endpoint's public network access (a private endpoint cannot be reached from a GitHub-hosted runner).${server}`;
        case status === 404: {
            const dep = ctx.deployment
                ? ` The request asked for deployment "${ctx.deployment}" in the ${DEPLOYMENT_HEADER} header: check that this deployment exists on the endpoint.`
                : " Check the endpoint name or scoring URI, and that the endpoint has a deployment with traffic.";
            return `404 Not Found: no such endpoint or deployment.${dep}${server}`;
        }
        case status === 408:
            return `408 Request Timeout${retried}: the model did not answer within the endpoint's request timeout (request_timeout_ms of the deployment). A cold or overloaded endpoint can be slow: raise timeout-seconds, retries or the deployment's request timeout.${server}`;
        case status === 424:
            return `424 Failed Dependency${retried}: model error, the model container failed on this input (it is not retried; only the request's nested shape is tried once when the flat one could not be read). See the deployment's logs (az ml online-deployment get-logs).${server}`;
        case status === 429:
            return `429 Too Many Requests${retried}: the endpoint is throttling. Lower concurrency, or raise the deployment's max_concurrent_requests_per_instance or instance count.${server}`;
        case status === 502 || status === 503 || status === 504:
            return `${status} ${STATUS_TEXT[status] ?? "Server Error"}${retried}: the endpoint is not ready or is overloaded (it may still be starting or scaling).${server}`;
        case status >= 500:
            return `${status} ${STATUS_TEXT[status] ?? "Server Error"}${retried}: the endpoint failed on its side.${server}`;
        case status === 400 || status === 422:
            return `${status} ${STATUS_TEXT[status] ?? "Bad Request"}: the endpoint rejected the request. The deployment may expect another request shape than {"input_data": {"input_string": [...], "parameters": {...}}} (or its nested form [[...]], tried once when the body says the input could not be read), or a parameter is invalid.${server}`;
        default:
            return `${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ""}: the endpoint answered with an error.${server}`;
    }
}
/** The request did not get an answer within timeout-seconds. */
function describeTimeout(timeoutMs, attempts = 1) {
    const tries = attempts > 1 ? `, ${attempts} times` : "";
    return `timed out: no answer within ${formatInt(timeoutMs / 1000)} s${tries}. A cold endpoint can be slow on its first requests: raise timeout-seconds or retries.`;
}
/** The connection failed (reset, refused, DNS). */
function describeNetworkError(code, message, attempts = 1) {
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : "";
    const why = code ? (NETWORK_TEXT[code] ?? code) : "connection failed";
    return `could not reach the endpoint${tries}: ${why}${code ? ` (${code})` : ""}: ${excerpt(message, 200)}`;
}
const NETWORK_TEXT = {
    ECONNRESET: "the connection was reset",
    ECONNREFUSED: "the connection was refused",
    ENOTFOUND: "the host name does not resolve; check the scoring URI",
    EAI_AGAIN: "the host name could not be resolved just now",
    ETIMEDOUT: "the connection timed out",
    EPIPE: "the connection was closed while sending",
    UND_ERR_SOCKET: "the connection was closed",
    UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
};
const STATUS_TEXT = {
    400: "Bad Request",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
};
/**
 * What the server said: the message inside a JSON error body when there is one ({"message": …},
 * {"error": {"message": …}}, {"detail": …}, {"error": "…"}), else the body itself; one line, trimmed.
 */
function bodyExcerpt(body, max = DEFAULT_MAX_EXCERPT) {
    let said = body;
    try {
        const v = JSON.parse(body);
        const msg = messageIn(v);
        if (msg)
            said = msg;
    }
    catch {
        /* not JSON: show the text as it is */
    }
    return excerpt(said, max);
}
function messageIn(v) {
    if (typeof v !== "object" || v === null)
        return undefined;
    const o = v;
    const err = o.error;
    if (typeof err === "object" && err !== null) {
        const e = err;
        if (typeof e.message === "string")
            return typeof e.code === "string" ? `${e.code}: ${e.message}` : e.message;
    }
    for (const k of ["message", "detail", "error"])
        if (typeof o[k] === "string" && o[k])
            return o[k];
    return undefined;
}

;// CONCATENATED MODULE: ./shared/src/scoring/response.ts
/**
 * Reading the answer from a scoring response. The documented shape is `{"output": "…"}` (contract §8.3);
 * these containers are also known to return a bare JSON string, a list (`["…"]`, `[{"0": "…"}]`) or
 * `{"0": "…"}`, and an OpenAI-style body when the deployment serves chat completions. Anything else is
 * said to be unknown, with the keys seen and an excerpt, rather than shown as an empty answer.
 */

const EXCERPT_CHARS = 200;
const EXPECTED = 'expected {"output": "…"}';
/** The answer in a response body (the raw text, 2xx), or why it could not be found. */
function readAnswer(body) {
    let value;
    try {
        value = JSON.parse(body);
    }
    catch {
        return unknown(body.trim() ? `the response is not JSON; ${EXPECTED}` : `the response body is empty; ${EXPECTED}`, body);
    }
    // A scoring script that returns json.dumps(result) has its JSON encoded twice: a string holding JSON.
    // Unwrap it only when the inner JSON is itself a known shape, so an answer that happens to be JSON
    // ("give me a JSON object") is still read as the answer.
    if (typeof value === "string") {
        const inner = tryParse(value);
        if (inner !== undefined && typeof inner === "object" && inner !== null) {
            const found = fromValue(inner);
            if (found)
                return found;
        }
    }
    return fromValue(value) ?? unknown(describeUnknown(value), body);
}
function fromValue(value) {
    if (typeof value === "string")
        return ok(value, "string");
    if (Array.isArray(value)) {
        const first = value[0];
        if (typeof first === "string")
            return ok(first, "list");
        if (response_isObject(first) && typeof first["0"] === "string")
            return ok(first["0"], "list-of-0");
        return undefined;
    }
    if (!response_isObject(value))
        return undefined;
    if (typeof value.output === "string")
        return ok(value.output, "output");
    // {"output": ["…"]}: the same list shapes, one level down.
    if (Array.isArray(value.output)) {
        const inner = fromValue(value.output);
        if (inner?.ok)
            return ok(inner.answer, "output");
    }
    if (typeof value["0"] === "string")
        return ok(value["0"], "object-0");
    if (Array.isArray(value.choices)) {
        const choice = value.choices[0];
        if (response_isObject(choice)) {
            const message = choice.message;
            if (response_isObject(message) && typeof message.content === "string")
                return ok(message.content, "openai-chat");
            if (typeof choice.text === "string")
                return ok(choice.text, "openai-completion");
        }
    }
    return undefined;
}
function describeUnknown(value) {
    if (Array.isArray(value)) {
        return value.length === 0
            ? `the response is an empty list; ${EXPECTED}`
            : `the response is a list whose first item is ${kind(value[0])}, not text; ${EXPECTED}`;
    }
    if (response_isObject(value)) {
        const keys = Object.keys(value);
        if ("output" in value)
            return `"output" is ${kind(value.output)}, not text; ${EXPECTED}`;
        const shown = keys
            .slice(0, 8)
            .map((k) => JSON.stringify(k))
            .join(", ") + (keys.length > 8 ? ", …" : "");
        return keys.length
            ? `unknown response shape: a JSON object with keys ${shown}; ${EXPECTED}`
            : `the response is an empty JSON object; ${EXPECTED}`;
    }
    return `unknown response shape: ${kind(value)}; ${EXPECTED}`;
}
function kind(v) {
    if (v === null)
        return "null";
    if (v === undefined)
        return "missing";
    if (Array.isArray(v))
        return "a list";
    if (typeof v === "object")
        return "an object";
    return `a ${typeof v}`;
}
const ok = (answer, shape) => ({ ok: true, answer, shape });
const unknown = (message, body) => ({
    ok: false,
    shape: "unknown",
    message,
    excerpt: excerpt(body, EXCERPT_CHARS),
});
const response_isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function tryParse(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./shared/src/scoring/shape.ts
/**
 * Bodies that say the input could not be read. With a 400 or 424 only: any other status is not about the
 * request's shape.
 *
 * - A fine-tuned model behind the MLflow scoring script (Azure/azureml-assets
 *   assets/inference/environments/mlflow-ubuntu20.04-py39-cpu-inference/context/mlflow_score_script.py) fails
 *   in `run()` when `input_string` is not a batch; the inference server then answers 500
 *   `{"message": "An unexpected error occurred in scoring script. Check the logs for more info."}`
 *   (azureml-inference-server-http, `handle_score` → UserScriptException), which the managed online endpoint
 *   passes on as 424 Failed Dependency. It is the same text for every failure of the script, which is why the
 *   nested shape is tried once only and a second failure is reported as it is.
 * - The inference server answers 400 with inference-schema's message when the input does not fit the
 *   deployment's signature ("A value is not provided for the 'input_data' parameter.", azureml-examples #3385).
 * - Hand-written scoring scripts and vLLM-style servers say "invalid input", "could not parse", "expected a
 *   list" and the like.
 */
const UNREADABLE_INPUT = [
    /unexpected error occurred in scoring script/i,
    /\binput_(string|data)\b/i,
    /\b(could not|cannot|can't|unable to|failed to)\b.{0,40}\b(read|pars(e|ing)|deserializ(e|ing)|decod(e|ing))/i,
    /\b(invalid|unexpected|malformed|unsupported|bad)\b.{0,30}\binput/i,
    /\bexpected\b.{0,40}\b(list|array)\b/i,
    /\blist of (lists|messages|dict)/i,
];
/** True when this answer rejects the request's shape (rather than the key, the endpoint or the model). */
function rejectsShape(status, body) {
    if (status !== 400 && status !== 424)
        return false;
    return UNREADABLE_INPUT.some((re) => re.test(body));
}
/** The shape to try after `shape` was rejected, or undefined when there is none left. */
function fallbackFor(shape) {
    return shape === "flat" ? "nested" : undefined;
}
/**
 * What worked, for the rest of the run. `known` is undefined until an endpoint answered (2xx) one shape.
 * Concurrent first requests may each try both shapes; from the first answer on, every request uses the
 * shape that was answered.
 */
class ShapeMemory {
    known;
    constructor(initial) {
        this.known = initial;
    }
    /** The shape for the next first try. */
    get first() {
        return this.known ?? "flat";
    }
    /** Record the shape an endpoint answered; the first answer wins. */
    answered(shape) {
        this.known ??= shape;
    }
}

;// CONCATENATED MODULE: ./shared/src/scoring/client.ts
/**
 * The scoring client that action-chat-smoke, action-deploy's smoke prompt and (in Python) promptflow/'s tool
 * share: one conversation → one answer, with
 *
 * - the request shape found out once per run (shape.ts): the walkthrough's flat shape first; when the endpoint
 *   rejects it as unreadable input (400/424), the nested shape once; what was answered is remembered;
 * - transient failures retried with backoff inside a bounded budget (attempt.ts, retry.ts);
 * - the answer read from every shape these containers give (response.ts);
 * - a verdict: an answer, or a definite failure (a non-retryable HTTP error, an unreadable answer, or a
 *   transient error that outlasted the budget), in words that never hold the key.
 */






/** Sends in the remembered shape (or the first one); falls back once when the endpoint cannot read it. */
async function scoreWithFallback(send, memory, o = {}) {
    const shape = memory.first;
    const first = await sendWithRetries((signal) => send(shape, signal), o);
    const next = fallbackFor(shape);
    const rejected = "response" in first.attempt && rejectsShape(first.attempt.response.status, first.attempt.response.body);
    if (!rejected || !next || memory.known !== undefined)
        return remember(memory, { ...first, shape });
    o.onFallback?.({
        from: shape,
        to: next,
        status: first.attempt.outcome.kind === "http" ? first.attempt.outcome.status : 0,
    });
    const second = await sendWithRetries((signal) => send(next, signal), o);
    return remember(memory, {
        ...second,
        shape: next,
        attempts: first.attempts + second.attempts,
        elapsedMs: first.elapsedMs + second.elapsedMs,
    });
}
function remember(memory, outcome) {
    const { outcome: o } = outcome.attempt;
    if (o.kind === "http" && o.status >= 200 && o.status <= 299)
        memory.answered(outcome.shape);
    return outcome;
}
/** The answer, or a definite failure in plain words (the secrets removed). */
function judge(outcome, ctx = {}) {
    const { attempt, attempts, shape: payloadShape, exhausted: transient } = outcome;
    const fail = (kind, message, extra = {}) => ({
        ok: false,
        kind,
        message: redactSecrets(message, ctx.secrets),
        payloadShape,
        transient,
        ...extra,
    });
    if (attempt.outcome.kind === "timeout")
        return fail("timeout", describeTimeout(ctx.timeoutMs ?? 90_000, attempts));
    if (!("response" in attempt)) {
        const message = "message" in attempt ? attempt.message : "";
        return fail("network", describeNetworkError(attempt.outcome.code, message, attempts));
    }
    const { status, body, latencyMs } = attempt.response;
    if (status < 200 || status > 299)
        return fail("http", describeHttpError(status, body, { deployment: ctx.deployment, attempts }), {
            status,
            latencyMs,
        });
    const read = readAnswer(body);
    if (!read.ok)
        return fail("shape", `${read.message}. The response began: ${read.excerpt}`, { status, latencyMs });
    return { ok: true, answer: read.answer, responseShape: read.shape, payloadShape, status, latencyMs };
}
/** A client for one scoring URI and key, remembering the request shape across its calls. */
function scoringClient(o) {
    const memory = new ShapeMemory(o.shape);
    const headers = buildHeaders(o.key, o.deployment);
    const ctx = { deployment: o.deployment, timeoutMs: o.timeoutMs, secrets: [o.key] };
    return {
        shape: () => memory.known,
        async score(conversation) {
            const send = fetchSender(o.scoringUri, headers, (shape) => buildPayload(conversation, o.settings, shape), o.fetch);
            const outcome = await scoreWithFallback(send, memory, o);
            return { ...judge(outcome, ctx), attempts: outcome.attempts };
        },
    };
}
/** A SendShaped over fetch: POSTs the body for the shape and reads the whole answer. */
function fetchSender(uri, headers, body, doFetch = fetch) {
    return async (shape, signal) => {
        const t0 = performance.now();
        const res = await doFetch(uri, { method: "POST", headers, body: JSON.stringify(body(shape)), signal });
        const text = await res.text();
        return {
            status: res.status,
            body: text,
            latencyMs: Math.round(performance.now() - t0),
            headers: { "retry-after": res.headers.get("retry-after") ?? undefined },
        };
    };
}

;// CONCATENATED MODULE: ./action-deploy/src/smoke.ts

/**
 * Up to 6 retries within 5 minutes, each request up to 2 minutes: a deployment that has just turned Succeeded
 * can still answer 502/503 for a little while as its instances join the endpoint.
 */
const SMOKE_RETRY = { retries: 6, budgetMs: 5 * 60_000, timeoutMs: 120_000 };
/** The walkthrough's generation settings for its test prompt. */
const SMOKE_SETTINGS = { temperature: 0.7, maxNewTokens: 128 };
async function smokeTest(o) {
    const t0 = Date.now();
    const client = scoringClient({
        ...SMOKE_RETRY,
        ...o.retry,
        scoringUri: o.scoringUri,
        key: o.key,
        deployment: o.deployment,
        settings: SMOKE_SETTINGS,
        fetch: o.fetch,
        onRetry: (e) => o.log.info(`Smoke prompt: ${e.reason} from ${o.deployment}; trying again in ${Math.ceil(e.delayMs / 1000)} s.`),
        onFallback: (e) => o.log.info(`Smoke prompt: ${o.deployment} could not read the ${e.from} request (HTTP ${e.status}); sending the ${e.to} one.`),
    });
    const v = await client.score({ messages: [{ role: "user", content: o.prompt }] });
    const ms = Date.now() - t0;
    const base = { prompt: o.prompt, ms, payloadShape: v.payloadShape, attempts: v.attempts };
    if (!v.ok)
        return { ...base, error: v.transient ? `${v.message} (gave up within the retry budget)` : v.message };
    if (!v.answer.trim())
        return { ...base, answer: v.answer, error: "the deployment answered with an empty text" };
    o.log.info(`Smoke prompt answered by ${o.deployment} in ${ms} ms (${v.payloadShape} request, ${v.responseShape} answer, ${v.attempts} request(s)).`);
    return { ...base, answer: v.answer };
}

;// CONCATENATED MODULE: ./action-deploy/src/summary.ts



const ZWJ = "\u200D";
/**
 * Text we did not write (the model's answer, the prompt, Azure's messages) made inert in GitHub Markdown
 * and kept on one line of a table cell: controls and bidirectional overrides dropped; shared escaping
 * (HTML, links, emphasis, code, tables, @mentions); and, for what GitHub links after rendering when the
 * backslashes are gone, a zero-width joiner in `#123`, `GH-123`, `://` and `www.`. Cut to `max` characters
 * before escaping so no escape is cut in half.
 */
function escapeUntrusted(text, max = 1000) {
    // Matching control characters is the point here.
    let t = text
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, "")
        .replace(/\t/g, " ")
        .replace(/\r\n?/g, "\n")
        .trim();
    const chars = Array.from(t);
    if (chars.length > max)
        t = `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
    return (0,report/* escapeMarkdown */.FV)(t)
        .replace(/\$/g, "\\$")
        .replace(/^([-=])/, "\\$1")
        .replace(/^(\d+)([.)])/, "$1\\$2")
        .replace(/#/g, `#${ZWJ}`)
        .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`)
        .replace(/:\/\//g, `:${ZWJ}//`)
        .replace(/\b(www)\./gi, `$1${ZWJ}.`);
}
const pct = (v) => (v === undefined ? "—" : `${v}%`);
/** The heading, and why it failed when it did. */
function headingLines(s, model) {
    const out = [];
    out.push(s.ok
        ? `## Phi-3 deployed: ${(0,report/* escapeMarkdown */.FV)(model)} on ${(0,report/* escapeMarkdown */.FV)(s.endpoint.name)}`
        : s.endpoint.removed
            ? `## Phi-3 deployment failed: ${(0,report/* escapeMarkdown */.FV)(s.endpoint.name)}, created by this run, removed again`
            : `## Phi-3 deployment failed: ${(0,report/* escapeMarkdown */.FV)(s.endpoint.name)} left as it was`, "");
    if (!s.ok && s.failure)
        out.push(`**Why:** ${escapeUntrusted(s.failure, 2000)}`, "");
    return out;
}
/** The table of what was deployed where: model, endpoint, deployment, URIs, expiry, connection. */
function factsLines(s, model) {
    const rows = [
        [
            "model",
            `${s.model.url ? (0,report/* link */.nf)(model, s.model.url) : (0,report/* escapeMarkdown */.FV)(model)} (${s.model.reused ? "already registered, reused" : "registered by this run"})`,
        ],
        [
            "endpoint",
            `${s.endpoint.url ? (0,report/* link */.nf)(s.endpoint.name, s.endpoint.url) : (0,report/* escapeMarkdown */.FV)(s.endpoint.name)} (${s.endpoint.removed ? "created by this run and removed after the failure" : s.endpoint.created ? "created by this run" : "existing"}${s.endpoint.managed ? "" : "; not managed by phi3-aml-actions, so never re-tagged or deleted"})`,
        ],
        ...(s.endpoint.identity ? [["identity", (0,report/* escapeMarkdown */.FV)(s.endpoint.identity)]] : []),
        [
            "deployment",
            `${(0,report/* escapeMarkdown */.FV)(s.deployment.name)} (${s.deployment.created ? "new" : "reused"}) on ${s.deployment.instanceCount} × ${(0,report/* escapeMarkdown */.FV)(s.deployment.instanceType)}`,
        ],
    ];
    if (s.deployment.why)
        rows.push(["VM size", escapeUntrusted(s.deployment.why, 1500)]);
    if (s.previous)
        rows.push(["previous deployment", (0,report/* escapeMarkdown */.FV)(s.previous)]);
    if (s.endpoint.scoringUri)
        rows.push(["scoring URI", (0,report/* escapeMarkdown */.FV)(s.endpoint.scoringUri)]);
    if (s.endpoint.swaggerUri)
        rows.push(["swagger URI", (0,report/* escapeMarkdown */.FV)(s.endpoint.swaggerUri)]);
    if (s.endpoint.expiresAt)
        rows.push(["expires", `${s.endpoint.expiresAt.toISOString()} (teardown may delete the endpoint after this)`]);
    if (s.promptflowConnection)
        rows.push([
            "Prompt flow connection",
            `${(0,report/* escapeMarkdown */.FV)(s.promptflowConnection)} (custom keys; the key is stored there as a secret)`,
        ]);
    return [(0,report/* markdownTable */.Qj)(["", ""], rows, [1]), ""];
}
/** Where the model came from (job, files, base model, data, hyperparameters, commit, run), when known. */
function lineageLines(s) {
    const l = s.model.lineage;
    if (!l)
        return [];
    const lin = [];
    if (l.jobName)
        lin.push(["fine-tune job", s.model.jobUrl ? (0,report/* link */.nf)(l.jobName, s.model.jobUrl) : (0,report/* escapeMarkdown */.FV)(l.jobName)]);
    if (l.sourceUri)
        lin.push(["model files", (0,report/* escapeMarkdown */.FV)(l.sourceUri)]);
    if (l.baseModel)
        lin.push(["base model", (0,report/* escapeMarkdown */.FV)(l.baseModel)]);
    if (l.dataAssets?.length)
        lin.push(["data", l.dataAssets.map((d) => (0,report/* escapeMarkdown */.FV)(d)).join("<br>")]);
    if (l.hyperparameters && Object.keys(l.hyperparameters).length) {
        lin.push([
            "hyperparameters",
            Object.entries(l.hyperparameters)
                .map(([k, v]) => `${(0,report/* escapeMarkdown */.FV)(k)} = ${(0,report/* escapeMarkdown */.FV)(v)}`)
                .join("<br>"),
        ]);
    }
    if (l.commit)
        lin.push(["commit", (0,report/* escapeMarkdown */.FV)(l.commit)]);
    if (l.workflowRun && /^https:\/\//.test(l.workflowRun))
        lin.push(["workflow run", (0,report/* link */.nf)("run", l.workflowRun)]);
    return lin.length ? ["### Lineage", "", (0,report/* markdownTable */.Qj)(["", ""], lin, [1]), ""] : [];
}
/** Every deployment seen before or after, with its traffic share before and after and what became of it. */
function trafficLines(s) {
    const names = [
        ...new Set([...Object.keys(s.trafficBefore), ...Object.keys(s.trafficAfter), s.deployment.name, ...s.deleted]),
    ];
    const traffic = names.map((d) => {
        const gone = s.deleted.includes(d);
        const what = d === s.deployment.name
            ? s.deployment.created
                ? "new"
                : "reused"
            : gone
                ? "deleted once traffic had moved"
                : (s.kept.find((k) => k.name === d)?.reason ?? "");
        const after = gone ? "—" : pct(s.trafficAfter[d]);
        return [d, pct(s.trafficBefore[d]), after, what];
    });
    return ["### Deployments and live traffic", "", (0,report/* markdownTable */.Qj)(["deployment", "before", "after", ""], traffic), ""];
}
/** The smoke prompt and the model's answer (or its error), when one was sent. */
function smokeLines(s) {
    if (!s.smoke)
        return [];
    const answer = s.smoke.error
        ? `failed: ${escapeUntrusted(s.smoke.error, 500)}`
        : s.smoke.answer !== undefined
            ? escapeUntrusted(s.smoke.answer)
            : "";
    return [
        "### Smoke prompt (new deployment alone, before traffic moved)",
        "",
        (0,report/* markdownTable */.Qj)(["prompt", "answer (model text, shown as plain text)", "time"], [[escapeUntrusted(s.smoke.prompt, 500), answer, s.smoke.ms === undefined ? "" : formatDuration(s.smoke.ms)]], [0, 1]),
        "",
    ];
}
/** How long each step took, when any was timed. */
function timingLines(s) {
    if (!s.timings.length)
        return [];
    return [
        "### Timings",
        "",
        (0,report/* markdownTable */.Qj)(["step", "time"], s.timings.map((t) => [t.step, formatDuration(t.ms)])),
        "",
    ];
}
/** The estimated hourly cost of what runs now, per deployment and in total. */
function costLines(s) {
    const cost = hourlyCost(s.running);
    if (!cost.lines.length)
        return [];
    return [
        "### Estimated cost of what now runs",
        "",
        (0,report/* markdownTable */.Qj)(["deployment", "instance type", "instances", "estimated per hour"], cost.lines.map((c) => [
            c.name,
            c.instanceType,
            c.instanceCount,
            c.usdPerHour === undefined ? "unknown" : formatUsd(c.usdPerHour),
        ])),
        "",
        `**About ${formatUsd(cost.usdPerHour)} per hour** (${formatUsd(cost.usdPerHour * 24 * 30)} for 30 days) while it runs${cost.unknown.length ? `, not counting ${cost.unknown.map((u) => (0,report/* escapeMarkdown */.FV)(u)).join(", ")} (price unknown)` : ""}. ` +
            `Estimated from rough ${cost.basis} (taken ${cost.asOf}); see the Azure pricing pages for your region.`,
        "",
    ];
}
/** The job summary of the deploy step (Markdown). */
function deploySummary(s) {
    const model = `${s.model.name}:${s.model.version}`;
    const out = [
        ...headingLines(s, model),
        ...factsLines(s, model),
        ...lineageLines(s),
        ...trafficLines(s),
        ...smokeLines(s),
        ...timingLines(s),
        ...costLines(s),
    ];
    for (const n of s.notes ?? [])
        out.push(`> ${escapeUntrusted(n, 1000)}`, "");
    return out.join("\n");
}

;// CONCATENATED MODULE: ./action-deploy/src/run.ts


















/** Where the connection keeps the endpoint and key (read by promptflow/; see test/promptflow.test.ts). */

/**
 * Register the model and roll it out blue/green: everything is checked first (the job, the model, names, the
 * VM size, quota for both deployments at once, the connection's workspace); then the new deployment is created
 * at 0 %, smoke-tested alone, given its traffic in one full PUT of the endpoint, and the previous one deleted.
 * A failure before the traffic moves leaves the traffic as it was and removes the new deployment, with its
 * container logs; on a first deploy it removes the endpoint this run created.
 */
async function run(inputs, log) {
    const s = await connect(inputs.azure, (0,action/* userAgent */.N1)("deploy"), log);
    // Preflight: nothing is created before every check has passed.
    const decided = await preflight(s, inputs, log);
    // Apply: register the model, then the plan's steps, in order.
    const rollout = new Rollout(s, inputs, decided, log);
    try {
        await rollout.registerModel();
        for (const step of decided.plan.steps)
            await rollout.apply(step);
    }
    catch (e) {
        // Undo what this run made that serves nobody, then say what happened.
        await rollout.rollBack();
        await rollout.report(false, (0,errors/* describeError */.Uc)(e));
        throw e;
    }
    // Done: outputs, the connection (traffic has moved: a failure there does not undo the rollout), summary.
    await rollout.finish();
}
/**
 * Reads what is there and decides the whole rollout: model, endpoint and its deployments, VM size, plan,
 * quota, identity, and the connection's workspace. Every problem found is reported at once, before any write.
 */
async function preflight(s, inputs, log) {
    const model = await chooseModel(s, inputs, log);
    const endpointName = inputs.endpoint ?? defaultEndpointName(process.env.GITHUB_REPOSITORY);
    const endpoint = await getEndpoint(s, endpointName);
    const deployments = endpoint ? await listDeployments(s, endpointName) : [];
    const region = await readRegion(s);
    const size = await chooseInstanceType(s, { inputs, model, region, deployments }, log);
    const body = newDeploymentBody(s, inputs, model, size.size ?? "");
    const plan = planFor(inputs, { endpointName, endpoint, deployments, model, body });
    for (const note of plan.notes)
        log.info(note);
    if (size.why)
        log.info(size.why);
    const problems = [size.problem, ...plan.problems, identityProblem(inputs, endpointName, endpoint)];
    if (!size.problem)
        problems.push(capacityProblem(s, plan, region, log));
    const connection = await connectionFor(s, inputs, problems);
    const found = problems.filter((p) => Boolean(p));
    if (found.length)
        throw new errors/* ActionError */.lZ(`The rollout cannot start:\n  - ${found.join("\n  - ")}`);
    return { model, endpointName, size, body, plan, connection };
}
function newDeploymentBody(s, inputs, model, instanceType) {
    return deploymentBody({
        location: s.location,
        modelId: model.id,
        instanceType,
        instanceCount: inputs.instanceCount,
        requestTimeoutMs: inputs.requestTimeoutMs,
        maxConcurrentRequests: inputs.maxConcurrentRequests,
        livenessProbe: inputs.livenessProbe,
        readinessProbe: inputs.readinessProbe,
        startupProbe: inputs.startupProbe,
        environmentVariables: inputs.environmentVariables,
    });
}
function planFor(inputs, o) {
    return planRollout({
        endpointName: o.endpointName,
        endpoint: o.endpoint,
        deployments: o.deployments,
        model: { name: o.model.name, version: o.model.version, id: o.model.id },
        deployment: inputs.deployment,
        settings: settingsHash(o.body),
        instanceType: o.body.properties.instanceType,
        instanceCount: inputs.instanceCount,
        traffic: inputs.traffic,
        keepPrevious: inputs.keepPrevious,
        smoke: Boolean(inputs.smokePrompt),
    });
}
/** An endpoint's identity is set when it is created: an existing one running as another is refused. */
function identityProblem(inputs, name, endpoint) {
    if (!endpoint || !inputs.identity || (0,identity/* sameIdentity */.BU)(inputs.identity, endpoint.identity))
        return undefined;
    const has = endpoint.identity?.type ?? "no identity";
    return (`identity: endpoint ${name} already exists and runs as ${has}${endpoint.identity?.userAssignedIdentities ? ` (${Object.keys(endpoint.identity.userAssignedIdentities).join(", ")})` : ""}, not as ${(0,identity/* describeIdentity */.Cl)(inputs.identity)}. ` +
        "An endpoint's identity is chosen when it is created: leave identity empty to keep it, or deploy to a new endpoint.");
}
/** Quota for everything that runs at once during the rollout (the previous deployment serves until traffic moves). */
function capacityProblem(s, plan, region, log) {
    const q = checkQuota({
        adding: plan.duringRollout.adding,
        running: plan.duringRollout.running,
        usages: region.usages,
        vmSizes: region.sizes,
        location: s.location,
    });
    if (!q.ok)
        return q.message;
    log.info(q.message);
    return undefined;
}
/** The connection's workspace, when a connection is asked for; a workspace that does not exist is a problem. */
async function connectionFor(s, inputs, problems) {
    if (!inputs.promptflowConnection)
        return undefined;
    const target = await connectionTarget(s, inputs.promptflowConnection, inputs.promptflowWorkspace, inputs.promptflowShared);
    if (typeof target === "string") {
        problems.push(target);
        return undefined;
    }
    return target;
}
/** The rollout as it runs: what it has done so far, so that a failure can be undone and reported. */
class Rollout {
    s;
    inputs;
    d;
    log;
    timings = [];
    created = { endpoint: false, deployment: false };
    deleted = [];
    endpointRemoved = false;
    trafficNow;
    smoke;
    key;
    constructor(s, inputs, d, log) {
        this.s = s;
        this.inputs = inputs;
        this.d = d;
        this.log = log;
        this.trafficNow = d.plan.trafficBefore;
    }
    async registerModel() {
        const { model } = this.d;
        if (!model.register)
            return;
        const { resourceGroup: rg, workspace: ws } = this.s.ref;
        await this.timed("register model", () => this.s.client.modelVersions.createOrUpdate(rg, ws, model.name, model.version, model.register));
        this.log.info(`Registered model ${model.name}:${model.version}.`);
    }
    /** One step of the plan. */
    async apply(step) {
        if (step.kind === "create-endpoint")
            await this.createEndpoint();
        else if (step.kind === "create-deployment")
            await this.createDeployment(step.deployment);
        else if (step.kind === "smoke")
            await this.smokeTest(step.deployment);
        else if (step.kind === "set-traffic")
            await this.setTraffic(step.traffic);
        else
            await this.deletePrevious(step.deployment);
    }
    async createEndpoint() {
        const body = newEndpointBody({
            location: this.s.location,
            ttlHours: this.inputs.ttlHours,
            identity: this.inputs.identity,
        });
        // Marked before the call: an endpoint whose creation fails half-way exists, and must be removed.
        this.created.endpoint = true;
        await this.timed("create endpoint", () => putEndpoint(this.s, this.d.endpointName, body, this.log));
        this.log.info(`Endpoint ${this.d.endpointName} created; it runs as ${(0,identity/* describeIdentity */.Cl)(this.inputs.identity ?? { kind: "system" })}.`);
    }
    async createDeployment(name) {
        // Marked before the call: a deployment that fails to provision exists, and must be removed.
        this.created.deployment = true;
        const timeout = this.inputs.provisioningTimeoutSeconds;
        await this.timed("create deployment", () => createDeployment(this.s, this.d.endpointName, name, this.d.body, timeout, this.log));
    }
    async smokeTest(deployment) {
        const scoringUri = (await getEndpoint(this.s, this.d.endpointName)).properties.scoringUri;
        const key = await this.getKey();
        const prompt = this.inputs.smokePrompt;
        this.smoke = await this.timed("smoke prompt", () => smokeTest({ scoringUri, key, deployment, prompt, log: this.log }));
        if (this.smoke.error)
            throw new errors/* ActionError */.lZ(`The smoke prompt to deployment ${deployment} failed: ${this.smoke.error}`);
    }
    /**
     * Traffic changes only through a full PUT of the endpoint, built from what it is now; ours gets its run,
     * commit and expiry refreshed; deployments about to go lose any mirror share.
     */
    async setTraffic(traffic) {
        const name = this.d.endpointName;
        const current = (await getEndpoint(this.s, name));
        const body = withTraffic(current, traffic, {
            retag: { ttlHours: this.inputs.ttlHours },
            dropMirrorFor: this.d.plan.deleteAfter,
        });
        await this.timed("move traffic", () => putEndpoint(this.s, name, body, this.log));
        this.trafficNow = traffic;
        const shares = Object.entries(traffic).map(([d, p]) => `${d} ${p}%`);
        this.log.info(`Traffic of ${name}: ${shares.join(", ")}.`);
    }
    async deletePrevious(deployment) {
        await this.timed(`delete ${deployment}`, () => deleteDeployment(this.s, this.d.endpointName, deployment, this.log));
        this.deleted.push(deployment);
    }
    /**
     * After a failure: an endpoint this run created serves nobody yet, so it goes with everything on it (a
     * first deploy leaves nothing behind but the registered model); otherwise, while traffic has not moved, the
     * new deployment goes and the traffic stays as it was. Failures to clean up are warnings: the first error
     * is the one reported.
     */
    async rollBack() {
        const name = this.d.endpointName;
        try {
            if (this.created.endpoint) {
                this.log.info(`Removing endpoint ${name}, which this run created, with what is on it.`);
                await deleteEndpoint(this.s, name, this.log);
                this.endpointRemoved = true;
                this.created.deployment = false;
            }
            else if (this.created.deployment && this.trafficNow === this.d.plan.trafficBefore) {
                this.log.info(`Removing the failed deployment ${this.d.plan.deployment.name}; the traffic stays as it was.`);
                await deleteDeployment(this.s, name, this.d.plan.deployment.name, this.log);
                this.created.deployment = false;
            }
        }
        catch (e) {
            this.log.warning(`Could not clean up after the failure: ${(0,errors/* describeError */.Uc)(e)}`);
        }
    }
    /**
     * The outputs, the connection and the summary of a rollout that went through. A connection that cannot be
     * written fails the step, but the rollout stands: outputs and summary say what now serves.
     */
    async finish() {
        const current = (await getEndpoint(this.s, this.d.endpointName));
        (0,report/* setOutputs */.n0)({
            "model-id": this.d.model.id,
            "model-version": this.d.model.version,
            endpoint: this.d.endpointName,
            deployment: this.d.plan.deployment.name,
            "scoring-uri": current.properties?.scoringUri ?? undefined,
            "swagger-uri": current.properties?.swaggerUri ?? undefined,
            "previous-deployment": this.d.plan.previous ?? "",
        });
        const failed = await this.writeConnection(current).catch((e) => e);
        const summary = this.summary(true, undefined, current);
        if (failed)
            summary.notes = [...(summary.notes ?? []), `The rollout went through, but: ${(0,errors/* describeError */.Uc)(failed)}`];
        await (0,report/* writeSummary */.Sy)(deploySummary(summary));
        if (failed)
            throw failed;
    }
    async writeConnection(current) {
        const target = this.d.connection;
        if (target)
            await writeConnection(this.s, target, current.properties.scoringUri, await this.getKey(), this.log);
        return undefined;
    }
    async report(ok, failure) {
        const current = this.endpointRemoved ? undefined : await getEndpoint(this.s, this.d.endpointName);
        await (0,report/* writeSummary */.Sy)(deploySummary(this.summary(ok, failure, current)));
    }
    async getKey() {
        if (!this.key) {
            const name = this.d.endpointName;
            const keys = await this.s.client.onlineEndpoints.listKeys(this.s.ref.resourceGroup, this.s.ref.workspace, name);
            const key = keys.primaryKey ?? keys.secondaryKey;
            if (!key)
                throw new errors/* ActionError */.lZ(`Endpoint ${name} gave no key.`);
            (0,report/* mask */.dK)(key);
            this.key = key;
        }
        return this.key;
    }
    async timed(step, fn) {
        const t0 = Date.now();
        try {
            return await fn();
        }
        finally {
            this.timings.push({ step, ms: Date.now() - t0 });
        }
    }
    summary(ok, failure, current) {
        const { model, plan, endpointName } = this.d;
        const links = studioLinks(this.s.cloud, this.s.ref);
        return {
            ok,
            failure,
            model: {
                name: model.name,
                version: model.version,
                reused: model.reused,
                url: links.model(model.name, model.version),
                lineage: model.lineage,
                jobUrl: model.lineage?.jobName ? links.job(model.lineage.jobName) : undefined,
            },
            endpoint: {
                name: endpointName,
                created: this.created.endpoint,
                removed: this.endpointRemoved,
                managed: plan.endpoint.managed,
                identity: current?.identity?.type ?? undefined,
                scoringUri: current?.properties?.scoringUri ?? undefined,
                swaggerUri: current?.properties?.swaggerUri ?? undefined,
                expiresAt: expiresAt(current?.tags ?? undefined),
                url: links.endpoint(endpointName),
            },
            deployment: {
                name: plan.deployment.name,
                created: this.created.deployment,
                instanceType: this.d.body.properties.instanceType,
                instanceCount: this.inputs.instanceCount,
                why: this.d.size.why,
            },
            previous: plan.previous,
            trafficBefore: plan.trafficBefore,
            trafficAfter: this.trafficNow,
            deleted: this.deleted,
            kept: plan.kept,
            running: ok ? plan.afterRollout : plan.duringRollout.running,
            timings: this.timings,
            smoke: this.smoke,
            promptflowConnection: this.d.connection
                ? `${this.d.connection.name} in ${describeTarget(this.d.connection)}${this.d.connection.shared ? ", shared with its users" : ""}`
                : undefined,
            notes: plan.notes,
        };
    }
}


/***/ })

};
