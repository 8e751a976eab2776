/**
 * The sidebar and the top bar, built from the folders of docs/ when the site is built:
 * nothing here lists a page, so a new page shows up by being there.
 *
 * - Each folder of docs/ is a group. Its `index.md` (if any) is the group's own page, and
 *   its front matter names the group (`group: Guides`) and places it (`order: 2`); a folder
 *   without one is named after itself and comes after those that have one.
 * - In a group, pages are ordered by their front matter's `order`, then by file name (so
 *   `01-why-async.md` comes before `02-running.md`). A page's label is its front matter's
 *   `title`, or else its first `# heading`.
 * - Pages at the top of docs/ (but the home page) form the last group, "Project".
 * - docs/reference/ is TypeDoc's output: its groups (one per area, running to errors) come
 *   from the `typedoc-sidebar.json` it writes, merged across the entry points (`giambio`,
 *   `giambio/testing`, ...) so that an area lists its names from every module.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DefaultTheme } from "vitepress";

/** Folders of docs/ that are not part of the site's pages. */
const SKIP = new Set([".vitepress", "public", "node_modules"]);
const ROOT_GROUP = "Project";

export interface FrontMatter {
  readonly [key: string]: string | undefined;
}

/** The front matter's `key: value` lines (the flat subset of YAML our pages use). */
export function frontMatter(text: string): FrontMatter {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  const result: Record<string, string> = {};
  if (match === null) return result;
  for (const line of (match[1] ?? "").split(/\r?\n/)) {
    const pair = /^([A-Za-z][\w-]*):\s*(.*?)\s*$/.exec(line);
    if (pair === null) continue;
    result[pair[1] ?? ""] = (pair[2] ?? "").replace(/^(["'])(.*)\1$/, "$2");
  }
  return result;
}

/** The text of the first `# heading`, without Markdown emphasis or code marks. */
export function firstHeading(text: string): string | undefined {
  let inFence = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^#\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading !== null) return (heading[1] ?? "").replace(/[`*_]/g, "");
  }
  return undefined;
}

interface Page {
  readonly file: string;
  readonly link: string;
  readonly title: string;
  readonly order: number;
}

function readPage(docs: string, file: string): Page {
  const text = fs.readFileSync(path.join(docs, file), "utf8");
  const meta = frontMatter(text);
  const title = meta["title"] ?? firstHeading(text) ?? path.basename(file, ".md");
  const order = Number(meta["order"] ?? Number.POSITIVE_INFINITY);
  const link = `/${file
    .replace(/\\/g, "/")
    .replace(/(^|\/)index\.md$/, "$1")
    .replace(/\.md$/, "")}`;
  return { file, link, title, order: Number.isNaN(order) ? Number.POSITIVE_INFINITY : order };
}

function byOrderThenName(a: Page, b: Page): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

interface Group {
  readonly item: DefaultTheme.SidebarItem;
  readonly order: number;
  readonly name: string;
}

/** The reference's sidebar: TypeDoc's, one group per area, merged across modules. */
function referenceItems(docs: string): DefaultTheme.SidebarItem[] {
  const file = path.join(docs, "reference", "typedoc-sidebar.json");
  if (!fs.existsSync(file)) return [];
  const modules = JSON.parse(fs.readFileSync(file, "utf8")) as DefaultTheme.SidebarItem[];
  const areas = new Map<string, DefaultTheme.SidebarItem[]>();
  for (const module of modules) {
    for (const area of module.items ?? []) {
      const name = area.text ?? "";
      const list = areas.get(name) ?? [];
      for (const item of area.items ?? []) {
        const link = item.link?.replace(/\.md$/, "");
        list.push({ ...item, ...(link === undefined ? {} : { link }) });
      }
      areas.set(name, list);
    }
  }
  // TypeDoc already sorted the areas within each module (categoryOrder); a module's later
  // area never comes before an earlier module's, so first-seen order is the area order.
  return [...areas].map(([text, items]) => ({ text, collapsed: true, items }));
}

function folderGroup(docs: string, folder: string): Group | undefined {
  const dir = path.join(docs, folder);
  const files = fs.readdirSync(dir).filter((name) => name.endsWith(".md"));
  const index = files.includes("index.md") ? readPage(docs, `${folder}/index.md`) : undefined;
  const indexMeta =
    index === undefined ? {} : frontMatter(fs.readFileSync(path.join(dir, "index.md"), "utf8"));
  const name = indexMeta["group"] ?? folder.charAt(0).toUpperCase() + folder.slice(1);
  const order = Number(indexMeta["order"] ?? Number.POSITIVE_INFINITY);
  const items: DefaultTheme.SidebarItem[] =
    folder === "reference"
      ? referenceItems(docs)
      : files
          .filter((f) => f !== "index.md")
          .map((f) => readPage(docs, `${folder}/${f}`))
          .sort(byOrderThenName)
          .map((page) => ({ text: page.title, link: page.link }));
  if (items.length === 0 && index === undefined) return undefined;
  return {
    name,
    order: Number.isNaN(order) ? Number.POSITIVE_INFINITY : order,
    item: {
      text: name,
      ...(index === undefined ? {} : { link: index.link }),
      collapsed: folder === "reference",
      items,
    },
  };
}

/** The whole sidebar, read from docs/ now. */
export function sidebar(docs: string): DefaultTheme.SidebarItem[] {
  const folders = fs
    .readdirSync(docs, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !SKIP.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  const groups = folders
    .map((folder) => folderGroup(docs, folder))
    .filter((group): group is Group => group !== undefined)
    .sort((a, b) =>
      a.order !== b.order ? (a.order < b.order ? -1 : 1) : a.name < b.name ? -1 : 1,
    );
  const rootPages = fs
    .readdirSync(docs)
    .filter((name) => name.endsWith(".md") && name !== "index.md")
    .map((name) => readPage(docs, name))
    .sort(byOrderThenName);
  const items = groups.map((group) => group.item);
  if (rootPages.length > 0) {
    items.push({
      text: ROOT_GROUP,
      collapsed: false,
      items: rootPages.map((page) => ({ text: page.title, link: page.link })),
    });
  }
  return items;
}

/** The top bar: one entry per sidebar group, to its own page or its first page. */
export function nav(items: readonly DefaultTheme.SidebarItem[]): DefaultTheme.NavItem[] {
  const first = (item: DefaultTheme.SidebarItem): string | undefined =>
    item.link ?? item.items?.map(first).find((link) => link !== undefined);
  return items.flatMap((item) => {
    const link = first(item);
    if (item.text === undefined || link === undefined) return [];
    const folder = /^\/([^/]+)\//.exec(link)?.[1];
    return [
      { text: item.text, link, ...(folder === undefined ? {} : { activeMatch: `^/${folder}/` }) },
    ];
  });
}
