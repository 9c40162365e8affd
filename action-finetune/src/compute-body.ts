/**
 * The AmlCompute cluster the fine-tune runs on (reference/azureml-contract.md §5): its create body, and
 * what an existing cluster of the same name means for this run. A cluster is only ever created here, never
 * changed: it may be shared, and Azure cannot change a cluster's VM size anyway.
 */
import { isoDuration, parseDuration } from "@phi3-aml/shared/inputs";

export interface ComputeWanted {
  name: string;
  /** The workspace's region: a cluster lives where its workspace does. */
  location: string;
  vmSize: string;
  minNodes: number;
  maxNodes: number;
  idleSeconds: number;
  tags?: Record<string, string>;
  description?: string;
  /** ARM id of a user-assigned managed identity the nodes run as. */
  identity?: string;
}

interface ScaleSettings {
  minNodeCount: number;
  maxNodeCount: number;
  nodeIdleTimeBeforeScaleDown: string;
}

export interface ComputeBody {
  location: string;
  tags?: Record<string, string>;
  /** ManagedServiceIdentity (2025-12-01): the cluster's user-assigned identity, e.g. for AcrPull and storage reads. */
  identity?: { type: "UserAssigned"; userAssignedIdentities: Record<string, Record<string, never>> };
  properties: {
    computeType: "AmlCompute";
    description?: string;
    properties: { vmSize: string; vmPriority: "Dedicated"; scaleSettings: ScaleSettings };
  };
}

/** PUT /computes/{name} body for a new cluster: dedicated nodes (a fine-tune of hours should not be pre-empted). */
export function computeBody(w: ComputeWanted): ComputeBody {
  return {
    location: w.location,
    ...(w.tags && Object.keys(w.tags).length ? { tags: { ...w.tags } } : {}),
    ...(w.identity ? { identity: { type: "UserAssigned", userAssignedIdentities: { [w.identity]: {} } } } : {}),
    properties: {
      computeType: "AmlCompute",
      description: w.description ?? `Fine-tune cluster (${w.vmSize}), created by phi3-aml-actions`,
      properties: {
        vmSize: w.vmSize,
        vmPriority: "Dedicated",
        scaleSettings: {
          minNodeCount: w.minNodes,
          maxNodeCount: w.maxNodes,
          nodeIdleTimeBeforeScaleDown: isoDuration(w.idleSeconds),
        },
      },
    },
  };
}

/** A compute as GET /computes/{name} answers it (raw JSON or the SDK's ComputeResource), as far as needed here. */
export interface ComputeLike {
  name?: string;
  /** ManagedServiceIdentity: the identity the cluster's nodes run as. */
  identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> | null } | null;
  properties?: {
    computeType?: string;
    provisioningState?: string;
    properties?: {
      vmSize?: string;
      vmPriority?: string;
      scaleSettings?: {
        minNodeCount?: number;
        maxNodeCount?: number;
        nodeIdleTimeBeforeScaleDown?: string | null;
      } | null;
      currentNodeCount?: number;
    } | null;
  };
}

export interface ComputeCheck {
  /** False when the cluster cannot be used for this run: `error` says why and what to do. */
  ok: boolean;
  error?: string;
  /** Differences that are left as they are, for the log. */
  notes: string[];
  /** The cluster as it is: what the job will really get (quota must cover its max nodes, not the input's). */
  vmSize?: string;
  scale?: { minNodes?: number; maxNodes?: number; idleSeconds?: number };
  /** Creating / Updating: the caller waits for Succeeded before submitting. */
  provisioningState?: string;
  /** Nodes the cluster holds now: their cores are already counted in the family's usage. */
  currentNodes?: number;
}

/**
 * What an existing cluster of the wanted name means: another VM size, another kind of compute, or a failed
 * or deleting cluster is an error (never changed silently); other scale settings are noted and kept.
 */
