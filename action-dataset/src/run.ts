import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as core from "@actions/core";
import { userAgent } from "@phi3-aml/shared/action";
import { connect } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { standardTags } from "@phi3-aml/shared/tags";
import { downloadSplit } from "./hub.js";
import type { DatasetInputs } from "./inputs.js";
import { prepare, type PrepareResult } from "./prepare.js";
import { formatLocation } from "./problems.js";
import { registerData } from "./register.js";
import { datasetSummary } from "./summary.js";
import { defaultDatastore, uploadFiles } from "./upload.js";
import { workerScript } from "./worker-script.js";

/** How many records are annotated on the run and the diff; the rest are counted in the summary and logged. */
export const MAX_ANNOTATIONS = 25;

/** Prepare the data (local file or Hub dataset), write the JSONL files, and upload and register them. */
export async function run(inputs: DatasetInputs, log: Logger): Promise<void> {
  const spec = inputs.sourceSpec!;
  const outputDir = resolve(inputs.outputDir);
  mkdirSync(outputDir, { recursive: true });

  const files =
    spec.kind === "local"
      ? [spec.path]
      : await log.group(`Download ${spec.repo} (${inputs.splitSpec!.split})`, () =>
          downloadSplit(spec, inputs.splitSpec!.split, join(outputDir, ".hub"), log),
        );

  // Large inputs count tokens on the second core; only the bundle can start the worker (worker-script.ts).
  const script = workerScript();
  const result = await log.group("Prepare and validate", () =>
    prepare({
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
    }),
  );
  const annotated = annotate(result, spec.kind === "local" ? undefined : spec.repo, log);
  const summary = {
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

  const { trainFile, validationFile } = result;
  if (result.tokenWorker) log.info("Tokens were counted on a worker thread.");
  log.info(
    `${result.trainRows} training and ${result.validationRows} validation conversations written to ${outputDir} (fingerprint ${result.fingerprint.slice(0, 12)}).`,
  );
  setOutputs({
    "train-file": trainFile,
    "validation-file": validationFile,
    "train-rows": result.trainRows,
    "validation-rows": result.validationRows,
    "dropped-rows": result.dropped.total,
    fingerprint: result.fingerprint,
  });

  if (!inputs.azure) {
    log.info("upload is false: the files are prepared only.");
    await writeSummary(datasetSummary(summary));
    return;
  }

  const session = await connect(inputs.azure, userAgent("dataset"), log);
  const target = await defaultDatastore(session);
  // Content-addressed: the same data lands on the same paths, so a re-run uploads nothing new.
  const folder = `${inputs.name}/${result.fingerprint}`;
  await log.group(`Upload to datastore ${target.name}`, () =>
    uploadFiles(
      target,
      [
        { local: trainFile, path: `${folder}/train.jsonl`, md5: result.trainMd5 },
        { local: validationFile, path: `${folder}/validation.jsonl`, md5: result.validationMd5 },
      ],
      log,
    ),
  );
  const links = studioLinks(session.cloud, session.ref);
  const tags = standardTags({ extra: { source: summary.source, split: inputs.split, seed: String(inputs.seed) } });
  const register = async (part: "train" | "validation", rows: number) => {
    const uri = target.uri(`${folder}/${part}.jsonl`);
    const r = await registerData(
      session,
      {
        name: `${inputs.name}-${part}`,
        uri,
        fingerprint: result.fingerprint,
        description: `${part} split of ${summary.source} ${inputs.split}: ${rows} conversations in Phi-3 chat format`,
        tags: { ...tags, rows: String(rows) },
      },
      log,
    );
    return { ...r, uri, url: links.data(r.name, r.version) };
  };
  const assets = {
    train: await register("train", result.trainRows),
    validation: await register("validation", result.validationRows),
  };
  setOutputs({
    "train-data": assets.train.id,
    "validation-data": assets.validation.id,
    "train-uri": assets.train.uri,
    "validation-uri": assets.validation.uri,
  });
  await writeSummary(datasetSummary({ ...summary, assets }));
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
