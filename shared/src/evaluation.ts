/** The evaluation gate (shared/src/evaluation/index.ts): `import … from "@phi3-aml/shared/evaluation"`. */
export * from "./evaluation/index.js";
