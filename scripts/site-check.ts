/**
 * The site check (`npm run docs:check`, after `npm run docs:build`): serves the built site
 * (docs/.vitepress/dist) on 127.0.0.1 and loads every page in headless Chromium, Debian's
 * `chromium` driven by playwright-core. It fails on
 *
 * - a page that is empty, or that logs a console error or throws;
 * - a request that fails or answers 400 or more, or any request to another host;
 * - a link to a page of the site that does not exist, or to an anchor that the target page
 *   does not have;
 * - a local search for `moveOnAfter` that shows no result;
 * - a dark-mode toggle that does not put `dark` on <html>, or does not take it off again.
 *
 * It saves screenshots of the home page and of the tutorial's first chapter under
 * build/site-check/, and prints how many pages and links it checked and how long it took.
 *
 * Environment: CHROMIUM (default /usr/bin/chromium); SITE_DIR (default
 * docs/.vitepress/dist).
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";

const ROOT = path.resolve(__dirname, "..", "..");
const SITE = path.resolve(ROOT, process.env["SITE_DIR"] ?? "docs/.vitepress/dist");
const SHOTS = path.join(ROOT, "build", "site-check");
const CHROMIUM = process.env["CHROMIUM"] ?? "/usr/bin/chromium";
/** The flags of docs: .library's node.md: no sandbox as root, and no calls home. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SEARCH_TERM = "moveOnAfter";
const TABS = 3;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

// ---------------------------------------------------------------------------------------
// The site's files, and a static server with VitePress's clean URLs

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

/** The file a URL path serves, as `vitepress preview` would: `/a/b` is `a/b.html`. */
function fileFor(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const relative = path.normalize(decoded).replace(/^(\.\.[/\\])+/, "");
  const base = path.join(SITE, relative);
  if (!base.startsWith(SITE)) return undefined;
  const candidates = decoded.endsWith("/")
    ? [path.join(base, "index.html")]
    : [base, `${base}.html`, path.join(base, "index.html")];
  return candidates.find((file) => fs.existsSync(file) && fs.statSync(file).isFile());
}

/** The page's own path, the key its anchors are filed under: `/a/b`, `/` for the home. */
function pageKey(file: string): string {
  const relative = path.relative(SITE, file).split(path.sep).join("/");
  return `/${relative.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "")}`;
}

function serve(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const file = fileFor(url.pathname);
    const status = file === undefined ? 404 : 200;
    const body = file ?? path.join(SITE, "404.html");
    response.writeHead(status, {
      "content-type": TYPES[path.extname(body)] ?? "application/octet-stream",
    });
    fs.createReadStream(body).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

// ---------------------------------------------------------------------------------------
// Visiting the pages

interface Visit {
  readonly key: string;
  readonly ids: ReadonlySet<string>;
  readonly links: readonly string[];
}

async function visit(page: Page, origin: string, key: string, problems: string[]): Promise<Visit> {
  const errors: string[] = [];
  const onConsole = (message: { type(): string; text(): string }): void => {
    if (message.type() === "error") errors.push(`console error: ${message.text()}`);
  };
  const onPageError = (error: Error): void => {
    errors.push(`uncaught: ${error.message}`);
  };
  page.on("console", onConsole);
  page.on("pageerror", onPageError);
  try {
    const response = await page.goto(`${origin}${key}`, { waitUntil: "load" });
    if (response === null || response.status() !== 200) {
      errors.push(`answered ${response?.status() ?? "nothing"}`);
    }
    // Wait for Vue to take over the server-rendered page (and report a hydration mismatch,
    // if any): VitePress mounts the app once the page's own chunk has loaded.
    await page.waitForFunction(() => "__vue_app__" in (document.querySelector("#app") ?? {}));
    const found = await page.evaluate(() => {
      const main = document.querySelector(".vp-doc") ?? document.querySelector(".VPHome");
      return {
        text: (main as HTMLElement | null)?.innerText.trim() ?? "",
        ids: [...document.querySelectorAll("[id]")].map((el) => el.id),
        links: [...document.querySelectorAll("a[href]")].map((a) => (a as HTMLAnchorElement).href),
      };
    });
    if (found.text.length < 20) errors.push("empty page (no text in its main content)");
    for (const error of errors) problems.push(`${key}: ${error}`);
    return { key, ids: new Set(found.ids), links: found.links };
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onPageError);
  }
}

interface LinkCount {
  internal: number;
  distinct: number;
  anchors: number;
  external: number;
}

