// The copy-paste recipe `npm run emulator` prints: how to run one bundled action against the running local cloud
// as the runner would (INPUT_* inputs, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the OIDC variables).
// Inputs with a hyphen (max-tokens → INPUT_MAX-TOKENS) are not valid shell variable names, so `export` cannot
// set them: the recipe passes everything through `env 'NAME=value' …`, which can.

/** A shell word in single quotes (a ' inside becomes '\''). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** INPUT_<NAME> as the runner names an input: spaces to _, upper case, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/** `env 'K=V' … node <action>/dist/index.js`, one variable a line. */
export function actionCommand(env: Record<string, string>, action: string, inputs: Record<string, string>): string {
  const vars = {
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: "octo-org/phi3-demo",
    GITHUB_RUN_ID: "1",
    GITHUB_WORKSPACE: "$PWD",
    RUNNER_TEMP: "$RUN/temp",
    GITHUB_OUTPUT: "$RUN/output",
    GITHUB_STEP_SUMMARY: "$RUN/summary.md",
    GITHUB_STATE: "$RUN/state",
    GITHUB_ENV: "$RUN/env",
    ...env,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputVariable(k), v])),
  };
  // $PWD and $RUN are left for the shell to expand (double quotes); everything else is taken literally.
  const word = (k: string, v: string) => (/^\$(PWD|RUN)\b/.test(v) ? `"${k}=${v}"` : shellQuote(`${k}=${v}`));
  return [
    "env \\",
    ...Object.entries(vars).map(([k, v]) => `  ${word(k, v)} \\`),
    `  node ${action}/dist/index.js`,
  ].join("\n");
}

/** The whole recipe, for the emulator's environment. */
export function recipe(env: Record<string, string>): string {
  const dataset = actionCommand(env, "action-dataset", {
    source: "data/ultrachat-sample.jsonl",
    split: "train",
    "max-tokens": "4096",
  });
  return [
    "Run one bundled action against it, from the repository root in another terminal (copy and paste):",
    "",
    '  RUN=$(mktemp -d) && mkdir -p "$RUN/temp" && touch "$RUN/output" "$RUN/summary.md" "$RUN/state" "$RUN/env"',
    dataset.replace(/^/gm, "  "),
    '  cat "$RUN/output"; cat "$RUN/summary.md"',
    "",
    "Another action: change the INPUT_* lines to its inputs (see its action.yml) and the path after node.",
    "Inputs with a hyphen (INPUT_MAX-TOKENS) are not valid shell variable names: `export` refuses them, `env` takes",
    "them. For the whole chain with your data instead: npm start -- --input source=path/to/mine.jsonl",
  ].join("\n");
}
