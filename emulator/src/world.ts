import type { Arm } from "./arm/index.js";
import type { RegisterRoutes } from "./arm/context.js";
import type { WorkspaceSeed } from "./arm/workspaces.js";
import type { Azurite } from "./azurite.js";
import type { ContractReport } from "./contract/report.js";
import type { Entra } from "./entra.js";
import type { Faults } from "./faults.js";
import type { GithubApi } from "./github-api.js";
import type { GithubOidc } from "./github-oidc.js";
import type { Exchange } from "./http.js";
import type { Hub } from "./hub.js";
import type { Scoring } from "./scoring.js";
import type { TlsMaterial } from "./tls.js";

/**
 * The running emulator as its parts see it: emulator.ts builds it, control.ts drives it. Kept apart from
 * both so that neither imports the other.
 */
export interface EmulatorOptions {
  /** Where the CA and certificates are written; a fresh temporary folder by default. */
  dir?: string;
  /** Start Azurite too (default true). */
  azurite?: boolean;
  /** Port of the control API; 0 = any free one. */
  controlPort?: number;
  /** Extra ARM route modules (each action's resources). */
  armRoutes?: RegisterRoutes[];
  log?: (line: string) => void;
}

export interface Emulator {
  /** The environment a bundled action needs to reach this emulator as it would reach Azure. */
  env: Record<string, string>;
  tls: TlsMaterial;
  oidc: GithubOidc;
  entra: Entra;
  arm: Arm;
  hub: Hub;
  scoring: Scoring;
  github: GithubApi;
  faults: Faults;
  exchanges: Exchange[];
  azurite?: Azurite;
  controlUrl: string;
  /** A workspace with its default datastore, whose container exists in Azurite. */
  addWorkspace(seed: Partial<WorkspaceSeed> & { name: string }): Promise<unknown>;
  /** Writes a blob to the storage account (undefined without Azurite): a test's training data. */
  putBlob?(ref: { container: string; path: string }, text: string): Promise<void>;
  contractReport(pathContains?: string): ContractReport;
  stop(): Promise<void>;
}
