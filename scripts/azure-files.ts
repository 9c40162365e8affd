// `npm run azure-files -- update <azure-rest-api-specs dir> <azureml-assets dir>`: refreshes Azure's files that
// the emulator is built from (emulator/azure/) from clones of the two repositories, and records each clone's
// commit and its date in emulator/azure/NOTICE.md. The NOTICE's table is the list of files: a new file is
// added by adding its row (any commit), then running `update`.
// `npm run azure-files -- check`: the NOTICE and the folder name the same files (as test/azure-files.test.ts).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const AZURE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "emulator", "azure");
const NOTICE = "NOTICE.md";
const HEADER = "| repository | path | commit | date | licence |";
const isHeader = (line: string) => line.replace(/\s+/g, "") === HEADER.replace(/\s+/g, "");

export interface NoticeRow {
  /** owner/name on GitHub, e.g. Azure/azure-rest-api-specs. */
  repository: string;
  /** The file's path in that repository, which is also its path under emulator/azure/<name>/. */
  path: string;
  commit: string;
  /** The commit's date (YYYY-MM-DD), or "unknown". */
  date: string;
  licence: string;
}

/** Each repository's licence file, kept beside the NOTICE, and where it is in a clone. */
const LICENCES: Record<string, { kept: string; inClone: string }> = {
  "Azure/azure-rest-api-specs": { kept: "LICENSE-azure-rest-api-specs.txt", inClone: "LICENSE" },
  "Azure/azureml-assets": { kept: "LICENSE-azureml-assets.txt", inClone: "LICENSE.txt" },
};

/** Where a row's file is under emulator/azure/. */
export const localPath = (row: NoticeRow): string => join(row.repository.split("/")[1]!, row.path);

/** The NOTICE's table rows (every line after the header that starts with `|`, bar the separator). */
export function parseNotice(text: string): NoticeRow[] {
  const lines = text.split("\n");
  const start = lines.findIndex(isHeader);
  if (start < 0) throw new Error(`${NOTICE}: no table with the header ${HEADER}`);
  const rows: NoticeRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim().replace(/^`|`$/g, ""));
    const [repository = "", path = "", commit = "", date = "", licence = ""] = cells;
    rows.push({ repository, path, commit, date, licence });
  }
  return rows;
}

/** The NOTICE with its table's rows replaced (the text around the table is kept). */
export function writeRows(text: string, rows: NoticeRow[]): string {
  const lines = text.split("\n");
  const start = lines.findIndex(isHeader);
  let end = start + 2;
  while (end < lines.length && lines[end]!.startsWith("|")) end++;
  const body = rows.map((r) => `| ${r.repository} | \`${r.path}\` | ${r.commit} | ${r.date} | ${r.licence} |`);
  return [...lines.slice(0, start), HEADER, "| --- | --- | --- | --- | --- |", ...body, ...lines.slice(end)].join("\n");
}

/** Every vendored file under emulator/azure/<repository name>/, relative to emulator/azure/. */
export function vendoredFiles(dir = AZURE_DIR): string[] {
  const names = Object.keys(LICENCES).map((r) => r.split("/")[1]!);
  return names
    .filter((n) => existsSync(join(dir, n)))
    .flatMap((n) =>
      (readdirSync(join(dir, n), { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name))),
    )
    .sort();
}

/** What is wrong between the NOTICE and the folder: files it does not name, names with no file, bad rows. */
export function noticeProblems(dir = AZURE_DIR): string[] {
  const rows = parseNotice(readFileSync(join(dir, NOTICE), "utf8"));
  const named = new Set(rows.map(localPath));
  const files = new Set(vendoredFiles(dir));
  const problems = [
    ...[...files].filter((f) => !named.has(f)).map((f) => `${f}: vendored, but not in ${NOTICE}`),
    ...[...named].filter((f) => !files.has(f)).map((f) => `${f}: in ${NOTICE}, but not vendored`),
  ];
  for (const r of rows) {
    if (!LICENCES[r.repository]) problems.push(`${r.path}: unknown repository ${r.repository}`);
    if (!/^[0-9a-f]{40}$/.test(r.commit)) problems.push(`${r.path}: commit '${r.commit}' is not a full hash`);
    if (!/^(\d{4}-\d{2}-\d{2}|unknown)$/.test(r.date)) problems.push(`${r.path}: date '${r.date}' is not YYYY-MM-DD`);
    if (!r.licence) problems.push(`${r.path}: no licence`);
  }
  return problems;
}

const git = (dir: string, ...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();

/** Copies every listed file from the clones and records each clone's commit; nothing is copied if one is missing. */
export function update(clones: Record<string, string>, dir = AZURE_DIR): NoticeRow[] {
  const text = readFileSync(join(dir, NOTICE), "utf8");
  const rows = parseNotice(text);
  const missing = rows.filter((r) => !existsSync(join(clones[r.repository]!, r.path)));
  if (missing.length)
    throw new Error(`not in the clones given:\n  ${missing.map((r) => `${r.repository} ${r.path}`).join("\n  ")}`);
  const heads = Object.fromEntries(
    Object.entries(clones).map(([repo, clone]) => [
      repo,
      { commit: git(clone, "rev-parse", "HEAD"), date: git(clone, "show", "-s", "--format=%cs", "HEAD") },
    ]),
  );
  for (const r of rows) {
    const to = join(dir, localPath(r));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(clones[r.repository]!, r.path), to);
    Object.assign(r, heads[r.repository]);
  }
  for (const [repo, clone] of Object.entries(clones)) {
    const licence = LICENCES[repo]!;
    if (existsSync(join(clone, licence.inClone))) copyFileSync(join(clone, licence.inClone), join(dir, licence.kept));
  }
  writeFileSync(join(dir, NOTICE), writeRows(text, rows));
  return rows;
}

function main(args: string[]): number {
  const [command, specs, assets] = args;
  if (command === "update" && specs && assets) {
    const rows = update({ "Azure/azure-rest-api-specs": specs, "Azure/azureml-assets": assets });
    console.log(`${rows.length} files copied into emulator/azure/; ${NOTICE} records their commits.`);
    return 0;
  }
  if (command === "check") {
    const problems = noticeProblems();
    for (const p of problems) console.error(p);
    console.log(problems.length ? `${problems.length} problem(s)` : `${NOTICE} names every vendored file`);
    return problems.length ? 1 : 0;
  }
  console.error("usage: npm run azure-files -- update <azure-rest-api-specs dir> <azureml-assets dir> | check");
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exit(main(process.argv.slice(2)));
