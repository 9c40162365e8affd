/**
 * Path inputs (a prompts file, a dataset source, an output folder), one rule for every action:
 * - a relative path means "in the repository": it is resolved against GITHUB_WORKSPACE (the working
 *   directory outside a workflow) and, after resolving `..` and symbolic links (realpath), it must stay
 *   inside the workspace, or for an output inside RUNNER_TEMP too. A pull request can add `../..` or a
 *   symlink to a file; neither reaches outside.
 * - an absolute path is the workflow author's explicit choice and is allowed as written.
 * A path that does not exist yet (an output folder) is checked through its deepest existing parent.
 */
import { existsSync, lstatSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import type { Inputs } from "./inputs.js";

export type PathUse = "read" | "write";

export interface PathRoots {
  /** GITHUB_WORKSPACE, else the working directory. */
  workspace: string;
  /** RUNNER_TEMP: where outputs may go too. */
  runnerTemp?: string;
}

function pathRoots(env: NodeJS.ProcessEnv = process.env): PathRoots {
  return { workspace: env.GITHUB_WORKSPACE || process.cwd(), runnerTemp: env.RUNNER_TEMP || undefined };
}

/**
 * The real path of `p`: its deepest existing ancestor through realpath, the rest as written. A dangling
 * symbolic link is followed to where it points (writing through it would create the file there).
 */
function realPath(p: string, depth = 0): string {
  const missing: string[] = [];
  let at = resolve(p);
  while (!existsSync(at)) {
    if (isLink(at) && depth < 40) return realPath(join(resolve(dirname(at), readlinkSync(at)), ...missing), depth + 1);
    const parent = dirname(at);
    if (parent === at) break;
    missing.unshift(basename(at));
    at = parent;
  }
  return join(realpathSync(at), ...missing);
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

const within = (p: string, root: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

export type ResolvedPath = { ok: true; path: string } | { ok: false; message: string };

/**
 * Where a path input really points, or why it is refused. Absolute: allowed as written. Relative: must
 * resolve (realpath) inside the workspace, or for "write" also inside RUNNER_TEMP.
 */
export function resolvePathInput(value: string, use: PathUse, roots: PathRoots = pathRoots()): ResolvedPath {
  if (isAbsolute(value)) return { ok: true, path: value };
  const allowed = [roots.workspace, ...(use === "write" && roots.runnerTemp ? [roots.runnerTemp] : [])];
  const realRoots = allowed.filter((r) => existsSync(r)).map((r) => realpathSync(r));
  const real = realPath(join(roots.workspace, value));
  if (realRoots.some((r) => within(real, r))) return { ok: true, path: real };
  const where =
    use === "write" ? "the repository (GITHUB_WORKSPACE) or RUNNER_TEMP" : "the repository (GITHUB_WORKSPACE)";
  return {
    ok: false,
    message: `resolves to ${real}, outside ${where}: a relative path must stay in ${where} after resolving .. and symbolic links. Give a path inside it, or an absolute path if reaching elsewhere is intended`,
  };
}

/** resolvePathInput, reporting a refusal as a problem of the input named; undefined when refused. */
export function checkPathInput(
  i: Inputs,
  input: string,
  value: string,
  use: PathUse,
  roots?: PathRoots,
): string | undefined {
  const r = resolvePathInput(value, use, roots);
  if (r.ok) return r.path;
  i.problem(input, value, r.message);
  return undefined;
}
