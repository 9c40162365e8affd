import type { Req, Res, Router } from "../http.js";
import { armError, notFound, WS, wsId, type ArmContext } from "./context.js";
import { datasetsProblem, hasDatasets, withoutDatasets } from "./model-datasets.js";
import { systemData, type Resource } from "./store.js";

/** What differs between the asset kinds: the path segment, and the properties a version must have and keeps. */
interface AssetKind {
  segment: "data" | "models";
  /** Checks a version's properties; returns a problem (message, target) or undefined. */
  check(p: Record<string, unknown>): [string, string] | undefined;
  /** The properties a version keeps (besides description, tags, properties, isAnonymous, isArchived). */
  keep: string[];
  /** Two bodies are the same version when these are equal. */
  identity: string[];
  /** Container properties derived from the latest version. */
  container(p: Record<string, unknown>): Record<string, unknown>;
  /** Properties the service always returns on a version, with the value it fills in when none was sent. */
  filled?: Record<string, unknown>;
  /**
   * Properties a later api-version added: kept (after their check) on requests of the versions that have them,
   * and left out of what older versions read.
   */
  added?: {
    keep: string[];
    applies(apiVersion: string | null): boolean;
    check(p: Record<string, unknown>): [string, string] | undefined;
    hide(r: Resource): Resource;
  };
}

const DATA_TYPES = ["uri_file", "uri_folder", "mltable"];

const KINDS: AssetKind[] = [
  {
    segment: "data",
    check: (p) =>
      !DATA_TYPES.includes(String(p.dataType))
        ? [`dataType must be one of ${DATA_TYPES.join(", ")}.`, "properties.dataType"]
        : typeof p.dataUri !== "string" || !p.dataUri
          ? ["dataUri is required.", "properties.dataUri"]
          : undefined,
    keep: ["dataType", "dataUri"],
    identity: ["dataType", "dataUri"],
    container: (p) => ({ dataType: p.dataType }),
  },
  {
    segment: "models",
    check: (p) =>
      typeof p.modelUri !== "string" || !p.modelUri ? ["modelUri is required.", "properties.modelUri"] : undefined,
    keep: ["modelType", "modelUri", "flavors", "jobName", "stage"],
    identity: ["modelType", "modelUri"],
    container: () => ({}),
    // The service always returns `flavors`: every azure-ai-ml version reads properties.flavors.items()
    // (azure-sdk-for-python, sdk/ml/azure-ai-ml/azure/ai/ml/entities/_assets/_artifacts/model.py,
    // Model._from_rest_object). Azure reads an MLflow model's flavours from its MLmodel; the emulator does not
    // open the artifact, so a version registered without them gets {} ("unknown").
    filled: { flavors: {} },
    added: { keep: ["datasets"], applies: hasDatasets, check: datasetsProblem, hide: withoutDatasets },
  },
];

const apiVersionOf = (req: Req) => req.url.searchParams.get("api-version");

/** The properties a version keeps under the request's api-version, and their problem if any. */
function keptUnder(kind: AssetKind, req: Req, p: Record<string, unknown>) {
  const added = kind.added?.applies(apiVersionOf(req)) ? kind.added : undefined;
  return { keep: [...kind.keep, ...(added?.keep ?? [])], problem: kind.check(p) ?? added?.check(p) };
}

/** A version as the request's api-version shows it: without the properties a later version added. */
const shown = (kind: AssetKind, req: Req, v: Resource): Resource =>
  kind.added && !kind.added.applies(apiVersionOf(req)) ? kind.added.hide(v) : v;

/**
 * Data and model assets (workspace containers and versions), as Azure ML keeps them: a version is created
 * once and then immutable (the same body again is a no-op, another body is a conflict); the container is
 * created with its first version and tracks latestVersion / nextVersion.
 */
export function registerAssets(r: Router, ctx: ArmContext): void {
  for (const kind of KINDS) registerKind(r, ctx, kind);
}

/** An asset container's versions, in version order (numeric first by number, then by name). */
function versionsOf(ctx: ArmContext, id: string): Resource[] {
  return ctx.store
    .list(`${id}/versions`)
    .sort((a, b) => Number(a.name) - Number(b.name) || a.name.localeCompare(b.name));
}

/** "$tags=key=value,key2" : the versions with every listed tag present (with that value, when given). */
function withTags(all: Resource[], tags: string): Resource[] {
  const wanted = tags.split(",").map((t) => t.split("="));
  return all.filter((v) =>
    wanted.every(
      ([k, val]) =>
        v.properties.tags &&
        (val === undefined
          ? k! in (v.properties.tags as object)
          : (v.properties.tags as Record<string, string>)[k!] === val),
    ),
  );
}

