import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AZURE_DIR, localPath, noticeProblems, parseNotice, update, vendoredFiles } from "../scripts/azure-files.js";

const notice = () => parseNotice(readFileSync(join(AZURE_DIR, "NOTICE.md"), "utf8"));

describe("Azure's vendored files (emulator/azure/) and their NOTICE", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "azure-files-"));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it("the NOTICE names every vendored file, and every file it names is there", () => {
    expect(noticeProblems()).toEqual([]);
    expect(vendoredFiles()).toEqual(notice().map(localPath).sort());
    expect(vendoredFiles()).toContain(
      "azure-rest-api-specs/specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/mfe.json",
    );
  });

  it("fails on a vendored file the NOTICE does not name, and on a named file that is missing", () => {
    const copy = join(tmp, "azure");
    cpSync(AZURE_DIR, copy, { recursive: true });
    writeFileSync(join(copy, "azureml-assets", "extra.yaml"), "x: 1\n");
    const gone = localPath(notice()[0]!);
    unlinkSync(join(copy, gone));
    expect(noticeProblems(copy)).toEqual([
      "azureml-assets/extra.yaml: vendored, but not in NOTICE.md",
      `${gone}: in NOTICE.md, but not vendored`,
    ]);
  });

  it("update copies every listed file from the clones and records each clone's commit and date", () => {
    const copy = join(tmp, "azure");
    mkdirSync(copy);
    const rows = notice().slice(0, 2);
    const assets = notice().find((r) => r.repository === "Azure/azureml-assets")!;
    writeFileSync(
      join(copy, "NOTICE.md"),
      `# t\n\n| repository | path | commit | date | licence |\n| --- | --- | --- | --- | --- |\n${[...rows, assets]
        .map((r) => `| ${r.repository} | \`${r.path}\` | ${"0".repeat(40)} | unknown | MIT |`)
        .join("\n")}\n\nafter\n`,
    );
    const clone = (name: string, files: string[]) => {
      const dir = join(tmp, name);
      for (const f of files) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), `${name} ${f}\n`);
      }
      const git = (...a: string[]) => execFileSync("git", ["-C", dir, ...a], { encoding: "utf8" }).trim();
      git("init", "-q");
      git("add", ".");
      git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c", "--date", "2026-07-01T00:00:00Z");
      return { dir, head: git("rev-parse", "HEAD"), date: git("show", "-s", "--format=%cs", "HEAD") };
    };
    const specs = clone("specs", [...rows.map((r) => r.path), "LICENSE"]);
    const aml = clone("aml", [assets.path]);
    update({ "Azure/azure-rest-api-specs": specs.dir, "Azure/azureml-assets": aml.dir }, copy);
    const after = parseNotice(readFileSync(join(copy, "NOTICE.md"), "utf8"));
    expect(after.map((r) => [r.commit, r.date])).toEqual([
      [specs.head, specs.date],
      [specs.head, specs.date],
      [aml.head, aml.date],
    ]);
    expect(readFileSync(join(copy, localPath(assets)), "utf8")).toBe(`aml ${assets.path}\n`);
    expect(readFileSync(join(copy, "LICENSE-azure-rest-api-specs.txt"), "utf8")).toBe("specs LICENSE\n");
    expect(readFileSync(join(copy, "NOTICE.md"), "utf8")).toMatch(/\n\nafter\n$/);
    expect(noticeProblems(copy)).toEqual([]);
  });

  it("update copies nothing when a listed file is missing from a clone", () => {
    const copy = join(tmp, "azure");
    mkdirSync(copy);
    const row = notice()[0]!;
    const text = `| repository | path | commit | date | licence |\n| --- | --- | --- | --- | --- |\n| ${row.repository} | \`${row.path}\` | ${"0".repeat(40)} | unknown | MIT |\n`;
    writeFileSync(join(copy, "NOTICE.md"), text);
    mkdirSync(join(tmp, "empty"));
    expect(() =>
      update({ "Azure/azure-rest-api-specs": join(tmp, "empty"), "Azure/azureml-assets": tmp }, copy),
    ).toThrow(`not in the clones given:\n  ${row.repository} ${row.path}`);
    expect(readFileSync(join(copy, "NOTICE.md"), "utf8")).toBe(text);
  });
});
