// Jest runs the TypeScript sources as ESM (@actions/core 3 is ESM-only): ts-jest with useESM, and
// NODE_OPTIONS=--experimental-vm-modules from the npm scripts.
import { availableParallelism } from "node:os";

const common = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: {
    "^@phi3-aml/shared$": "<rootDir>/shared/src/index.ts",
    "^@phi3-aml/shared/(.*)$": "<rootDir>/shared/src/$1.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }] },
  rootDir: ".",
};

/** @type {import('jest').Config} */
export default {
  // Integration tests run bundled actions against the emulator; nothing sleeps longer than it must.
  testTimeout: 120000,
  // Three test files per core, eight at most: the integration tests spend most of their time waiting (on the
  // emulator's jobs and Retry-After, on the SDK's retries), not computing, and all talk to one emulator process.
  // Jest's default (cores - 1) runs them one by one on 2 cores: ~18 minutes there instead of ~4.
  maxWorkers: Math.min(8, Math.max(2, availableParallelism() * 3)),
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/**/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "\\.int\\.test\\.ts$"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/**/test/**/*.int.test.ts"],
      testPathIgnorePatterns: ["/node_modules/"],
      globalSetup: "<rootDir>/test/harness/global-setup.ts",
      globalTeardown: "<rootDir>/test/harness/global-teardown.ts",
    },
  ],
};
