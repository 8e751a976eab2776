// @ts-check
// TypeDoc's options for the API reference (docs/reference/, generated, git-ignored):
// Markdown pages for VitePress, one per public name, grouped by area.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { AREA_ORDER, entryPoints } from "./typedoc-areas.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

/** @type {Partial<import("typedoc").TypeDocOptions & import("typedoc-plugin-markdown").PluginOptions & { docsRoot: string; sidebar: object }>} */
const config = {
  // Whatever package.json exports: `giambio`, `giambio/testing`, ...
  entryPoints: entryPoints().map(({ file }) => path.join(root, file)),
  tsconfig: path.join(root, "tsconfig.build.json"),
  out: path.join(root, "docs/reference"),
  docsRoot: path.join(root, "docs"),
  plugin: [
    "typedoc-plugin-markdown",
    "typedoc-vitepress-theme",
    path.join(here, "typedoc-areas.mjs"),
  ],
  excludeInternal: true,
  excludePrivate: true,
  excludeProtected: true,
  excludeExternals: true,
  categorizeByGroup: false,
  categoryOrder: [...AREA_ORDER, "*"],
  navigation: { includeCategories: true, includeGroups: false, includeFolders: false },
  readme: "none",
  disableSources: true,
  githubPages: false,
  // Type errors are `npm run typecheck`'s to report; the reference is built from what is there.
  skipErrorChecking: true,
  treatWarningsAsErrors: false,
  validation: { notExported: true, invalidLink: true, notDocumented: false },
  sidebar: { autoConfiguration: true, format: "vitepress", pretty: true, collapsed: true },
};

export default config;
