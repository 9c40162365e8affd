import type { EndpointResource } from "./endpoint-body.js";

/**
 * The smoke prompt and the Prompt flow connection score with the endpoint's key (listKeys), which Azure gives
 * only for `authMode: Key` ("Authenticate clients for online endpoints",
 * https://learn.microsoft.com/azure/machine-learning/how-to-authenticate-online-endpoint: key-based endpoints
 * use listKeys; AMLToken endpoints a token from the `token` operation that expires, AADToken endpoints an Entra
 * token). An existing endpoint of another auth mode is refused before any write, when a key will be needed —
 * not after a model was registered and a GPU deployment created.
 */
export function authModeProblem(
  name: string,
  endpoint: EndpointResource | undefined,
  o: { smoke: boolean; connection: boolean },
): string | undefined {
  const mode = endpoint?.properties.authMode;
  if (!endpoint || !mode || mode.toLowerCase() === "key" || (!o.smoke && !o.connection)) return undefined;
  const needs = [o.smoke ? "smoke-prompt" : "", o.connection ? "promptflow-connection" : ""].filter(Boolean);
  return (
    `Endpoint ${name} uses authMode ${mode}, not Key: ${needs.join(" and ")} need${needs.length > 1 ? "" : "s"} the endpoint's key, which Azure gives only to Key endpoints. ` +
    "Leave them empty to deploy without them, or deploy to an endpoint with key authentication."
  );
}
