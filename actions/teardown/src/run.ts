import { userAgent } from "@phi3-aml/shared/action";
import { connect } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { markdownTable, setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { followPoller } from "@phi3-aml/shared/wait";
import type { TeardownInputs } from "./inputs.js";
import { createdAt, plan, type Decision, type EndpointInfo } from "./plan.js";

interface Outcome extends Decision {
  result: "deleted" | "would delete" | "kept" | "failed";
  error?: string;
  instances?: string;
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
  const decisions = plan(endpoints, { now: new Date(), maxAgeHours: inputs.maxAgeHours, endpoint: inputs.endpoint, includeExpired: inputs.includeExpired });
  const outcomes: Outcome[] = [];
  for (const d of decisions) {
    const instances = await describeInstances(s, d.name).catch(() => undefined);
    if (!d.delete) {
      log.info(`Keeping ${d.name}: ${d.reason}.`);
      outcomes.push({ ...d, result: "kept", instances });
      continue;
    }
    if (inputs.dryRun) {
      log.info(`Would delete ${d.name} (dry run): ${d.reason}.`);
      outcomes.push({ ...d, result: "would delete", instances });
      continue;
    }
    try {
      log.info(`Deleting ${d.name}: ${d.reason}.`);
      const poller = await s.client.onlineEndpoints.beginDelete(resourceGroup, workspace, d.name);
      await followPoller(poller, { what: `deleting endpoint ${d.name}`, log, timeoutMs: 30 * 60_000, intervalMs: 2_000, maxIntervalMs: 15_000 });
      outcomes.push({ ...d, result: "deleted", instances });
    } catch (e) {
      // One failed deletion does not stop the others; the step fails at the end.
      log.warning(`Could not delete ${d.name}: ${describeError(e)}`);
      outcomes.push({ ...d, result: "failed", error: describeError(e), instances });
    }
  }

  const names = (r: Outcome["result"][]) => JSON.stringify(outcomes.filter((o) => r.includes(o.result)).map((o) => o.name));
  setOutputs({ deleted: names(inputs.dryRun ? ["would delete"] : ["deleted"]), kept: names(["kept", "failed"]) });
  const links = studioLinks(s.cloud, s.ref);
  await writeSummary(
    [
      `## Endpoint teardown${inputs.dryRun ? " (dry run: nothing was deleted)" : ""}`,
      "",
      outcomes.length
        ? markdownTable(
            ["endpoint", "what happened", "why", "deployments (instances)"],
            outcomes.map((o) => [`[${o.name}](${links.endpoint(o.name)})`, o.result + (o.error ? `: ${o.error}` : ""), o.reason, o.instances ?? ""]),
            [0],
          )
        : "No online endpoints in this workspace.",
      "",
    ].join("\n"),
  );
  const failed = outcomes.filter((o) => o.result === "failed");
  if (failed.length) throw new ActionError(`Could not delete ${failed.map((o) => o.name).join(", ")} (the others were handled).`);
}

/** "blue: Standard_NC6s_v3 × 1" for each deployment: what stops running (and billing) when the endpoint goes. */
async function describeInstances(s: Awaited<ReturnType<typeof connect>>, name: string): Promise<string> {
  const parts: string[] = [];
  for await (const d of s.client.onlineDeployments.list(s.ref.resourceGroup, s.ref.workspace, name)) {
    parts.push(`${d.name}: ${(d.properties as { instanceType?: string }).instanceType ?? "?"} × ${d.sku?.capacity ?? 1}`);
  }
  return parts.join(", ");
}
