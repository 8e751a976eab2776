/**
 * The documentation site (VitePress): `npm run docs:build` writes it to docs/.vitepress/dist
 * after TypeDoc has written the reference to docs/reference; `npm run docs:dev` serves it
 * with live reload. docs/design.md says why it is built this way.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitepress";
import { nav, sidebar } from "./sidebar.mjs";

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const items = sidebar(docs);

export default defineConfig({
  title: "giambio",
  description:
    "Structured concurrency for TypeScript on Node.js: nurseries, cancel scopes, timeouts and channels.",
  lang: "en-US",
  cleanUrls: true,
  lastUpdated: false,
  // Every internal link must lead somewhere: the build fails on one that does not.
  ignoreDeadLinks: false,
  // The local search index is one chunk, and grows with the reference (~0.5 MB now).
  vite: { build: { chunkSizeWarningLimit: 2048 } },
  markdown: {
    theme: { light: "github-light", dark: "github-dark" },
  },
  themeConfig: {
    nav: nav(items),
    sidebar: items,
    outline: { level: [2, 3] },
    search: { provider: "local" },
    docFooter: { prev: "Previous", next: "Next" },
  },
});
