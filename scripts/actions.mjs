// The actions of this repository: every folder with an action.yml and a src/main.ts.
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
