import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  // assembly/: AssemblyScript (compiled and checked by its own compiler, scripts/build-wasm.mjs), not TypeScript.
  { ignores: ["**/dist/**", "**/node_modules/**", "coverage/**", ".emulator/**", "**/assembly/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // Issue 16 (craft): each function is one idea a reader can hold on one screen, its steps named. A function
    // that must stay longer says why in its disable comment. Tests are exempt: a test reads as one story.
    files: ["**/src/**/*.ts", "scripts/**"],
    ignores: ["**/test/**"],
    rules: {
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    files: ["**/test/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
