import type { Session } from "@phi3-aml/shared/azureml/session";
import type { Logger } from "@phi3-aml/shared/log";
import { getEndpoint } from "./azure-calls.js";
import type { DeploySummaryInput } from "./summary.js";

/** The smoke prompt, to the new deployment alone (azureml-model-deployment), before it takes live traffic. */
export async function smokeTest(
  s: Session,
  endpoint: string,
  deployment: string,
  prompt: string,
  key: () => Promise<string>,
  log: Logger,
): Promise<NonNullable<DeploySummaryInput["smoke"]>> {
  const ep = (await getEndpoint(s, endpoint))!;
  const t0 = Date.now();
  try {
    const res = await fetch(ep.properties!.scoringUri!, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await key()}`,
        "content-type": "application/json",
        "azureml-model-deployment": deployment,
      },
      body: JSON.stringify({
        input_data: {
          input_string: [{ role: "user", content: prompt }],
          parameters: { temperature: 0.7, max_new_tokens: 128 },
        },
      }),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    if (!res.ok) return { prompt, ms: Date.now() - t0, error: `${res.status}: ${text.slice(0, 300)}` };
    const answer = (JSON.parse(text) as { output?: string }).output ?? text;
    log.info(`Smoke prompt answered by ${deployment} in ${Date.now() - t0} ms.`);
    return { prompt, answer, ms: Date.now() - t0 };
  } catch (e) {
    return { prompt, ms: Date.now() - t0, error: (e as Error).message };
  }
}
