import { Router, type Req, type Res } from "../http.js";
import type { SigningKey } from "../keys.js";
import { VmPrices } from "./vm-prices.js";
import { armError, Quotas, type ArmContext, type RegisterRoutes } from "./context.js";
import { registerAssets } from "./assets.js";
import { registerComputes } from "./computes.js";
import { registerConnections } from "./connections.js";
import { JobState, registerJobs } from "./jobs.js";
import { registerRegistry } from "./registry.js";
import { EndpointState, registerEndpoints } from "./endpoints.js";
import { registerLocations } from "./locations.js";
import { registerUsages } from "./usages.js";
import { Store } from "./store.js";
import { ArmAuth, Subscriptions } from "./auth.js";
import { apiVersionProblem } from "./api-versions.js";
import { registerWorkspaces } from "./workspaces.js";
import { registerSubscriptions } from "./subscriptions.js";

/** Route modules, one per resource family; each action's issue adds its own. */
const MODULES: RegisterRoutes[] = [
  registerLocations,
  registerUsages,
  registerWorkspaces,
  registerAssets,
  registerConnections,
  registerComputes,
  registerRegistry,
];

export class Arm {
  readonly store = new Store();
  readonly quotas = new Quotas();
  readonly prices = new VmPrices();
  readonly endpoints = new EndpointState();
  readonly jobs = new JobState();
  base = "";
  private readonly routes = new Router();
  readonly subscriptions = new Subscriptions();
  private readonly auth: ArmAuth;

  constructor(entraKey: SigningKey, extra: RegisterRoutes[] = []) {
    this.auth = new ArmAuth(entraKey, this.subscriptions);
    const ctx: ArmContext = { store: this.store, base: () => this.base, quotas: this.quotas, prices: this.prices };
    for (const register of [...MODULES, ...extra]) register(this.routes, ctx);
    registerEndpoints(this.routes, ctx, this.endpoints);
    registerJobs(this.routes, ctx, this.jobs);
    registerSubscriptions(this.routes, this.subscriptions);
  }

  router(): Router {
    return new Router().on("*", /^\//, (req) => this.handle(req));
  }

  private async handle(req: Req): Promise<Res> {
    const denied = await this.authenticate(req);
    if (denied) return denied;
    const problem = apiVersionProblem(req.path, req.url.searchParams.get("api-version"));
    if (problem) return armError(400, problem.code, problem.message);
    return this.routes.handle(req);
  }

  /** Resource Manager (and the data-plane APIs that take its tokens) accept only a valid, unexpired Entra token for its audience and the subscription's tenant. */
  async authenticate(req: Req): Promise<Res | undefined> {
    const checked = await this.auth.check(req);
    return "denied" in checked ? checked.denied : undefined;
  }
}
