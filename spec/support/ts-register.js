"use strict";
// Lets a plain `node` child process run the TypeScript sources: `node -r
// ./spec/support/ts-register.js script.js`. `.ts` files are transpiled on load with the
// repo's TypeScript (types are not checked; `npm run typecheck` does that), and
// `giambio` / `giambio/testing` resolve to lib/, as in the specs. Used by specs that need
// a process of their own: SIGINT, and native `await using` on Node 24.

const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const ts = require("typescript");

const LIB = path.resolve(__dirname, "..", "..", "lib");
const ALIASES = {
  giambio: path.join(LIB, "index.ts"),
  "giambio/testing": path.join(LIB, "testing.ts"),
  "giambio/worker": path.join(LIB, "worker.ts"),
};

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (Object.prototype.hasOwnProperty.call(ALIASES, request)) return ALIASES[request];
  if (parent && parent.filename && parent.filename.endsWith(".ts") && request.startsWith(".")) {
    const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
    if (fs.existsSync(candidate)) return candidate;
  }
  return resolve.call(this, request, parent, ...rest);
};

require.extensions[".ts"] = (module, filename) => {
  const source = fs.readFileSync(filename, "utf8");
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  });
  module._compile(outputText, filename);
};
