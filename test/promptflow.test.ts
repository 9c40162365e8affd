import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CONNECTION_FIELDS } from "../action-deploy/src/run.js";
import { REPO_ROOT } from "./harness/paths.js";

const FLOW = join(REPO_ROOT, "promptflow", "phi3-chat");
const flow = parse(readFileSync(join(FLOW, "flow.dag.yaml"), "utf8")) as {
  inputs: Record<string, { type: string; is_chat_input?: boolean; is_chat_history?: boolean }>;
  outputs: Record<string, { reference: string; is_chat_output?: boolean }>;
  nodes: Array<{ name: string; source: { path: string }; inputs: Record<string, string> }>;
};
const workflow = parse(readFileSync(join(REPO_ROOT, ".github", "workflows", "finetune.yml"), "utf8")) as {
  jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
};

describe("the Prompt flow chat flow (promptflow/phi3-chat)", () => {
  it("is a chat flow: one chat input, chat history, one chat output that a node produces", () => {
    expect(Object.values(flow.inputs).filter((i) => i.is_chat_input)).toHaveLength(1);
    expect(Object.values(flow.inputs).filter((i) => i.is_chat_history)).toHaveLength(1);
    const out = Object.values(flow.outputs).find((o) => o.is_chat_output)!;
    expect(flow.nodes.map((n) => n.name)).toContain(/^\$\{(\w+)\.output\}$/.exec(out.reference)![1]);
    for (const node of flow.nodes)
      for (const v of Object.values(node.inputs)) {
        const ref = /^\$\{inputs\.(\w+)\}$/.exec(v);
        if (ref) expect(Object.keys(flow.inputs)).toContain(ref[1]);
      }
  });

  it("uses the connection action-deploy writes in the workflow, with the same field names", () => {
    const deploy = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses === "./action-deploy")!;
    expect(flow.nodes[0]!.inputs.connection).toBe(deploy.with!["promptflow-connection"]);
    const tool = readFileSync(join(FLOW, flow.nodes[0]!.source.path), "utf8");
    expect(tool).toContain(`connection.configs["${CONNECTION_FIELDS.endpoint}"]`);
    expect(tool).toContain(`connection.secrets['${CONNECTION_FIELDS.key}']`);
    expect(tool).toContain("from scoring import ShapeMemory, score");
    const scoring = readFileSync(join(FLOW, "scoring.py"), "utf8");
    expect(scoring).toContain('{"input_data": {"input_string": [messages] if shape == NESTED else messages');
  });

  it("answers from both scoring containers, in the same order as the actions' client (python3 unittest)", () => {
    let python: string | undefined;
    try {
      python = execFileSync("python3", ["--version"]).toString();
    } catch {
      console.warn("python3 is absent: the tool's scoring logic was not run");
    }
    if (python)
      expect(() =>
        execFileSync("python3", ["-m", "unittest", "discover", "-s", join(REPO_ROOT, "promptflow", "tests")], {
          stdio: "pipe",
          // No __pycache__ left in the flow folder (it is uploaded as it is).
          env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
        }),
      ).not.toThrow();
  });

  it("has a tool that is valid Python", () => {
    let python: string | undefined;
    try {
      python = execFileSync("python3", ["--version"]).toString();
    } catch {
      console.warn("python3 is absent: the tool's syntax was not checked");
    }
    if (python)
      expect(() =>
        execFileSync("python3", [
          "-c",
          "import ast,sys; [ast.parse(open(f).read()) for f in sys.argv[1:]]",
          join(FLOW, "chat.py"),
          join(FLOW, "scoring.py"),
        ]),
      ).not.toThrow();
  });
});
