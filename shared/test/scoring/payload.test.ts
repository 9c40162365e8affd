import { buildHeaders, buildMessages, buildPayload, describeHeaders } from "../../src/scoring/payload.js";

const user = (content: string) => ({ role: "user" as const, content });

describe("the scoring request", () => {
  it("is the managed endpoint's input_data body with temperature and max_new_tokens", () => {
    expect(buildPayload({ messages: [user("Hi")] }, { temperature: 0.7, maxNewTokens: 128 })).toEqual({
      input_data: {
        input_string: [{ role: "user", content: "Hi" }],
        parameters: { temperature: 0.7, max_new_tokens: 128 },
      },
    });
  });

  it("sends the system message first, then the conversation", () => {
    const c = {
      system: "Be brief.",
      messages: [user("Q1"), { role: "assistant", content: "A1" }, user("Q2")],
    };
    expect(buildMessages(c).map((m) => `${m.role}:${m.content}`)).toEqual([
      "system:Be brief.",
      "user:Q1",
      "assistant:A1",
      "user:Q2",
    ]);
  });

  it("merges the parameters JSON last, so it can override temperature", () => {
    const body = buildPayload(
      { messages: [user("Hi")] },
      { temperature: 0.7, maxNewTokens: 128, parameters: { top_p: 0.9, do_sample: true, temperature: 0 } },
    );
    expect(body.input_data.parameters).toEqual({ temperature: 0, max_new_tokens: 128, top_p: 0.9, do_sample: true });
  });

  it("does not share message objects with the case", () => {
    const c = { messages: [user("Hi")] };
    (buildPayload(c, { temperature: 1, maxNewTokens: 1 }).input_data.input_string[0] as { content: string }).content =
      "changed";
    expect(c.messages[0]!.content).toBe("Hi");
  });

  it("sends the key as a bearer token and pins the deployment only when one is given", () => {
    expect(buildHeaders("k3y-secret", "blue")).toEqual({
      "Content-Type": "application/json",
      Accept: "application/json",
      Authorization: "Bearer k3y-secret",
      "azureml-model-deployment": "blue",
    });
    expect(buildHeaders("k3y-secret")).not.toHaveProperty("azureml-model-deployment");
  });

  it("describes the headers without the key", () => {
    expect(JSON.stringify(describeHeaders(buildHeaders("k3y-secret", "blue")))).not.toContain("k3y-secret");
  });
});
