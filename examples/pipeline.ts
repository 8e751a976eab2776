// A channel pipeline: a producer reads "lines", a pool of three parsers turns them into
// records, and a writer collects them in order of arrival. Each stage closes its sending
// end when it is done (`await using`), so the end of input flows down the pipeline and
// every stage finishes by itself: no sentinel values, no stray tasks.
//
//   npx tsc -p tsconfig.examples.json && node build/examples/pipeline.js
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";

interface Rec {
  readonly line: number;
  readonly words: number;
  readonly parser: number;
}

export async function pipeline(lines: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const [toParse, parseIn] = giambio.openMemoryChannel<[number, string]>(2);
  const [toWrite, writeIn] = giambio.openMemoryChannel<Rec>(0);
  await giambio.withNursery(async (nursery) => {
    nursery.spawn(async function produce() {
      await using _ = toParse;
      for (const [i, text] of lines.entries()) {
        await giambio.sleep(0.1); // reading takes a while
        await toParse.send([i + 1, text]);
      }
    });
    for (let p = 1; p <= 3; p++) {
      const input = p === 1 ? parseIn : parseIn.clone();
      const output = toWrite.clone();
      nursery.spawn(async function parse() {
        await using _in = input;
        await using _out = output;
        for await (const [line, text] of input) {
          await giambio.sleep(0.25); // parsing is slower than reading: three parsers keep up
          await output.send({ line, words: text.split(/\s+/).filter(Boolean).length, parser: p });
        }
      });
    }
    toWrite.close(); // the parsers hold their own clones
    nursery.spawn(async function write() {
      for await (const rec of writeIn) {
        out.push(`line ${rec.line}: ${rec.words} words (parser ${rec.parser})`);
      }
      out.push(`done at ${giambio.clock().toFixed(2)}s`);
    });
  });
  return out;
}

export async function runExample(mock: boolean): Promise<void> {
  const text = ["the quick brown fox", "jumps over", "the lazy dog", "", "and runs away"];
  const main = async (): Promise<void> => {
    for (const line of await pipeline(text)) console.log(line);
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
