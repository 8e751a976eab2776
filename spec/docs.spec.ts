/**
 * The documentation's examples are compiled and run: every ```ts block in README.md and
 * the Markdown under docs/, in every folder (docs/tutorial/, docs/guide/, ...) but the
 * generated reference (docs/reference/) and the site's own files (docs/.vitepress/).
 *
 * How a block is treated (set by HTML comments on the lines just before its opening fence,
 * invisible once the Markdown is rendered):
 *
 * - By default a block is a full module. It is type-checked with the repo's tsconfig (strict,
 *   `giambio` and `giambio/testing` mapped to the sources in lib/), then transpiled to
 *   CommonJS and run, with `require("giambio")` answered by jest's module registry (so the
 *   lib/ sources run through ts-jest, as in every other spec). Top-level `await` is allowed.
 * - `giambio.run()` and `giambio.runWith()` in a block run on a `MockClock({ autojump: true })`
 *   unless the block passes its own `clock`, so timed examples take no real time; and with
 *   `handleSignals: false` unless the block sets it.
 * - `<!-- fragment -->`: the block is a piece of a function, not a module. It is only
 *   type-checked, as the body of an `async function` (its `import` lines are lifted out;
 *   `import * as giambio from "giambio"` is added when missing). Not run. It may use the
 *   stand-ins for "your code" declared in spec/support/docs-ambient.d.ts (`download`,
 *   `urls`, ...).
 * - `<!-- realtime -->`: the block's runs keep the host's clock (for examples that wait on
 *   Node's own timers or I/O; keep their waits to a few hundredths of a second).
 * - `<!-- warns: TEXT -->`: running the block must emit a warning whose message contains
 *   TEXT. Any other warning fails the block (spec/support/setup.ts).
 * - `<!-- skip: REASON -->`: type-checked but not run, and reported as a skipped test that
 *   names REASON. For an example that shows a known bug in lib/; remove it with the fix.
 *
 * Expected output: a ```text block that follows a runnable ts block (blank lines between
 * them allowed, nothing else) is what the block must print through `console.log` (also
 * `console.info`, `console.warn`, `console.error`; one entry per line). Lines are compared
 * after trimming trailing spaces, ignoring blank lines at the start and end. Wildcards: a
 * line that is exactly `...` matches any number of lines (none included); `...` inside a
 * line matches any run of characters (`Slept for 1... seconds` accepts `1` and `1.0021`).
 *
 * A block fails when it does not compile, when it throws (or its run rejects), when its
 * output differs, when it emits an unexpected warning, leaves a timer pending or an
 * unhandled rejection (see spec/support/setup.ts), or when it runs longer than 5 seconds.
 *
 * The machinery (type-check, run, compare) is spec/support/code-blocks.ts, shared with
 * spec/tsdoc-examples.spec.ts, which does the same for the examples in lib/'s TSDoc.
 *
 * README.md's Quick start also shows what `npm start` prints (examples/parent-children.ts);
 * the last test runs that example on a MockClock and checks it against the README.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as util from "node:util";
import {
  type CodeBlock,
  type Fence,
  ROOT,
  checkOutput,
  describeRuns,
  fences,
  isTypeScript,
  shownOutput,
  tidy,
  typeCheck,
} from "./support/code-blocks";

// ---------------------------------------------------------------------------------------
// Finding the blocks

/** Folders of docs/ that hold no pages of ours: TypeDoc's output and VitePress's own. */
const NOT_OURS = new Set(["docs/reference", "docs/.vitepress", "docs/node_modules"]);

/** The Markdown files under `dir` (relative to the repo), in every folder but NOT_OURS. */
function markdownFiles(dir: string): string[] {
  if (NOT_OURS.has(dir) || !fs.existsSync(path.join(ROOT, dir))) return [];
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return markdownFiles(file);
      return entry.name.endsWith(".md") ? [file] : [];
    });
}

function docFiles(): string[] {
  return ["README.md", ...markdownFiles("docs")];
}

function fileLines(file: string): string[] {
  return fs.readFileSync(path.join(ROOT, file), "utf8").split(/\r?\n/);
}

function fileFences(file: string): Fence[] {
  return fences(fileLines(file));
}

function directive(directives: readonly string[], name: string): string | undefined {
  for (const d of directives) {
    if (d === name) return "";
    if (d.startsWith(`${name}:`)) return d.slice(name.length + 1).trim();
  }
  return undefined;
}

const KNOWN = ["fragment", "realtime", "warns", "skip"];

interface DocBlock extends CodeBlock {
  readonly directives: readonly string[];
}

function collectBlocks(): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const file of docFiles()) {
    const lines = fileLines(file);
    const all = fences(lines);
    all.forEach((fence, index) => {
      if (!isTypeScript(fence)) return;
      const { directives } = fence;
      blocks.push({
        where: `${file}:${fence.line}`,
        file,
        line: fence.line,
        code: fence.body,
        directives,
        fragment: directive(directives, "fragment") !== undefined,
        realtime: directive(directives, "realtime") !== undefined,
        warns: directive(directives, "warns"),
        skip: directive(directives, "skip"),
        expected: shownOutput(all, index, lines),
      });
    });
  }
  return blocks;
}

function unknownDirectives(block: DocBlock): string[] {
  return block.directives.filter((d) => !KNOWN.includes(d.split(":")[0]?.trim() ?? ""));
}

// ---------------------------------------------------------------------------------------
// The tests

const blocks = collectBlocks();

describe("the docs' code blocks", () => {
  it("are found in README.md and docs/**/*.md", () => {
    expect(blocks.length).toBeGreaterThan(0);
    const unknown = blocks.flatMap((b) =>
      unknownDirectives(b).map((d) => `${b.where}: unknown directive <!-- ${d} -->`),
    );
    const misplaced = blocks
      .filter((b) => b.fragment && b.expected !== undefined)
      .map((b) => `${b.where}: a fragment is not run, so it cannot have expected output`);
    expect([...unknown, ...misplaced]).toEqual([]);
  });

  it("all type-check (strict, with the repo's tsconfig)", () => {
    const problems = typeCheck(blocks);
    if (problems.length > 0)
      throw new Error(`Docs blocks that do not compile:\n${problems.join("\n")}`);
  }, 30000);

  describeRuns(blocks, "runs and prints what the docs show");
});

describe("README.md's Quick start", () => {
  it("shows what `npm start` prints (examples/parent-children.ts)", async () => {
    const readme = fileFences("README.md");
    const index = readme.findIndex(
      (f) =>
        (f.lang === "sh" || f.lang === "bash" || f.lang === "shell") && /npm start/.test(f.body),
    );
    expect(index).toBeGreaterThanOrEqual(0);
    const commands = tidy(readme[index]?.body ?? "");
    expect(commands).toEqual(["npm ci && npm start", "npm test"]);
    const output = readme.slice(index + 1).find((f) => f.lang === "text");
    expect(output).toBeDefined();
    const out: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      out.push(...util.format(...args).split("\n"));
    });
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const example = require("../examples/parent-children") as {
        runExample(mock: boolean): Promise<void>;
      };
      await example.runExample(true);
    } finally {
      spy.mockRestore();
    }
    checkOutput("README.md (npm start)", output?.body ?? "", out);
  });
});
