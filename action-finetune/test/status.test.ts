import { describeStatus, JOB_STATUSES, POLL, pollDelayMs } from "../src/status.js";

describe("job status", () => {
  it("ends only with Completed (success), Failed or Canceled", () => {
    const terminal = JOB_STATUSES.filter((s) => describeStatus(s).terminal);
    expect(terminal).toEqual(["Completed", "Failed", "Canceled"]);
    expect(JOB_STATUSES.filter((s) => describeStatus(s).success)).toEqual(["Completed"]);
  });

  it("says what a waiting status means", () => {
    expect(describeStatus("Queued")).toEqual({
      status: "Queued",
      terminal: false,
      success: false,
      label: "Queued (waiting for a node of the cluster)",
      phase: "waiting",
    });
    expect(describeStatus("Preparing").label).toBe("Preparing (preparing the environment (image build or pull))");
    expect(describeStatus("Running")).toMatchObject({ label: "Running", phase: "running" });
    expect(describeStatus("Finalizing")).toMatchObject({ phase: "finishing", terminal: false });
    expect(describeStatus("CancelRequested")).toMatchObject({ phase: "finishing", terminal: false });
    expect(describeStatus("Failed")).toMatchObject({ label: "Failed", terminal: true, success: false });
  });

  it("keeps following NotResponding and Paused jobs, which can recover", () => {
    expect(describeStatus("NotResponding")).toMatchObject({ terminal: false, phase: "stalled" });
    expect(describeStatus("Paused")).toMatchObject({ terminal: false, phase: "stalled" });
  });

  it("reads a status in another case, and keeps following one it does not know", () => {
    expect(describeStatus("completed")).toMatchObject({ status: "Completed", terminal: true, success: true });
    expect(describeStatus("Created")).toEqual({
      status: "Created",
      terminal: false,
      success: false,
      label: "Created (a status this action does not know; still following)",
      phase: "stalled",
    });
    expect(describeStatus(undefined)).toMatchObject({ status: "Unknown", terminal: false });
  });
});

describe("poll interval", () => {
  it("backs off to about a minute while Running", () => {
    const delays = Array.from({ length: 8 }, (_, n) => pollDelayMs("Running", n));
    expect(delays[0]).toBe(15_000);
    expect(delays[1]).toBe(22_500);
    expect(delays.at(-1)).toBe(60_000);
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    // An hour of Running costs about sixty looks.
    let t = 0;
    let looks = 0;
    while (t < 3_600_000) t += pollDelayMs("Running", looks++);
    expect(looks).toBeLessThanOrEqual(65);
  });

  it("starts over quickly after a change and looks often near the end", () => {
    expect(pollDelayMs("Queued", 0)).toBe(POLL.waiting.firstMs);
    expect(pollDelayMs("Finalizing", 10)).toBe(POLL.finishing.maxMs);
    expect(pollDelayMs("Completed", 0)).toBe(0);
  });

  it("never looks sooner than Retry-After", () => {
    expect(pollDelayMs("Running", 0, { retryAfterMs: 120_000 })).toBe(120_000);
    expect(pollDelayMs("Running", 10, { retryAfterMs: 1_000 })).toBe(60_000);
  });

  it("scales for tests that run jobs in seconds", () => {
    expect(pollDelayMs("Running", 10, { scale: 0.001 })).toBe(60);
  });
});
