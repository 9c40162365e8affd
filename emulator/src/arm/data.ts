import type { Req, Router } from "../http.js";
import { armError, notFound, WS, wsId, type ArmContext } from "./context.js";
import { systemData, type Resource } from "./store.js";

const DATA_TYPES = ["uri_file", "uri_folder", "mltable"];

/**
 * Data assets (workspace data containers and versions), as Azure ML keeps them: a version is created once
 * and then immutable (the same body again is a no-op, another body is a conflict); the container is
 * created with its first version and tracks latestVersion / nextVersion.
 */
export function registerData(r: Router, ctx: ArmContext): void {
  const container = (sub: string, rg: string, ws: string, name: string) => `${wsId(sub, rg, ws)}/data/${name}`;
  const versionsOf = (id: string) =>
    ctx.store.list(`${id}/versions`).sort((a, b) => Number(a.name) - Number(b.name) || a.name.localeCompare(b.name));
  const hasWorkspace = (sub: string, rg: string, ws: string) => Boolean(ctx.store.get(wsId(sub, rg, ws)));

  r.on("GET", new RegExp(`${WS}/data$`, "i"), (_req, [sub, rg, ws]) => {
    if (!hasWorkspace(sub!, rg!, ws!)) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    return { status: 200, body: { value: ctx.store.list(`${wsId(sub!, rg!, ws!)}/data`) } };
  });

  r.on("GET", new RegExp(`${WS}/data/([^/]+)$`, "i"), (_req, [sub, rg, ws, name]) => {
    const c = ctx.store.get(container(sub!, rg!, ws!, name!));
    return c ? { status: 200, body: c } : notFound("Microsoft.MachineLearningServices/workspaces/data", `${ws}/${name}`, rg!);
  });

  r.on("GET", new RegExp(`${WS}/data/([^/]+)/versions$`, "i"), (req, [sub, rg, ws, name]) => {
    let all = versionsOf(container(sub!, rg!, ws!, name!));
    const order = req.url.searchParams.get("$orderBy") ?? "";
    if (/createdtime desc/i.test(order)) all = all.reverse();
    const tags = req.url.searchParams.get("$tags");
    if (tags) {
      // "$tags=key=value,key2" : every listed tag present (with that value, when given).
      const wanted = tags.split(",").map((t) => t.split("="));
      all = all.filter((v) => wanted.every(([k, val]) => v.properties.tags && (val === undefined ? k! in (v.properties.tags as object) : (v.properties.tags as Record<string, string>)[k!] === val)));
    }
    const top = Number(req.url.searchParams.get("$top") ?? 0);
    return { status: 200, body: { value: top > 0 ? all.slice(0, top) : all } };
  });

  r.on("GET", new RegExp(`${WS}/data/([^/]+)/versions/([^/]+)$`, "i"), (_req, [sub, rg, ws, name, version]) => {
    const v = ctx.store.get(`${container(sub!, rg!, ws!, name!)}/versions/${version}`);
    return v ? { status: 200, body: v } : notFound("Microsoft.MachineLearningServices/workspaces/data/versions", `${ws}/${name}/${version}`, rg!);
  });

  r.on("PUT", new RegExp(`${WS}/data/([^/]+)/versions/([^/]+)$`, "i"), (req: Req, [sub, rg, ws, name, version]) => {
    if (!hasWorkspace(sub!, rg!, ws!)) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    const body = req.json<{ properties?: Record<string, unknown> }>();
    const p = body?.properties ?? {};
    if (!DATA_TYPES.includes(String(p.dataType))) return armError(400, "UserError", `dataType must be one of ${DATA_TYPES.join(", ")}.`, { target: "properties.dataType" });
    if (typeof p.dataUri !== "string" || !p.dataUri) return armError(400, "UserError", "dataUri is required.", { target: "properties.dataUri" });
    const cid = container(sub!, rg!, ws!, name!);
    const id = `${cid}/versions/${version}`;
    const existing = ctx.store.get(id);
    if (existing) {
      if (existing.properties.dataUri === p.dataUri && existing.properties.dataType === p.dataType) return { status: 200, body: existing };
      return armError(409, "UserError", `A data version with this name and version already exists (${name}:${version}) and its content cannot change. Use another version.`);
    }
    const resource: Resource = {
      id,
      name: version!,
      type: "Microsoft.MachineLearningServices/workspaces/data/versions",
      properties: {
        dataType: p.dataType,
        dataUri: p.dataUri,
        description: p.description ?? null,
        tags: p.tags ?? {},
        properties: p.properties ?? {},
        isAnonymous: p.isAnonymous ?? false,
        isArchived: p.isArchived ?? false,
      },
      systemData: systemData(),
    };
    ctx.store.put(resource);
    const numeric = versionsOf(cid).map((v) => Number(v.name)).filter(Number.isInteger);
    const latest = versionsOf(cid).at(-1)!.name;
    ctx.store.put({
      id: cid,
      name: name!,
      type: "Microsoft.MachineLearningServices/workspaces/data",
      properties: {
        dataType: p.dataType,
        description: null,
        tags: {},
        properties: {},
        isArchived: false,
        latestVersion: latest,
        nextVersion: String((numeric.length ? Math.max(...numeric) : 0) + 1),
      },
      systemData: (ctx.store.get(cid)?.systemData as Record<string, unknown>) ?? systemData(),
    });
    return { status: 201, body: resource };
  });
}
