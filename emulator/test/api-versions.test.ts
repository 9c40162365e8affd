import { apiVersionProblem } from "../src/arm/api-versions.js";

const WS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

describe("api-versions", () => {
  it("accepts 2026-07-01 and the 2026 previews, as Azure serves them", () => {
    for (const v of ["2026-07-01", "2026-01-15-preview", "2026-03-15-preview", "2026-07-15-preview", "2025-12-01"])
      expect(apiVersionProblem(WS, v)).toBeUndefined();
  });

  it("refuses a version Azure does not serve, in ARM's words", () => {
    expect(apiVersionProblem(WS, "2026-07-02")).toMatchObject({ code: "NoRegisteredProviderFound" });
  });
});