export function checkExistingCompute(existing: ComputeLike, wanted: ComputeWanted): ComputeCheck {
  const name = existing.name ?? wanted.name;
  const p = existing.properties ?? {};
  const inner = p.properties ?? {};
  const state = p.provisioningState;
  const type = p.computeType;
  if (type && type.toLowerCase() !== "amlcompute") {
    return {
      ok: false,
      notes: [],
      error: `The compute ${name} exists but is a ${type}, not an AmlCompute cluster. Choose another compute name (a cluster of that name is created), or delete it first.`,
    };
  }
  const vmSize = inner.vmSize;
  // Azure answers sizes in its own case ("STANDARD_NC24ADS_A100_V4"): the same size.
  if (vmSize && vmSize.toLowerCase() !== wanted.vmSize.toLowerCase()) {
    return {
      ok: false,
      notes: [],
      vmSize,
      error:
        `The cluster ${name} exists with VM size ${vmSize}, not ${wanted.vmSize} (vm-size). Azure cannot change the VM size of a cluster, and this action does not replace clusters. ` +
        `Set vm-size: ${vmSize} to use it as it is, choose another compute name (a cluster of that name is created), or delete ${name} first.`,
    };
  }
  const identity = identityProblem(existing, wanted);
  if (identity) return { ok: false, notes: [], vmSize, error: identity };
  if (state && /^(failed|deleting|canceled)$/i.test(state)) {
    return {
      ok: false,
      notes: [],
      vmSize,
      provisioningState: state,
      error:
        state.toLowerCase() === "deleting"
          ? `The cluster ${name} is being deleted; run again once it is gone (it is then created anew).`
          : `The cluster ${name} is in provisioning state ${state}; delete it (it is then created anew) or choose another compute name.`,
    };
  }

  const notes: string[] = [];
  const s = inner.scaleSettings ?? {};
  const idle = s.nodeIdleTimeBeforeScaleDown ? parseDuration(s.nodeIdleTimeBeforeScaleDown) : undefined;
  const diff: string[] = [];
  if (s.minNodeCount !== undefined && s.minNodeCount !== wanted.minNodes)
    diff.push(`min nodes ${s.minNodeCount} (min-nodes: ${wanted.minNodes})`);
  if (s.maxNodeCount !== undefined && s.maxNodeCount !== wanted.maxNodes)
    diff.push(`max nodes ${s.maxNodeCount} (max-nodes: ${wanted.maxNodes})`);
  if (idle !== undefined && idle !== wanted.idleSeconds)
    diff.push(`idle time ${idle} s before scale-down (idle-seconds: ${wanted.idleSeconds})`);
  if (diff.length)
    notes.push(
      `The cluster ${name} exists with ${diff.join(", ")}; it is used as it is (this action creates clusters, it does not change them).`,
    );
  if (s.minNodeCount !== undefined && s.minNodeCount > 0)
    notes.push(
      `The cluster ${name} keeps ${s.minNodeCount} node${s.minNodeCount === 1 ? "" : "s"} running even when idle, and they are billed.`,
    );
  if (inner.vmPriority && inner.vmPriority.toLowerCase() !== "dedicated")
    notes.push(`The cluster ${name} has ${inner.vmPriority} nodes: the fine-tune can be pre-empted and start over.`);
  return {
    ok: true,
    notes,
    vmSize,
    scale: { minNodes: s.minNodeCount, maxNodes: s.maxNodeCount, idleSeconds: idle },
    provisioningState: state,
    currentNodes: inner.currentNodeCount,
  };
}

/**
 * An existing cluster runs as the identity it was created with; this action does not change clusters, so one
 * that does not run as the `identity` input is refused rather than silently used as another identity.
 */
function identityProblem(existing: ComputeLike, wanted: ComputeWanted): string | undefined {
  if (!wanted.identity) return undefined;
  const name = existing.name ?? wanted.name;
  const ids = Object.keys(existing.identity?.userAssignedIdentities ?? {});
  if (ids.some((id) => id.toLowerCase() === wanted.identity!.toLowerCase())) return undefined;
  const has = ids.length
    ? `the user-assigned identity ${ids.join(", ")}`
    : `${existing.identity?.type ?? "no"} identity`;
  return (
    `The cluster ${name} exists and runs as ${has}, not as ${wanted.identity} (identity). This action does not change existing clusters: ` +
    `leave identity empty to use the cluster as it is, assign the identity to ${name} yourself (az ml compute update --identity-type UserAssigned --user-assigned-identities …), choose another compute name (a cluster of that name is created with the identity), or delete ${name} first.`
  );
}
