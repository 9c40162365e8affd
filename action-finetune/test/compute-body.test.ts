import { checkExistingCompute, computeBody, type ComputeLike, type ComputeWanted } from "../src/compute-body.js";
import { ARM, officialContract, Q } from "./helpers.js";

const wanted: ComputeWanted = {
  name: "phi3-ft-a100",
  location: "eastus2",
  vmSize: "Standard_NC24ads_A100_v4",
  minNodes: 0,
  maxNodes: 1,
  idleSeconds: 120,
  tags: { "managed-by": "phi3-aml-actions" },
};

/** A cluster as GET /computes/{name} answers it. */
function existing(
  o: {
    vmSize?: string;
    min?: number;
    max?: number;
    idle?: string;
    priority?: string;
    state?: string;
    type?: string;
    nodes?: number;
  } = {},
): ComputeLike {
  return {
    name: "phi3-ft-a100",
    properties: {
      computeType: o.type ?? "AmlCompute",
      provisioningState: o.state ?? "Succeeded",
      properties: {
        vmSize: o.vmSize ?? "STANDARD_NC24ADS_A100_V4",
        vmPriority: o.priority ?? "Dedicated",
        scaleSettings: {
          minNodeCount: o.min ?? 0,
          maxNodeCount: o.max ?? 1,
          nodeIdleTimeBeforeScaleDown: o.idle ?? "PT2M",
        },
        currentNodeCount: o.nodes ?? 0,
      },
    },
  };
}

describe("AmlCompute create body", () => {
  it("asks for a dedicated cluster of the VM size, scaling between min and max nodes, idle time as an ISO duration", () => {
    expect(computeBody(wanted)).toEqual({
      location: "eastus2",
      tags: { "managed-by": "phi3-aml-actions" },
      properties: {
        computeType: "AmlCompute",
        description: "Fine-tune cluster (Standard_NC24ads_A100_v4), created by phi3-aml-actions",
        properties: {
          vmSize: "Standard_NC24ads_A100_v4",
          vmPriority: "Dedicated",
          scaleSettings: { minNodeCount: 0, maxNodeCount: 1, nodeIdleTimeBeforeScaleDown: "PT2M" },
        },
      },
    });
  });

  it("writes other idle times as ISO 8601", () => {
    const idle = (s: number) =>
      computeBody({ ...wanted, idleSeconds: s }).properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown;
    expect(idle(90)).toBe("PT1M30S");
    expect(idle(3600)).toBe("PT1H");
    expect(idle(0)).toBe("PT0S");
  });

  it("leaves tags out when there are none", () => {
    expect(computeBody({ ...wanted, tags: {} })).not.toHaveProperty("tags");
  });
});

describe("an existing cluster of the same name", () => {
  it("is used as it is when it matches, whatever case Azure writes the VM size in", () => {
    const r = checkExistingCompute(existing(), wanted);
    expect(r).toMatchObject({
      ok: true,
      notes: [],
      vmSize: "STANDARD_NC24ADS_A100_V4",
      scale: { minNodes: 0, maxNodes: 1, idleSeconds: 120 },
      provisioningState: "Succeeded",
      currentNodes: 0,
    });
    expect(r.error).toBeUndefined();
  });

  it("refuses an existing cluster with another VM size", () => {
    const r = checkExistingCompute(existing({ vmSize: "Standard_NC6s_v3" }), wanted);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(
      /The cluster phi3-ft-a100 exists with VM size Standard_NC6s_v3, not Standard_NC24ads_A100_v4 \(vm-size\)/,
    );
    expect(r.error).toMatch(/cannot change the VM size/);
    expect(r.error).toMatch(/vm-size: Standard_NC6s_v3.*another compute name.*delete phi3-ft-a100/);
  });

  it("notes other scale settings and keeps them", () => {
    const r = checkExistingCompute(existing({ max: 4, idle: "PT30M" }), wanted);
    expect(r.ok).toBe(true);
    expect(r.notes).toEqual([
      expect.stringMatching(
        /exists with max nodes 4 \(max-nodes: 1\), idle time 1800 s before scale-down \(idle-seconds: 120\); it is used as it is/,
      ),
    ]);
    expect(r.scale).toEqual({ minNodes: 0, maxNodes: 4, idleSeconds: 1800 });
  });

  it("notes nodes billed while idle and low-priority nodes", () => {
    const r = checkExistingCompute(existing({ min: 1, priority: "LowPriority" }), { ...wanted, minNodes: 1 });
    expect(r.notes).toEqual([
      expect.stringMatching(/keeps 1 node running even when idle/),
      expect.stringMatching(/LowPriority nodes: the fine-tune can be pre-empted/),
    ]);
  });

  it("refuses a compute of another kind", () => {
    const r = checkExistingCompute(existing({ type: "ComputeInstance" }), wanted);
    expect(r).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is a ComputeInstance, not an AmlCompute cluster/),
    });
  });

  it("refuses a failed or deleting cluster, and lets a creating one be waited for", () => {
    expect(checkExistingCompute(existing({ state: "Failed" }), wanted)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/provisioning state Failed; delete it/),
    });
    expect(checkExistingCompute(existing({ state: "Deleting" }), wanted)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is being deleted/),
    });
    expect(checkExistingCompute(existing({ state: "Creating" }), wanted)).toMatchObject({
      ok: true,
      provisioningState: "Creating",
    });
  });
});

describe("compute body against the official Azure ML OpenAPI (2025-12-01)", () => {
  it("passes PUT computes/{name} as Compute_CreateOrUpdate", () => {
    const r = officialContract().checkRequest("PUT", `${ARM}/computes/phi3-ft-a100${Q}`, computeBody(wanted));
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.operationId).toBe("Compute_CreateOrUpdate");
  });
});

describe("an existing cluster's identity (issue 21)", () => {
  const id = (n: string) =>
    `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`;
  const base: ComputeLike = {
    name: "gpu",
    properties: { computeType: "AmlCompute", properties: { vmSize: "Standard_NC24ads_A100_v4" } },
  };
  const want = (identity?: string): ComputeWanted => ({
    name: "gpu",
    location: "eastus2",
    vmSize: "Standard_NC24ads_A100_v4",
    minNodes: 0,
    maxNodes: 1,
    idleSeconds: 120,
    identity,
  });

  it("is refused when it is not the identity asked for, naming both and the ways forward", () => {
    const r = checkExistingCompute(
      { ...base, identity: { type: "UserAssigned", userAssignedIdentities: { [id("other")]: {} } } },
      want(id("ft")),
    );
    expect(r.ok).toBe(false);
    expect(r.error).toContain(`runs as the user-assigned identity ${id("other")}, not as ${id("ft")} (identity)`);
    expect(r.error).toContain("leave identity empty to use the cluster as it is");
  });

  it("is refused when the cluster has no identity and one is asked for", () => {
    expect(checkExistingCompute(base, want(id("ft"))).error).toContain("runs as no identity");
  });

  it("passes when it matches (ids compared case-insensitively), or when none is asked for", () => {
    const withId = { ...base, identity: { type: "UserAssigned", userAssignedIdentities: { [id("FT")]: {} } } };
    expect(checkExistingCompute(withId, want(id("ft"))).ok).toBe(true);
    expect(checkExistingCompute(withId, want()).ok).toBe(true);
  });
});
