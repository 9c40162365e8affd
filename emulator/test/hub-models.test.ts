import { Hub } from "../src/hub.js";
import type { Req } from "../src/http.js";

// The Hub stand-in's model API (GET /api/models/{repo_id}[/revision/{rev}]), which action-deploy reads for a
// Hugging Face model's parameter count (issue 21).
const get = (path: string) => {
  const url = new URL(`http://hub.local${path}`);
  const req: Req = {
    service: "hub",
    method: "GET",
    url,
    path: url.pathname,
    headers: {},
    body: "",
    json: <T>() => ({}) as T,
  };
  return new Hub().router().handle(req);
};

describe("the Hub stand-in's model API", () => {
  it("describes a known model with its safetensors parameter count, as the Hub does", async () => {
    const res = await get("/api/models/microsoft/Phi-3-mini-4k-instruct");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: "microsoft/Phi-3-mini-4k-instruct",
      pipeline_tag: "text-generation",
      safetensors: { parameters: { BF16: 3_821_079_552 }, total: 3_821_079_552 },
    });
  });

  it("sends only _id, id and the expanded keys when asked with expand (huggingface.js modelInfo)", async () => {
    const res = await get("/api/models/qwen/qwen2.5-7b-instruct/revision/HEAD?expand=safetensors&expand=private");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object).sort()).toEqual(["_id", "id", "private", "safetensors"]);
    expect(res.body).toMatchObject({ id: "Qwen/Qwen2.5-7B-Instruct", safetensors: { total: 7_615_616_512 } });
  });

  it("answers 404 for a repository it does not know", async () => {
    const res = await get("/api/models/contoso/house-chat");
    expect(res).toEqual({ status: 404, body: { error: "Repository not found" } });
  });
});
