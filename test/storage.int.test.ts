import { runFixture, world } from "./harness/emulator.js";

describe("Blob Storage (Azurite) with the tokens our Entra issues", () => {
  it("accepts an OAuth token obtained through GitHub OIDC, and refuses an anonymous request", async () => {
    const w = await world();
    expect(await runFixture("test/fixtures/blob-roundtrip.ts", w.env)).toEqual({
      back: '{"messages":[]}\n',
      anonymous: "403",
    });
    const events = await w.tokenEvents();
    expect(events.filter((e) => e.ok).map((e) => e.scope)).toEqual(["https://storage.azure.com/.default"]);
  });
});
