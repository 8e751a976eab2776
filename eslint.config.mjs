// ESLint flat config: typescript-eslint with type information, so that rules such as
// no-floating-promises (a forgotten `await` on a giambio operation) see the types.
import { existsSync } from "node:fs";
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// The benchmark harness (bench/src, with its own bench/tsconfig.json) takes its types from
// its peers (effect, effection, in bench/node_modules) and from the built library
// (dist/cjs). Without them (CI's lint installs neither) those types would be unknown and
// every use an error, so it is linted only once `npm run bench:typecheck` (or `npm run
// bench`) has installed and built them.
const benchReady = [
  "bench/node_modules/effect",
  "bench/node_modules/effection",
  "dist/cjs/index.d.ts",
]
  .map((p) => new URL(p, import.meta.url))
  .every((url) => existsSync(url));

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "build/",
      "coverage/",
      "node_modules/",
      ".bench/",
      "bench/build/",
      // Declarations only, for the docs' fragments; kept out of tsconfig.json on purpose
      // (its globals must not reach lib/), and type-checked by spec/docs.spec.ts.
      "spec/support/docs-ambient.d.ts",
      // The documentation site's generated parts: TypeDoc's reference, VitePress's output.
      "docs/reference/",
      "docs/.vitepress/dist/",
      "docs/.vitepress/cache/",
      ...(benchReady ? [] : ["bench/src/"]),
    ],
  },
  js.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // Tasks are async functions by contract, whether or not they await.
      "@typescript-eslint/require-await": "off",
      // A runtime passes on whatever user code threw, Error or not, unchanged.
      "@typescript-eslint/only-throw-error": "off",
      "@typescript-eslint/prefer-promise-reject-errors": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // The kernel has one front door (docs/design.md): outside lib/core/, import
    // "./core" (lib/core/index.ts), never a kernel file directly.
    files: ["lib/**/*.ts"],
    ignores: ["lib/core/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)core/(?!index$)[^/]+$",
              message: "Import the kernel through its front door, lib/core/index.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    // An Effection task that is spawned and not joined belongs to its scope, which halts
    // it on the way out: `yield* spawn(...)` forgets no promise.
    files: ["bench/src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafePromises: [{ from: "package", name: "Task", package: "effection" }] },
      ],
    },
  },
  {
    // Specs throw from `finally` and rethrow on purpose: that is what they test.
    files: ["spec/**/*.ts"],
    rules: { "no-unsafe-finally": "off", "no-useless-catch": "off" },
  },
  {
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    languageOptions: { globals: { ...globals.node }, sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
);
