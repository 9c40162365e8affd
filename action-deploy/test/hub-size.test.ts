import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hubParameterCount, readSafetensors } from "../src/hub-size.js";
import { minSpecForParameters } from "../src/sizing.js";
import type { Logger } from "@phi3-aml/shared/log";

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  notice: () => {},
  warning: () => {},
  error: () => {},
  group: (_t, fn) => fn(),
  child: () => quiet,
};

describe("the parameter count the Hugging Face Hub publishes (issue 21)", () => {
  it("reads the model API's safetensors block, and only a whole positive total", () => {
    expect(readSafetensors({ parameters: { BF16: 7_615_616_512 }, total: 7_615_616_512 })).toEqual({
      total: 7_615_616_512,
      byDtype: { BF16: 7_615_616_512 },
    });
    expect(readSafetensors({ parameters: { F32: 3, "bad key!": 5, BF16: "x" }, total: 3 })).toEqual({
      total: 3,
      byDtype: { F32: 3 },
    });
    for (const bad of [undefined, null, "7B", {}, { total: 0 }, { total: -5 }, { total: 1.5 }, { total: "3821079552" }])
      expect(readSafetensors(bad)).toEqual({ why: "the Hub gives no safetensors parameter count for it" });
  });

  it("computes the minimum spec from the real count: Qwen2.5-7B's 7.62 billion need more than a 7B name says", () => {
    expect(minSpecForParameters(7_615_616_512 / 1e9).text).toBe("4|1|32|32");
    expect(minSpecForParameters(7).text).toBe("4|1|28|28");
    expect(minSpecForParameters(3_821_079_552 / 1e9).text).toBe("4|1|16|16");
  });

  describe("against a server that speaks the Hub's model API", () => {
    let server: Server;
    let url: string;
    const seen: Array<{ path: string; auth?: string }> = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push({ path: req.url ?? "", auth: req.headers.authorization });
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { "Content-Type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (req.url?.startsWith("/api/models/Qwen/Qwen2.5-7B-Instruct/"))
          return send(200, {
            _id: "abc",
            id: "Qwen/Qwen2.5-7B-Instruct",
            safetensors: { parameters: { BF16: 7_615_616_512 }, total: 7_615_616_512 },
          });
        if (req.url?.startsWith("/api/models/contoso/pickle-only/"))
          return send(200, { _id: "d", id: "contoso/pickle-only" });
        if (req.url?.startsWith("/api/models/slow/")) return; // never answers
        send(404, { error: "Repository not found" });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it("asks GET /api/models/{repo_id} for its safetensors, with HF_TOKEN when set", async () => {
      const size = await hubParameterCount("Qwen/Qwen2.5-7B-Instruct", quiet, {
        HF_ENDPOINT: `${url}/`,
        HF_TOKEN: "hf_x",
      });
      expect(size).toEqual({ total: 7_615_616_512, byDtype: { BF16: 7_615_616_512 } });
      const asked = seen.at(-1)!;
      expect(asked.path).toMatch(/^\/api\/models\/Qwen\/Qwen2\.5-7B-Instruct\/revision\/HEAD\?.*expand=safetensors/);
      expect(asked.auth).toBe("Bearer hf_x");
    });

    it("says why when the Hub does not know the model, gives no count, or does not answer in time", async () => {
      const env = { HF_ENDPOINT: url };
      expect(await hubParameterCount("contoso/house-chat", quiet, env)).toEqual({
        why: expect.stringMatching(/^the Hugging Face Hub did not describe it \(.*Repository not found/),
      });
      expect(await hubParameterCount("contoso/pickle-only", quiet, env)).toEqual({
        why: "the Hub gives no safetensors parameter count for it",
      });
      expect(await hubParameterCount("slow/model", quiet, env, 200)).toEqual({
        why: expect.stringMatching(/^the Hugging Face Hub did not describe it/),
      });
    });
  });
});