function checkLinks(visits: readonly Visit[], origin: string, problems: string[]): LinkCount {
  const byKey = new Map(visits.map((v) => [v.key, v]));
  const count: LinkCount = { internal: 0, distinct: 0, anchors: 0, external: 0 };
  const seen = new Set<string>();
  for (const { key, links } of visits) {
    for (const href of links) {
      const url = new URL(href);
      if (url.origin !== origin) {
        if (url.protocol === "http:" || url.protocol === "https:") count.external++;
        continue;
      }
      count.internal++;
      if (!seen.has(url.pathname + url.hash)) count.distinct++;
      seen.add(url.pathname + url.hash);
      const file = fileFor(url.pathname);
      if (file === undefined) {
        problems.push(`${key}: broken link to ${url.pathname}${url.hash}`);
        continue;
      }
      if (url.hash === "" || url.hash === "#") continue;
      count.anchors++;
      const target = file.endsWith(".html") ? byKey.get(pageKey(file)) : undefined;
      const anchor = decodeURIComponent(url.hash.slice(1));
      if (target === undefined) {
        problems.push(`${key}: anchor #${anchor} on ${url.pathname}, which is not a page`);
      } else if (!target.ids.has(anchor)) {
        problems.push(`${key}: broken anchor ${url.pathname}#${anchor}`);
      }
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------
// Search, dark mode, screenshots

async function checkSearch(page: Page, origin: string, problems: string[]): Promise<void> {
  await page.goto(`${origin}/`, { waitUntil: "networkidle" });
  await page.locator(".VPNavBarSearch button").first().click();
  const input = page.locator(".VPLocalSearchBox input").first();
  await input.waitFor({ state: "visible", timeout: 10000 });
  await input.fill(SEARCH_TERM);
  const result = page.locator(".VPLocalSearchBox .results li").first();
  try {
    await result.waitFor({ state: "visible", timeout: 10000 });
    const text = await result.innerText();
    if (!text.toLowerCase().includes(SEARCH_TERM.toLowerCase())) {
      problems.push(`search: the first result for ${SEARCH_TERM} does not mention it: ${text}`);
    }
  } catch {
    problems.push(`search: no result for ${SEARCH_TERM}`);
  }
  await page.keyboard.press("Escape");
}

async function checkDarkMode(page: Page, origin: string, problems: string[]): Promise<void> {
  await page.goto(`${origin}/`, { waitUntil: "networkidle" });
  const isDark = (): Promise<boolean> =>
    page.evaluate(() => document.documentElement.classList.contains("dark"));
  const toggle = page.locator(".VPNavBarAppearance button.VPSwitchAppearance").first();
  const before = await isDark();
  await toggle.click();
  await page.waitForFunction(
    (was) => document.documentElement.classList.contains("dark") !== was,
    before,
  );
  const after = await isDark();
  await toggle.click();
  await page.waitForFunction(
    (was) => document.documentElement.classList.contains("dark") === was,
    before,
  );
  if (before || !after) {
    problems.push(`dark mode: <html> had dark=${before}, then ${after} after the toggle`);
  }
}

async function screenshots(
  page: Page,
  origin: string,
  pages: readonly string[],
): Promise<string[]> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const firstChapter = pages.filter((key) => /^\/tutorial\/./.test(key)).sort()[0];
  const shots: [string, string][] = [["home", "/"]];
  if (firstChapter !== undefined) shots.push(["tutorial", firstChapter]);
  const saved: string[] = [];
  for (const [name, key] of shots) {
    await page.goto(`${origin}${key}`, { waitUntil: "networkidle" });
    const file = path.join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    saved.push(path.relative(ROOT, file));
  }
  return saved;
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const started = performance.now();
  if (!fs.existsSync(path.join(SITE, "index.html"))) {
    console.error(`No site in ${path.relative(ROOT, SITE)}: run npm run docs:build first.`);
    return 1;
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM).`);
    return 1;
  }
  const pages = walk(SITE)
    .filter((file) => file.endsWith(".html") && path.basename(file) !== "404.html")
    .map(pageKey)
    .sort();
  const server = await serve();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser | undefined;
  const problems: string[] = [];
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: "light",
    });
    // The site must need nothing from elsewhere: refuse, and report, any other host.
    await context.route(
      (url) => url.origin !== origin,
      (route) => {
        problems.push(`request to another host: ${route.request().url()}`);
        return route.abort();
      },
    );
    context.on("requestfailed", (request) => {
      if (new URL(request.url()).origin !== origin) return; // reported above
      // The prefetch of a linked page's chunk, cut short by going to the next page.
      if (request.failure()?.errorText === "net::ERR_ABORTED") return;
      problems.push(`failed request: ${request.url()} (${request.failure()?.errorText ?? "?"})`);
    });
    context.on("response", (response) => {
      if (response.status() >= 400) {
        problems.push(`request answered ${response.status()}: ${response.url()}`);
      }
    });
    // A few tabs at once; every page is loaded on its own, from its URL.
    const queue = [...pages];
    const visits: Visit[] = [];
    const tabs = await Promise.all(Array.from({ length: TABS }, () => context.newPage()));
    await Promise.all(
      tabs.map(async (tab) => {
        for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
          visits.push(await visit(tab, origin, key, problems));
        }
      }),
    );
    const page = tabs[0] as Page;
    const links = checkLinks(visits, origin, problems);
    await checkSearch(page, origin, problems);
    await checkDarkMode(page, origin, problems);
    const shots = await screenshots(page, origin, pages);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    for (const problem of problems) console.error(`FAIL ${problem}`);
    console.log(
      `Site check: ${pages.length} pages, ${links.internal} internal links to` +
        ` ${links.distinct} distinct targets (${links.anchors} links with an anchor),` +
        ` ${links.external} external links (not followed);` +
        ` search for ${SEARCH_TERM} and the dark-mode toggle; screenshots ${shots.join(", ")};` +
        ` ${seconds} s. ${problems.length === 0 ? "All good." : `${problems.length} problems.`}`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
