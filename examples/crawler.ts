// A bounded-concurrency crawler: it follows links from a start page, fetching at most
// `concurrency` pages at once (a CapacityLimiter), each with a timeout, and stops after
// `limit` pages. The "web" is a local fake fetcher with made-up delays, so the example
// runs anywhere; swap `fakeFetch` for `fetch(url, { signal: giambio.currentSignal() })`.
//
//   npx tsc -p tsconfig.examples.json && node build/examples/crawler.js
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";

/** The fake web: each page links to a few others and takes a while to load. */
const SITE: Record<string, { links: string[]; seconds: number }> = {
  "/": { links: ["/a", "/b", "/c"], seconds: 0.3 },
  "/a": { links: ["/a1", "/a2", "/b"], seconds: 0.5 },
  "/b": { links: ["/b1", "/"], seconds: 0.2 },
  "/c": { links: ["/c1", "/slow"], seconds: 0.4 },
  "/a1": { links: [], seconds: 0.1 },
  "/a2": { links: ["/a1"], seconds: 0.6 },
  "/b1": { links: [], seconds: 0.3 },
  "/c1": { links: ["/missing"], seconds: 0.2 },
  "/slow": { links: ["/never-seen"], seconds: 30 },
};

let inFlight = 0;
let maxInFlight = 0;

async function fakeFetch(url: string): Promise<string[]> {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  try {
    const page = SITE[url];
    await giambio.sleep(page?.seconds ?? 0.05);
    if (page === undefined) throw new Error(`404 ${url}`);
    return page.links;
  } finally {
    inFlight--;
  }
}

export async function crawl(
  start: string,
  concurrency: number,
  timeout: number,
): Promise<string[]> {
  const limiter = new giambio.CapacityLimiter(concurrency);
  const seen = new Set<string>([start]);
  const log: string[] = [];
  await giambio.withNursery(async (nursery) => {
    const visit = async (url: string): Promise<void> => {
      let links: string[] | undefined;
      {
        await using _ = await limiter.hold();
        try {
          links = await giambio.moveOnAfter(timeout, () => fakeFetch(url));
        } catch (err) {
          if (giambio.isCancelled(err)) throw err;
          log.push(`failed ${url}: ${(err as Error).message}`);
          return;
        }
      }
      if (links === undefined) {
        log.push(`timed out ${url}`);
        return;
      }
      log.push(`fetched ${url} at ${giambio.clock().toFixed(1)}s`);
      for (const link of links) {
        if (!seen.has(link)) {
          seen.add(link);
          nursery.spawn(visit, link);
        }
      }
    };
    nursery.spawn(visit, start);
  });
  log.push(`${seen.size} pages seen, at most ${maxInFlight} fetched at once`);
  return log;
}

export async function runExample(mock: boolean): Promise<void> {
  const main = async (): Promise<void> => {
    for (const line of await crawl("/", 2, 5)) console.log(line);
  };
  if (mock) await giambio.runWith({ clock: new MockClock({ autojump: true }) }, main);
  else await giambio.run(main);
}

if (require.main === module) {
  runExample(process.argv.includes("--mock")).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