/** A version's listing: $orderBy (createdtime desc reverses), $tags, then $top. */
function listVersions(ctx: ArmContext, kind: AssetKind, cid: string, req: Req): Res {
  let all = versionsOf(ctx, cid);
  const order = req.url.searchParams.get("$orderBy") ?? "";
  if (/createdtime desc/i.test(order)) all = all.reverse();
  const tags = req.url.searchParams.get("$tags");
  if (tags) all = withTags(all, tags);
  const top = Number(req.url.searchParams.get("$top") ?? 0);
  const page = top > 0 ? all.slice(0, top) : all;
  return { status: 200, body: { value: page.map((v) => shown(kind, req, v)) } };
}

/** Stores the container of a new version: its kind's properties and latestVersion / nextVersion. */
function putContainer(ctx: ArmContext, kind: AssetKind, cid: string, name: string, p: Record<string, unknown>): void {
  const numeric = versionsOf(ctx, cid)
    .map((v) => Number(v.name))
    .filter(Number.isInteger);
  const latest = versionsOf(ctx, cid).at(-1)!.name;
  ctx.store.put({
    id: cid,
    name,
    type: `Microsoft.MachineLearningServices/workspaces/${kind.segment}`,
    properties: {
      ...kind.container(p),
      description: null,
      tags: {},
      properties: {},
      isArchived: false,
      latestVersion: latest,
      nextVersion: String((numeric.length ? Math.max(...numeric) : 0) + 1),
    },
    systemData: (ctx.store.get(cid)?.systemData as Record<string, unknown>) ?? systemData(),
  });
}

/** PUT of a version: checked, created once (the same body again is a no-op, another a conflict), container updated. */
function putVersion(ctx: ArmContext, kind: AssetKind, cid: string, name: string, version: string, req: Req): Res {
  const seg = kind.segment;
  const body = req.json<{ properties?: Record<string, unknown> }>();
  const p = body?.properties ?? {};
  const { keep, problem } = keptUnder(kind, req, p);
  if (problem) return armError(400, "UserError", problem[0], { target: problem[1] });
  const id = `${cid}/versions/${version}`;
  const existing = ctx.store.get(id);
  if (existing) {
    if (kind.identity.every((k) => existing.properties[k] === p[k]))
      return { status: 200, body: shown(kind, req, existing) };
    return armError(
      409,
      "UserError",
      `A ${seg === "data" ? "data" : "model"} version with this name and version already exists (${name}:${version}) and its content cannot change. Use another version.`,
    );
  }
  const resource: Resource = {
    id,
    name: version,
    type: `Microsoft.MachineLearningServices/workspaces/${seg}/versions`,
    properties: {
      ...kind.filled,
      ...Object.fromEntries(keep.filter((k) => p[k] !== undefined).map((k) => [k, p[k]])),
      description: p.description ?? null,
      tags: p.tags ?? {},
      properties: p.properties ?? {},
      isAnonymous: p.isAnonymous ?? false,
      isArchived: p.isArchived ?? false,
    },
    systemData: systemData(),
  };
  ctx.store.put(resource);
  putContainer(ctx, kind, cid, name, p);
  return { status: 201, body: shown(kind, req, resource) };
}

function registerKind(r: Router, ctx: ArmContext, kind: AssetKind): void {
  const seg = kind.segment;
  const type = `Microsoft.MachineLearningServices/workspaces/${seg}`;
  const container = (sub: string, rg: string, ws: string, name: string) => `${wsId(sub, rg, ws)}/${seg}/${name}`;
  const hasWorkspace = (sub: string, rg: string, ws: string) => Boolean(ctx.store.get(wsId(sub, rg, ws)));

  r.on("GET", new RegExp(`${WS}/${seg}$`, "i"), (_req, [sub, rg, ws]) => {
    if (!hasWorkspace(sub!, rg!, ws!)) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    return { status: 200, body: { value: ctx.store.list(`${wsId(sub!, rg!, ws!)}/${seg}`) } };
  });

  r.on("GET", new RegExp(`${WS}/${seg}/([^/]+)$`, "i"), (_req, [sub, rg, ws, name]) => {
    const c = ctx.store.get(container(sub!, rg!, ws!, name!));
    return c ? { status: 200, body: c } : notFound(type, `${ws}/${name}`, rg!);
  });

  r.on("GET", new RegExp(`${WS}/${seg}/([^/]+)/versions$`, "i"), (req, [sub, rg, ws, name]) =>
    listVersions(ctx, kind, container(sub!, rg!, ws!, name!), req),
  );

  r.on("GET", new RegExp(`${WS}/${seg}/([^/]+)/versions/([^/]+)$`, "i"), (req, [sub, rg, ws, name, version]) => {
    const v = ctx.store.get(`${container(sub!, rg!, ws!, name!)}/versions/${version}`);
    return v
      ? { status: 200, body: shown(kind, req, v) }
      : notFound(`${type}/versions`, `${ws}/${name}/${version}`, rg!);
  });

  r.on("PUT", new RegExp(`${WS}/${seg}/([^/]+)/versions/([^/]+)$`, "i"), (req: Req, [sub, rg, ws, name, version]) => {
    if (!hasWorkspace(sub!, rg!, ws!)) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    return putVersion(ctx, kind, container(sub!, rg!, ws!, name!), name!, version!, req);
  });
}
