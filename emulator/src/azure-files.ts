import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Azure's own files, which the emulator is built from and checked against: the Azure ML REST API specs
 * (Azure/azure-rest-api-specs) and the registry's component and model specs (Azure/azureml-assets). They are
 * vendored in `emulator/azure/`, each under its path in its repository so that the specs' `$ref`s resolve as
 * they are; `emulator/azure/NOTICE.md` names each file's repository, path, commit and licence, and
 * `npm run azure-files -- update <azure-rest-api-specs> <azureml-assets>` refreshes them.
 *
 * `PHI3_AZURE_FILES` points the emulator at another folder of the same layout (a folder that holds clones of
 * both repositories works as it is), e.g. to try newer files before vendoring them.
 */
const AZURE_FILES_ENV = "PHI3_AZURE_FILES";

/** The Azure ML resource manager specs, by api-version folder, in azure-rest-api-specs. */
const ML_SPECS =
  "azure-rest-api-specs/specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable";
/** The fine-tune pipeline component that action-finetune submits (`chat_completion_pipeline`). */
const PIPELINE_SPEC =
  "azureml-assets/assets/training/finetune_acft_hf_nlp/components/pipeline_components/chat_completion/spec.yaml";
/** The model catalog entries, one folder per model. */
export const CATALOG_MODELS = "azureml-assets/assets/models/system";

/** The vendored folder, beside this module's `src/`. */
const VENDORED = resolve(dirname(fileURLToPath(import.meta.url)), "..", "azure");

/** The folder the emulator reads Azure's files from: $PHI3_AZURE_FILES, else the vendored `emulator/azure/`. */
export function azureFilesDir(): string {
  return resolve(process.env[AZURE_FILES_ENV] || VENDORED);
}

/** A file under the Azure files folder; a missing one is an error that names it (never a silent fallback). */
function required(relativePath: string, dir: string): string {
  const file = join(dir, relativePath);
  if (!existsSync(file))
    throw new Error(
      `Azure file missing: ${file}. The emulator reads Azure's files from ${dir}` +
        (process.env[AZURE_FILES_ENV] ? ` ($${AZURE_FILES_ENV})` : "") +
        "; see emulator/azure/NOTICE.md for the list and how to restore them.",
    );
  return file;
}

/** The folder of one api-version's Azure ML specs (their examples are in its `examples/`). */
export function mlSpecFolder(apiVersion: string, dir = azureFilesDir()): string {
  return dirname(required(join(ML_SPECS, apiVersion, "mfe.json"), dir));
}

/** The `chat_completion_pipeline` component spec.yaml. */
export function pipelineSpecFile(dir = azureFilesDir()): string {
  return required(PIPELINE_SPEC, dir);
}

/** A catalog model's spec.yaml, by its folder name in azureml-assets (e.g. `phi-3-mini-4k-instruct`). */
export function catalogSpecFile(folder: string, dir = azureFilesDir()): string {
  return required(join(CATALOG_MODELS, folder, "spec.yaml"), dir);
}
