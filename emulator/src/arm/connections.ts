import type { Router } from "../http.js";
import { armError, notFound, WS, wsId, type ArmContext } from "./context.js";
import { systemData, type Resource } from "./store.js";

const TYPE = "Microsoft.MachineLearningServices/workspaces/connections";

/**
 * Workspace connections (what Prompt flow reads), in any workspace, AI Foundry hub or project of the
 * subscription, as Azure ML keeps them (workspaceRP.json): the credentials are write-only — GET and list return
 * the connection without them; only POST .../listsecrets returns them. Sharing (isSharedToAll) is kept as sent.
 */
export function registerConnections(r: Router, ctx: ArmContext): void {
  const id = (sub: string, rg: string, ws: string, name: string) => `${wsId(sub, rg, ws)}/connections/${name}`;
  const secrets = new Map<string, unknown>();
  const withoutSecrets = (res: Resource) => {
    const { credentials: _hidden, ...properties } = res.properties;
    return { ...res, properties };
  };

  // WorkspaceConnections_List, filtered by `category` and `target` as the spec's query parameters say.
  r.on("GET", new RegExp(`${WS}/connections$`, "i"), (req, [sub, rg, ws]) => {
    if (!ctx.store.get(wsId(sub!, rg!, ws!))) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    const category = req.url.searchParams.get("category");
    const target = req.url.searchParams.get("target");
    const value = ctx.store
      .list(`${wsId(sub!, rg!, ws!)}/connections`)
      .filter((c) => !category || String(c.properties.category).toLowerCase() === category.toLowerCase())
      .filter((c) => !target || c.properties.target === target)
      .map(withoutSecrets);
    return { status: 200, body: { value } };
  });

  r.on("GET", new RegExp(`${WS}/connections/([^/]+)$`, "i"), (_req, [sub, rg, ws, name]) => {
    const c = ctx.store.get(id(sub!, rg!, ws!, name!));
    return c ? { status: 200, body: withoutSecrets(c) } : notFound(TYPE, `${ws}/${name}`, rg!);
  });

  // WorkspaceConnections_Create declares 200 only, for a new connection as for a replaced one.
  r.on("PUT", new RegExp(`${WS}/connections/([^/]+)$`, "i"), (req, [sub, rg, ws, name]) => {
    if (!ctx.store.get(wsId(sub!, rg!, ws!))) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    const { credentials, ...p } = req.json<{ properties?: Record<string, unknown> }>()?.properties ?? {};
    if (!p.authType || !p.category)
      return armError(400, "UserError", "authType and category are required.", { target: "properties" });
    const key = id(sub!, rg!, ws!, name!);
    const existing = ctx.store.get(key);
    secrets.set(key.toLowerCase(), credentials);
    const resource = ctx.store.put({
      id: key,
      name: name!,
      type: TYPE,
      properties: {
        ...p,
        isSharedToAll: p.isSharedToAll ?? false,
        createdByWorkspaceArmId: wsId(sub!, rg!, ws!),
      },
      systemData: (existing?.systemData as Record<string, unknown>) ?? systemData(),
    });
    // workspaceRP.json declares only 200 for WorkspaceConnections_Create, a new connection included.
    return { status: 200, body: withoutSecrets(resource) };
  });

  r.on("POST", new RegExp(`${WS}/connections/([^/]+)/listsecrets$`, "i"), (_req, [sub, rg, ws, name]) => {
    const key = id(sub!, rg!, ws!, name!);
    const c = ctx.store.get(key);
    if (!c) return notFound(TYPE, `${ws}/${name}`, rg!);
    return {
      status: 200,
      body: { ...c, properties: { ...c.properties, credentials: secrets.get(key.toLowerCase()) } },
    };
  });
}
