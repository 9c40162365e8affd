/**
 * The blob service URL of a workspace datastore: https://<account>.blob.<suffix> in Azure; an endpoint that
 * is a host with a port or an IP address (Azurite, Azure Stack) is addressed path-style:
 * https://<host>/<account>. Used by action-dataset to upload and by the evaluation to read data assets.
 */
export function blobServiceUrl(p: { accountName: string; endpoint?: string; protocol?: string }): string {
  const protocol = p.protocol || "https";
  const endpoint = p.endpoint || "core.windows.net";
  const pathStyle = /:\d+$/.test(endpoint) || /^\d+\.\d+\.\d+\.\d+$/.test(endpoint) || endpoint.startsWith("localhost");
  return pathStyle ? `${protocol}://${endpoint}/${p.accountName}` : `${protocol}://${p.accountName}.blob.${endpoint}`;
}
