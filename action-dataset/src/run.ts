import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as core from "@actions/core";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { downloadSplit } from "./hub.js";
import type { DatasetInputs } from "./inputs.js";
import { prepare, type PrepareOptions, type PrepareResult, type PrepareSuccess } from "./prepare.js";
import { formatLocation } from "./problems.js";
import { datasetSummary, type SummaryInput } from "./summary.js";
import { workerScript } from "./worker-script.js";

/** How many records are annotated on the run and the diff; the rest are counted in the summary and logged. */
export const MAX_ANNOTATIONS = 25;

/** Prepare the data (local file or Hub dataset), write the JSONL files, and upload and register them. */
export async function run(inputs: DatasetInputs, log: Logger): Promise<void> {
  const spec = inputs.sourceSpec!;
  const outputDir = resolve(inputs.outputDir);
  mkdirSync(outputDir, { recursive: true });

  // A Hub dataset is downloaded first (into the output directory), so the preparation reads local files only.
  const files = await sourceFiles(inputs, outputDir, log);

  // Every record is checked before anything is uploaded; each problem becomes an annotation on its line.
  const result = await log.group("Prepare and validate", () => prepare(prepareOptions(inputs, files, outputDir)));
  const annotated = annotate(result, spec.kind === "local" ? undefined : spec.repo, log);
  const summary: SummaryInput = {
    source: spec.kind === "local" ? spec.path : `hf://${spec.repo}@${spec.revision} (${spec.config})`,
    split: inputs.split,
    seed: inputs.seed,
    validationSplit: inputs.validationSplit,
    maxTokens: inputs.maxTokens,
    result,
    annotated,
  };
  if (!result.ok) {
    await writeSummary(datasetSummary(summary));
    throw new ActionError(result.message);
  }

  // The files are the step's first result: their outputs are set even when nothing is uploaded.
  reportPrepared(result, outputDir, log);
  if (!inputs.azure) {
    log.info("upload is false: the files are prepared only.");
    await writeSummary(datasetSummary(summary));
    return;
  }

  // Only an upload needs the Azure SDKs (the storage SDK is most of the bundle): they load here, not at start.
  const { publish } = await import("./publish.js");
  const assets = await publish(inputs, inputs.azure, result, summary.source, log);
  setOutputs({
    "train-data": assets.train.id,
    "validation-data": assets.validation.id,
    "train-uri": assets.train.uri,
    "validation-uri": assets.validation.uri,
  });
  await writeSummary(datasetSummary({ ...summary, assets }));
}

/** The local file, or the Hub split's files once downloaded. */
async function sourceFiles(inputs: DatasetInputs, outputDir: string, log: Logger): Promise<string[]> {
  const spec = inputs.sourceSpec!;
  if (spec.kind === "local") return [spec.path];
  return log.group(`Download ${spec.repo} (${inputs.splitSpec!.split})`, () =>
    downloadSplit(spec, inputs.splitSpec!.split, join(outputDir, ".hub"), log),
  );
}

/** The inputs as prepare() takes them. */
function prepareOptions(inputs: DatasetInputs, files: string[], outputDir: string): PrepareOptions {
  // Large inputs count tokens on the second core; only the bundle can start the worker (worker-script.ts).
  const script = workerScript();
  return {
    files,
    split: inputs.splitSpec,
    validationSplit: inputs.validationSplit,
    seed: inputs.seed,
    messagesField: inputs.messagesField,
    promptField: inputs.promptField,
    responseField: inputs.responseField,
    systemPrompt: inputs.systemPrompt,
    maxTokens: inputs.maxTokens,
    onTooLong: inputs.onTooLong,
    onInvalid: inputs.onInvalid,
    maxInvalidRatio: inputs.maxInvalidRatio,
    dedupe: inputs.dedupe,
    outputDir,
    md5: inputs.azure !== undefined, // for the upload, which then need not read the files again
    tokenWorker: script ? { script } : undefined,
  };
}

/** The log lines and outputs of the prepared files. */
function reportPrepared(result: PrepareSuccess, outputDir: string, log: Logger): void {
  if (result.tokenWorker) log.info("Tokens were counted on a worker thread.");
  log.info(
    `${result.trainRows} training and ${result.validationRows} validation conversations written to ${outputDir} (fingerprint ${result.fingerprint.slice(0, 12)}).`,
  );
  setOutputs({
    "train-file": result.trainFile,
    "validation-file": result.validationFile,
    "train-rows": result.trainRows,
    "validation-rows": result.validationRows,
    "dropped-rows": result.dropped.total,
    fingerprint: result.fingerprint,
  });
}

/**
 * Each dropped record as a GitHub annotation on its file and line (the first MAX_ANNOTATIONS), and every
 * one in the log. Hub data has no file in the repository, so its annotations carry no file.
 */
function annotate(result: PrepareResult, hubRepo: string | undefined, log: Logger): number {
  let shown = 0;
  for (const p of result.problems) {
    const where = formatLocation(p.location);
    const text = `${hubRepo ? `${hubRepo} ` : ""}${where}: ${p.detail}`;
    if (shown < MAX_ANNOTATIONS) {
      const place = hubRepo
        ? { title: `Dataset: ${p.reason}` }
        : { file: p.location.file, startLine: p.location.line, title: `Dataset: ${p.reason}` };
      const say = p.severity === "error" ? core.error : p.severity === "warning" ? core.warning : core.notice;
      say(text, place);
      shown++;
    } else log.info(text);
  }
  for (const n of result.notices)
    core.notice(`${formatLocation(n.location)}: ${n.message}`, hubRepo ? undefined : { file: n.location.file });
  return shown;
}
