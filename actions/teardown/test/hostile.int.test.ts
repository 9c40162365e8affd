/**
 * Issue 25, item 6: values from the cloud (tags) reach teardown's log as text, never as workflow commands.
 * The runner runs any output line that starts with `::` (after white space); the logger (shared/src/log.ts)
 * puts its tag in front of such a line.
 */
import { control, world } from "../../../test/harness/emulator.js";
import { runAction } from "../../../test/harness/run-action.js";

const ACTION = "actions/teardown";
const OURS = { "managed-by": "phi3-aml-actions", repository: "octo-org/phi3-demo" };

it("tag values holding \\n::error, \\n::add-mask:: and \\n::set-output stay inert in teardown's log", async () => {
  const w = await world();
  const seed = (name: string, tags: Record<string, string>) =>
    control("POST", "/endpoints", {
      workspace: w.workspace,
      name,
      tags,
      deployments: [{ name: "blue", traffic: 100 }],
    });
  await seed("hostile-error", { ...OURS, repository: "octo-org/other\n::error title=pwned::pwned by a tag" });
  await seed("hostile-mask", { ...OURS, "expires-at": "soon\r\n  ::add-mask::octo-org" });
  await seed("hostile-output", { team: "x", repository: 'r\r::set-output name=deleted::["everything"]' });

  const run = await runAction(ACTION, { env: w.env, inputs: { "dry-run": "true" } });

  expect(run.code).toBe(0);
  // Every line the runner would run as a command (it splits on \r, \n and \r\n, and trims leading space).
  const commands = run.stdout.split(/\r\n|\r|\n/).map((l) => l.trimStart());
  const hostile = ["::error title=pwned", "::add-mask::octo-org", "::set-output"];
  expect(commands.filter((l) => hostile.some((h) => l.startsWith(h)))).toEqual([]);
  expect(run.annotations.filter((a) => a.title === "pwned" || a.message.startsWith("pwned"))).toEqual([]);
  expect(run.outputs.deleted).toBe("[]");
  // Still there to read, as text behind the logger's tag.
  expect(run.stdout).toContain("[teardown] ::error title=pwned::pwned by a tag");
  expect(run.stdout).toContain('[teardown] ::set-output name=deleted::["everything"]');
});

it("keeps an expired endpoint of ours that holds another repository's deployment (one ownership rule)", async () => {
  const w = await world();
  await control("POST", "/endpoints", {
    workspace: w.workspace,
    name: "ours-with-theirs",
    tags: { ...OURS, "expires-at": new Date(Date.now() - 3_600_000).toISOString() },
    deployments: [
      { name: "mine", traffic: 0, tags: OURS },
      { name: "theirs", traffic: 100, tags: { ...OURS, repository: "octo-org/other" } },
    ],
  });
  const run = await runAction(ACTION, { env: w.env, inputs: {} });
  expect(run.code).toBe(0);
  expect(run.outputs.deleted).toBe("[]");
  expect(run.stdout).toContain("its deployment theirs belongs to repository octo-org/other");
});
