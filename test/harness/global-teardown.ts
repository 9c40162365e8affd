import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// No local imports: jest loads this file outside its module mapping.
const ENV_FILE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".emulator", "env.json");

/**
 * Checks every Azure ML response the emulator gave during the whole suite against the official
 * OpenAPI files (vendored in emulator/azure/), then stops the emulator. A violation fails the run.
 */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { __emulator?: ChildProcess }).__emulator;
  let problem: string | undefined;
  try {
    const env = JSON.parse(readFileSync(ENV_FILE, "utf8")) as Record<string, string>;
    const report = (await (await fetch(`${env.EMULATOR_CONTROL_URL}/contract`)).json()) as {
      checked: number;
      undocumented: string[];
      violations: Array<{ exchange: string; errors: string[] }>;
    };
    console.log(
      `\n[contract] ${report.checked} Azure ML responses of this suite checked against the official OpenAPI files: ${report.violations.length} violation(s).`,
    );
    if (report.undocumented.length)
      console.warn(`[contract] not in the spec: ${[...new Set(report.undocumented)].slice(0, 10).join("; ")}`);
    if (report.violations.length) {
      problem = report.violations
        .slice(0, 20)
        .map((v) => `${v.exchange}\n  ${v.errors.join("\n  ")}`)
        .join("\n");
    }
  } finally {
    child?.kill("SIGTERM");
  }
  if (problem) throw new Error(`The emulator broke the Azure ML contract:\n${problem}`);
}
