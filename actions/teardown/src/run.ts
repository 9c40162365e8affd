import { userAgent } from "@phi3-aml/shared/action";
import { connect } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { markdownTable, setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { followPoller } from "@phi3-aml/shared/wait";
import { formatUsd, hourlyCost, readPriceBook, type PriceBook } from "@phi3-aml/shared/azureml/prices";
import type { TeardownInputs } from "./inputs.js";
import { createdAt, foreignDeployment, plan, refusals, type Decision, type EndpointInfo } from "./plan.js";

interface Running {
  name: string;
  instanceType: string;
  instanceCount: number;
  tags?: Record<string, string>;
}

interface Outcome extends Decision {
  result: "deleted" | "would delete" | "kept" | "failed";
  error?: string;
  instances?: string;
  running?: Running[];
}

type Session = Awaited<ReturnType<typeof connect>>;

/** Deletes the online endpoints whose time is up, following each deletion to its end. */
export async function run(inputs: TeardownInputs, log: Logger): Promise<void> {
  const s = await connect(inputs.azure, userAgent("teardown"), log);
  const endpoints = await listEndpoints(s);
  if (inputs.endpoint && !endpoints.some((e) => e.name.toLowerCase() === inputs.endpoint!.toLowerCase())) {
    log.notice(`There is no online endpoint "${inputs.endpoint}" in workspace ${s.ref.workspace}: nothing to delete.`);
  }
  const options = {
    now: new Date(),
    repository: inputs.repository,
    maxAgeHours: inputs.maxAgeHours,
    endpoint: inputs.endpoint,
    includeExpired: inputs.includeExpired,
  };
  const decisions = plan(endpoints, options);
  // Refused before anything is deleted, in a dry run too: a dry run does what a real run would.
  const refused = refusals(decisions, options);
  if (refused.length)
    throw new ActionError(
      `Teardown refuses: ${refused.join("; ")}.`,
      `Teardown deletes only endpoints tagged managed-by: phi3-aml-actions and repository: ${inputs.repository}.`,
    );
  for (const d of decisions) if (d.warning) log.warning(d.warning);
  const outcomes: Outcome[] = [];
  for (const d of decisions)
    outcomes.push(await carryOut(s, d, { dryRun: inputs.dryRun, repository: inputs.repository }, log));
  await report(s, outcomes, inputs.dryRun);
  const failed = outcomes.filter((o) => o.result === "failed");
  if (failed.length)
    throw new ActionError(`Could not delete ${failed.map((o) => o.name).join(", ")} (the others were handled).`);
}

async function listEndpoints(s: Session): Promise<EndpointInfo[]> {
  const endpoints: EndpointInfo[] = [];
  for await (const e of s.client.onlineEndpoints.list(s.ref.resourceGroup, s.ref.workspace)) {
    if (!e.name) continue;
    endpoints.push({ name: e.name, tags: e.tags ?? {}, createdAt: createdAt(e.tags, e.systemData?.createdAt) });
  }
  return endpoints;
}

/** One decision carried out: kept, listed (dry run), or deleted and followed to its end. */
async function carryOut(
  s: Session,
  d: Decision,
  options: { dryRun: boolean; repository: string },
  log: Logger,
): Promise<Outcome> {
  const { dryRun } = options;
  const running = await runningDeployments(s, d.name).catch(() => [] as Running[]);
  const instances = running.map((r) => `${r.name}: ${r.instanceType} × ${r.instanceCount}`).join(", ");
  // Deleting the endpoint deletes its deployments: one of another repository keeps it (shared ownership rule).
  const foreign = d.delete ? foreignDeployment(running, options.repository) : undefined;
  if (foreign) d = { ...d, delete: false, reason: `${foreign}: left alone` };
  if (!d.delete) {
    log.info(`Keeping ${d.name}: ${d.reason}.`);
    return { ...d, result: "kept", instances, running };
  }
  if (dryRun) {
    log.info(`Would delete ${d.name} (dry run): ${d.reason}.`);
    return { ...d, result: "would delete", instances, running };
  }
  try {
    log.info(`Deleting ${d.name}: ${d.reason}.`);
    const poller = await s.client.onlineEndpoints.beginDelete(s.ref.resourceGroup, s.ref.workspace, d.name);
    await followPoller(poller, {
      what: `deleting endpoint ${d.name}`,
      log,
      timeoutMs: 30 * 60_000,
      intervalMs: 2_000,
      maxIntervalMs: 15_000,
    });
    return { ...d, result: "deleted", instances, running };
  } catch (e) {
    // One failed deletion does not stop the others; the step fails at the end.
    log.warning(`Could not delete ${d.name}: ${describeError(e)}`);
    return { ...d, result: "failed", error: describeError(e), instances };
  }
}

/** Outputs and the step summary. */
async function report(s: Session, outcomes: Outcome[], dryRun: boolean): Promise<void> {
  const names = (r: Outcome["result"][]) =>
    JSON.stringify(outcomes.filter((o) => r.includes(o.result)).map((o) => o.name));
  setOutputs({ deleted: names(dryRun ? ["would delete"] : ["deleted"]), kept: names(["kept", "failed"]) });
  const links = studioLinks(s.cloud, s.ref);
  const gone = outcomes.filter((o) => o.result === (dryRun ? "would delete" : "deleted"));
  await writeSummary(
    [
      `## Endpoint teardown${dryRun ? " (dry run: nothing was deleted)" : ""}`,
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
        gone.flatMap((o) => o.running ?? []),
        dryRun,
        await readPriceBook(s),
      ),
      "",
    ].join("\n"),
  );
}

/** The deployments of an endpoint: what stops running (and billing) when the endpoint goes. */
async function runningDeployments(s: Session, name: string): Promise<Running[]> {
  const found: Running[] = [];
  for await (const d of s.client.onlineDeployments.list(s.ref.resourceGroup, s.ref.workspace, name)) {
    found.push({
      name: d.name ?? "?",
      instanceType: (d.properties as { instanceType?: string }).instanceType ?? "?",
      instanceCount: d.sku?.capacity ?? 1,
      tags: d.tags ?? undefined,
    });
  }
  return found;
}

/** The hourly cost the deletions avoid, as an estimate from the shared price table. */
function costLine(running: Running[], dryRun: boolean, book: PriceBook): string {
  if (!running.length) return "";
  const cost = hourlyCost(running, book);
  const unknown = cost.unknown.length ? ` (${cost.region} gives no price for ${cost.unknown.join(", ")})` : "";
  return `**${dryRun ? "Would avoid" : "Avoided"}: about ${formatUsd(cost.usdPerHour)} per hour**${unknown} — an estimate from ${cost.source}, ${cost.region}.`;
}
