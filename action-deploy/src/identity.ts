/**
 * Who the endpoint runs as: Azure's system-assigned identity (created with the endpoint and given the roles it
 * needs by Azure), or a user-assigned identity the user made and granted roles to (Azure gives it none).
 */
export type EndpointIdentity = { kind: "system" } | { kind: "user"; id: string };

/**
 * ARM id of a user-assigned identity (Microsoft.ManagedIdentity/userAssignedIdentities). Names: 3–128 letters,
 * digits, '-' and '_', starting with a letter or digit (Azure resource naming rules, Microsoft.ManagedIdentity);
 * resource groups: 1–90 of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.
 */
const USER_ASSIGNED =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w.()]{0,89}[-\w()]\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[a-zA-Z0-9][-\w]{2,127}$/i;

const IDENTITY_RULE =
  '"system", or the resource id of a user-assigned identity: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>';

/** The `identity` input, or why it is not one. */
export function parseIdentity(text: string): EndpointIdentity | string {
  if (/^system$/i.test(text)) return { kind: "system" };
  if (USER_ASSIGNED.test(text)) return { kind: "user", id: text };
  return `is not an identity: expected ${IDENTITY_RULE}`;
}

/** The identity of a PUT body (ManagedServiceIdentity: each user-assigned identity named with an empty object). */
export function identityBody(identity: EndpointIdentity): {
  type: string;
  userAssignedIdentities?: Record<string, Record<string, never>>;
} {
  return identity.kind === "system"
    ? { type: "SystemAssigned" }
    : { type: "UserAssigned", userAssignedIdentities: { [identity.id]: {} } };
}

/** What an endpoint runs as, read from its GET (identity ids compared case-insensitively, as ARM ids are). */
export function sameIdentity(
  want: EndpointIdentity,
  have: { type?: string; userAssignedIdentities?: Record<string, unknown> | null } | null | undefined,
): boolean {
  const type = (have?.type ?? "").toLowerCase().replace(/[\s,]/g, "");
  if (want.kind === "system") return type === "systemassigned";
  const ids = Object.keys(have?.userAssignedIdentities ?? {}).map((k) => k.toLowerCase());
  return type.includes("userassigned") && ids.includes(want.id.toLowerCase());
}

export const describeIdentity = (identity: EndpointIdentity) =>
  identity.kind === "system" ? "its system-assigned identity" : `the user-assigned identity ${identity.id}`;

/** The `promptflow-workspace` input: a workspace, hub or project by name, or resource-group/name. */
export interface WorkspaceRef {
  resourceGroup?: string;
  name: string;
}

/** Workspace names: 3–33 letters, digits, '-' and '_', starting with a letter or digit (Azure ML naming rules). */
const WORKSPACE = /^(?:([-\w.()]{0,89}[-\w()])\/)?([a-zA-Z0-9][\w-]{2,32})$/;

export function parseWorkspaceRef(text: string): WorkspaceRef | string {
  const m = WORKSPACE.exec(text);
  if (!m)
    return "is not a workspace: expected its name (3–33 letters, digits, '-' or '_') or resource-group/name, e.g. my-ai-hub or rg-ai/my-ai-project";
  return m[1] ? { resourceGroup: m[1], name: m[2]! } : { name: m[2]! };
}
