import { checkName, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";
import { defaultEndpointName, deploymentNameFor, freeName } from "../src/names.js";

describe("deploy names", () => {
  it("derives the default endpoint name from the repository, valid under Azure's rules", () => {
    expect(defaultEndpointName("Octo-Org/Phi3_Demo")).toBe("octo-org-phi3-demo");
    const long = defaultEndpointName("a-very-long-organisation-name/and-an-even-longer-repository-name");
    expect(checkName(ONLINE_ENDPOINT, long)).toBeUndefined();
    expect(checkName(ONLINE_ENDPOINT, defaultEndpointName("1st/2nd"))).toBeUndefined();
    expect(defaultEndpointName(undefined)).toBe("phi3-chat");
  });

  it("derives the deployment name from the model version, padded to Azure's 3-character minimum", () => {
    expect(deploymentNameFor("7")).toBe("v07");
    expect(deploymentNameFor("12")).toBe("v12");
    expect(deploymentNameFor("123")).toBe("v123");
    for (const v of ["7", "12", "2024.05.01", "x".repeat(40)])
      expect(checkName(ONLINE_DEPLOYMENT, deploymentNameFor(v))).toBeUndefined();
  });

  it("finds a free name with a numbered suffix, within 32 characters", () => {
    expect(freeName("v07", [])).toBe("v07");
    expect(freeName("v07", ["V07"])).toBe("v07-2");
    expect(freeName("v07", ["v07", "v07-2"])).toBe("v07-3");
    const long = "d".repeat(32);
    const next = freeName(long, [long]);
    expect(next.length).toBeLessThanOrEqual(32);
    expect(checkName(ONLINE_DEPLOYMENT, next)).toBeUndefined();
  });
});
