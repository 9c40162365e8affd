import type { Store } from "./store.js";

type NodeInputs = Record<string, { job_input_type?: string; uri?: string; value?: string }>;

const SHORT_DATA = /^azureml:([^:/@]+):([^:/@]+)$/i;

/**
 * Why the inputs of a pipeline job's nodes cannot be accepted, or undefined. For chat_completion_pipeline
 * 0.0.82 (Azure/azureml-assets, the component's spec.yaml): `finetune_config_path` is a uri_file, so a data
 * asset it names must exist in the workspace and be a uri_file (Azure ML resolves a job's asset inputs at
 * submission and refuses a missing one with a UserError); `trust_remote_code` is "true" or "false".
 */
export function jobInputProblem(
  store: Store,
  workspaceId: string,
  jobs: Record<string, { inputs?: NodeInputs }>,
): { message: string; target: string } | undefined {
  for (const [node, spec] of Object.entries(jobs)) {
    const inputs = spec.inputs ?? {};
    const config = inputs.finetune_config_path;
    if (config) {
      const target = `jobs.${node}.inputs.finetune_config_path`;
      const m = SHORT_DATA.exec(config.uri ?? "");
      if (config.job_input_type !== "uri_file")
        return { message: `finetune_config_path must be a uri_file input, not ${config.job_input_type}.`, target };
      if (m) {
        const found = store.get(`${workspaceId}/data/${m[1]}/versions/${m[2]}`);
        if (!found)
          return {
            message: `Data asset ${m[1]}:${m[2]} was not found in the workspace (finetune_config_path).`,
            target,
          };
        if (String(found.properties.dataType) !== "uri_file")
          return {
            message: `Data asset ${m[1]}:${m[2]} is a ${found.properties.dataType}; finetune_config_path takes a uri_file.`,
            target,
          };
      } else if (!/^azureml:\/\/datastores\//i.test(config.uri ?? ""))
        return {
          message: `finetune_config_path ${config.uri ?? "(no uri)"} is not a data asset or datastore path.`,
          target,
        };
    }
    const trust = inputs.trust_remote_code;
    if (trust && !["true", "false"].includes(String(trust.value)))
      return {
        message: `trust_remote_code must be "true" or "false", not ${JSON.stringify(trust.value)}.`,
        target: `jobs.${node}.inputs.trust_remote_code`,
      };
  }
  return undefined;
}
