import { Router, type Req } from "./http.js";
import type { Arm } from "./arm/index.js";
import { AZUREML_REGISTRY } from "./arm/registry.js";
import { registerMlflow } from "./mlflow.js";
import { registerRunHistory } from "./run-history.js";

/**
 * A region's Azure ML API host (https://<region>.api.azureml.ms in Azure): the workspace discovery
 * document, registry discovery, and the registries' management frontend (`/mferp/managementfrontend/…`),
 * which serves the registry's ARM paths with an ARM token.
 */
export class Regional {
  base = "";

  constructor(private readonly arm: Arm) {}

  router(): Router {
    const armRouter = this.arm.router();
    const router = new Router()
      .on("GET", /^\/discovery$/, () => {
        const b = this.base;
        return {
          status: 200,
          body: {
            api: b,
            catalog: b,
            experimentation: b,
            gallery: b,
            history: b,
            hyperdrive: b,
            labeling: b,
            modelmanagement: b,
            pipelines: b,
            studiocoreservices: b,
          },
        };
      })
      .on("GET", /^\/registrymanagement\/v1\.0\/registries\/([^/]+)\/discovery$/, (_req, [name]) => {
        if (name!.toLowerCase() !== AZUREML_REGISTRY.name)
          return { status: 404, body: { error: { code: "NotFound", message: `Registry ${name} was not found.` } } };
        return {
          status: 200,
          body: {
            registryName: AZUREML_REGISTRY.name,
            primaryRegion: AZUREML_REGISTRY.region,
            regions: [AZUREML_REGISTRY.region],
            primaryRegionResourceProviderUri: `${this.base}/`,
            subscriptionId: AZUREML_REGISTRY.subscriptionId,
            resourceGroup: AZUREML_REGISTRY.resourceGroup,
          },
        };
      })
      .on("*", /^\/mferp\/managementfrontend(\/subscriptions\/.+)$/, (req: Req, [rest]) =>
        armRouter.handle({ ...req, path: rest! }),
      );
    registerMlflow(router, this.arm, () => this.base);
    registerRunHistory(router, this.arm);
    return router;
  }
}
