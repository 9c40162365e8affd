// The actions of this repository (every folder with an action.yml and a src/main.ts), and how one entry
// is bundled.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

export function actionDirs() {
  const dirs = [];
  for (const top of readdirSync(ROOT)) {
    if (top.startsWith("action-") && existsSync(join(ROOT, top, "action.yml"))) dirs.push(top);
  }
  if (existsSync(join(ROOT, "actions"))) {
    for (const sub of readdirSync(join(ROOT, "actions"))) {
      if (existsSync(join(ROOT, "actions", sub, "action.yml"))) dirs.push(`actions/${sub}`);
    }
  }
  return dirs.filter((d) => existsSync(join(ROOT, d, "src", "main.ts"))).sort();
}

const NCC = join(ROOT, "node_modules", "@vercel", "ncc", "dist", "ncc", "cli.js");

/** Bundles `entry` into `out` with ncc as the actions are bundled: minified, ES2022, licenses when asked. */
export function nccBuild(entry, out, { license = true } = {}) {
  execFileSync(process.execPath, nccArgs(entry, out, license), { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

/** nccBuild in a child process that does not block this one (so several bundles can build at once). */
export function nccBuildAsync(entry, out, { license = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, nccArgs(entry, out, license), { cwd: ROOT }, (error) =>
      error ? reject(error) : resolve(),
    );
    child.stderr?.pipe(process.stderr);
  });
}

function nccArgs(entry, out, license) {
  return [
    NCC,
    "build",
    entry,
    "-o",
    out,
    "-m",
    "--target",
    "es2022",
    ...(license ? ["--license", "licenses.txt"] : []),
    "-q",
  ];
}
