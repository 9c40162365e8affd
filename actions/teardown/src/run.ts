import { userAgent } from "@phi3-aml/shared/action";
import { connect } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { markdownTable, setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { followPoller } from "@phi3-aml/shared/wait";
import { formatUsd, hourlyCost, PRICE_BASIS, PRICES_AS_OF } from "@phi3-aml/shared/azureml/prices";
import type { TeardownInputs } from "./inputs.js";
import { createdAt, plan, type Decision, type EndpointInfo } from "./plan.js";

interface Running {
  name: string;
  instanceType: string;
  instanceCount: number;
}

interface Outcome extends Decision {
  result: "deleted" | "would delete" | "kept" | "failed";
  error?: string;
  instances?: string;
  running?: Running[];
}

/** Deletes the online endpoints whose time is up, following each deletion to its end. */
export async function run(inputs: TeardownInputs, log: Logger): Promise<void> {
  const s = await connect(inputs.azure, userAgent("teardown"), log);
  const { resourceGroup, workspace } = s.ref;
  const endpoints: EndpointInfo[] = [];
  for await (const e of s.client.onlineEndpoints.list(resourceGroup, workspace)) {
    if (!e.name) continue;
    endpoints.push({ name: e.name, tags: e.tags ?? {}, createdAt: createdAt(e.tags, e.systemData?.createdAt) });
  }
  if (inputs.endpoint && !endpoints.some((e) => e.name.toLowerCase() === inputs.endpoint!.toLowerCase())) {
    log.notice(`There is no online endpoint "${inputs.endpoint}" in workspace ${workspace}: nothing to delete.`);
  }
  const decisions = plan(endpoints, {
    now: new Date(),
    maxAgeHours: inputs.maxAgeHours,
    endpoint: inputs.endpoint,
    includeExpired: inputs.includeExpired,
  });
  const outcomes: Outcome[] = [];
  for (const d of decisions) {
    const running = await runningDeployments(s, d.name).catch(() => [] as Running[]);
    const instances = running.map((r) => `${r.name}: ${r.instanceType} × ${r.instanceCount}`).join(", ");
    if (!d.delete) {
      log.info(`Keeping ${d.name}: ${d.reason}.`);
      outcomes.push({ ...d, result: "kept", instances, running });
      continue;
    }
    if (inputs.dryRun) {
      log.info(`Would delete ${d.name} (dry run): ${d.reason}.`);
      outcomes.push({ ...d, result: "would delete", instances, running });
      continue;
    }
    try {
      log.info(`Deleting ${d.name}: ${d.reason}.`);
      const poller = await s.client.onlineEndpoints.beginDelete(resourceGroup, workspace, d.name);
      await followPoller(poller, {
        what: `deleting endpoint ${d.name}`,
        log,
        timeoutMs: 30 * 60_000,
        intervalMs: 2_000,
        maxIntervalMs: 15_000,
      });
      outcomes.push({ ...d, result: "deleted", instances, running });
    } catch (e) {
      // One failed deletion does not stop the others; the step fails at the end.
      log.warning(`Could not delete ${d.name}: ${describeError(e)}`);
      outcomes.push({ ...d, result: "failed", error: describeError(e), instances });
    }
  }

  const names = (r: Outcome["result"][]) =>
    JSON.stringify(outcomes.filter((o) => r.includes(o.result)).map((o) => o.name));
  setOutputs({ deleted: names(inputs.dryRun ? ["would delete"] : ["deleted"]), kept: names(["kept", "failed"]) });
  const links = studioLinks(s.cloud, s.ref);
  await writeSummary(
    [
      `## Endpoint teardown${inputs.dryRun ? " (dry run: nothing was deleted)" : ""}`,
      "",
      outcomes.length
        ? markdownTable(
            ["endpoint", "what happened", "why", "deployments (instances)"],
            outcomes.map((o) => [
              `[${o.name}](${links.endpoint(o.name)})`,
              o.result + (o.error ? `: ${o.error}` : ""),
              o.reason,
              o.instances ?? "",
            ]),
            [0],
          )
        : "No online endpoints in this workspace.",
      "",
      costLine(
        outcomes
          .filter((o) => o.result === (inputs.dryRun ? "would delete" : "deleted"))
          .flatMap((o) => o.running ?? []),
        inputs.dryRun,
      ),
      "",
    ].join("\n"),
  );
  const failed = outcomes.filter((o) => o.result === "failed");
  if (failed.length)
    throw new ActionError(`Could not delete ${failed.map((o) => o.name).join(", ")} (the others were handled).`);
}

/** The deployments of an endpoint: what stops running (and billing) when the endpoint goes. */
async function runningDeployments(s: Awaited<ReturnType<typeof connect>>, name: string): Promise<Running[]> {
  const found: Running[] = [];
  for await (const d of s.client.onlineDeployments.list(s.ref.resourceGroup, s.ref.workspace, name)) {
    found.push({
      name: d.name ?? "?",
      instanceType: (d.properties as { instanceType?: string }).instanceType ?? "?",
      instanceCount: d.sku?.capacity ?? 1,
    });
  }
  return found;
}

/** The hourly cost the deletions avoid, as an estimate from the shared price table. */
function costLine(running: Running[], dryRun: boolean): string {
  if (!running.length) return "";
  const cost = hourlyCost(running);
  const unknown = cost.unknown.length ? ` (no price known for ${cost.unknown.join(", ")})` : "";
  return `**${dryRun ? "Would avoid" : "Avoided"}: about ${formatUsd(cost.usdPerHour)} per hour**${unknown} — an estimate: ${PRICE_BASIS}, as of ${PRICES_AS_OF}.`;
}
