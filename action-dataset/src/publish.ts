// The upload and registration of the prepared files: the only part of the step that talks to Azure. run.ts
// imports it only when upload is true, so the Azure SDKs (the storage SDK above all) are a chunk of their
// own that a prepare-only run, and any run stopped by its inputs, never loads.
import { userAgent } from "@phi3-aml/shared/action";
import type { AzureSettings } from "@phi3-aml/shared/azure-inputs";
import { connect } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import type { Logger } from "@phi3-aml/shared/log";
import { standardTags } from "@phi3-aml/shared/tags";
import type { DatasetInputs } from "./inputs.js";
import type { PrepareSuccess } from "./prepare.js";
import { registerData } from "./register.js";
import type { SummaryInput } from "./summary.js";
import { defaultDatastore, uploadFiles } from "./upload.js";

type Assets = NonNullable<SummaryInput["assets"]>;

/** Uploads train.jsonl and validation.jsonl to the workspace's default datastore and registers each as a data asset. */
export async function publish(
  inputs: DatasetInputs,
  azure: AzureSettings,
  result: PrepareSuccess,
  source: string,
  log: Logger,
): Promise<Assets> {
  const session = await connect(azure, userAgent("dataset"), log);
  const target = await defaultDatastore(session);
  // Content-addressed: the same data lands on the same paths, so a re-run uploads nothing new.
  const folder = `${inputs.name}/${result.fingerprint}`;
  await log.group(`Upload to datastore ${target.name}`, () =>
    uploadFiles(
      target,
      [
        { local: result.trainFile, path: `${folder}/train.jsonl`, md5: result.trainMd5 },
        { local: result.validationFile, path: `${folder}/validation.jsonl`, md5: result.validationMd5 },
      ],
      log,
    ),
  );
  const links = studioLinks(session.cloud, session.ref);
  const tags = standardTags({ extra: { source, split: inputs.split, seed: String(inputs.seed) } });
  // Each part is a data asset of its own (<name>-train, <name>-validation), versioned by its fingerprint.
  const register = async (part: "train" | "validation", rows: number) => {
    const uri = target.uri(`${folder}/${part}.jsonl`);
    const r = await registerData(
      session,
      {
        name: `${inputs.name}-${part}`,
        uri,
        fingerprint: result.fingerprint,
        description: `${part} split of ${source} ${inputs.split}: ${rows} conversations in Phi-3 chat format`,
        tags: { ...tags, rows: String(rows) },
      },
      log,
    );
    return { ...r, uri, url: links.data(r.name, r.version) };
  };
  return {
    train: await register("train", result.trainRows),
    validation: await register("validation", result.validationRows),
  };
}
