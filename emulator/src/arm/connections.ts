import type { Router } from "../http.js";
import { armError, notFound, WS, wsId, type ArmContext } from "./context.js";
import { systemData } from "./store.js";

/**
 * Workspace connections (what Prompt flow reads), as Azure ML keeps them: the credentials are write-only —
 * GET returns the connection without them; only POST .../listsecrets returns them.
 */
export function registerConnections(r: Router, ctx: ArmContext): void {
  const id = (sub: string, rg: string, ws: string, name: string) => `${wsId(sub, rg, ws)}/connections/${name}`;
  const secrets = new Map<string, unknown>();
  const withoutSecrets = (res: ReturnType<ArmContext["store"]["get"]>) =>
    res && { ...res, properties: { ...res.properties, credentials: undefined } };

  r.on("GET", new RegExp(`${WS}/connections/([^/]+)$`, "i"), (_req, [sub, rg, ws, name]) => {
    const c = ctx.store.get(id(sub!, rg!, ws!, name!));
    return c
      ? { status: 200, body: withoutSecrets(c) }
      : notFound("Microsoft.MachineLearningServices/workspaces/connections", `${ws}/${name}`, rg!);
  });

  r.on("PUT", new RegExp(`${WS}/connections/([^/]+)$`, "i"), (req, [sub, rg, ws, name]) => {
    if (!ctx.store.get(wsId(sub!, rg!, ws!))) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    const p = req.json<{ properties?: Record<string, unknown> }>()?.properties ?? {};
    if (!p.authType || !p.category)
      return armError(400, "UserError", "authType and category are required.", { target: "properties" });
    const key = id(sub!, rg!, ws!, name!);
    const existing = ctx.store.get(key);
    secrets.set(key.toLowerCase(), p.credentials);
    const resource = ctx.store.put({
      id: key,
      name: name!,
      type: "Microsoft.MachineLearningServices/workspaces/connections",
      properties: { ...p, credentials: undefined, createdByWorkspaceArmId: wsId(sub!, rg!, ws!) },
      systemData: (existing?.systemData as Record<string, unknown>) ?? systemData(),
    });
    // workspaceRP.json declares only 200 for WorkspaceConnections_Create, a new connection included.
    return { status: 200, body: withoutSecrets(resource) };
  });

  r.on("POST", new RegExp(`${WS}/connections/([^/]+)/listsecrets$`, "i"), (_req, [sub, rg, ws, name]) => {
    const key = id(sub!, rg!, ws!, name!);
    const c = ctx.store.get(key);
    if (!c) return notFound("Microsoft.MachineLearningServices/workspaces/connections", `${ws}/${name}`, rg!);
    return {
      status: 200,
      body: { ...c, properties: { ...c.properties, credentials: secrets.get(key.toLowerCase()) } },
    };
  });
}
