/** The identities and workspace the emulator starts with; tests may add their own through the control API. */
export const DEFAULTS = {
  tenantId: "11111111-1111-4111-8111-111111111111",
  clientId: "22222222-2222-4222-8222-222222222222",
  subscriptionId: "33333333-3333-4333-8333-333333333333",
  resourceGroup: "rg-phi3",
  workspace: "mlw-phi3",
  location: "eastus2",
  /** The request token of the default GitHub job (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  requestToken: "emulator-default-job",
  federatedAudience: "api://AzureADTokenExchange",
} as const;
