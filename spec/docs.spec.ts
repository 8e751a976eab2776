/**
 * The documentation's examples are compiled and run: every ```ts block in README.md and
 * docs/*.md.
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
 *   `import * as giambio from "giambio"` is added when missing). Not run.
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
 * README.md's Quick start also shows what `npm start` prints (examples/parent-children.ts);
 * the last test runs that example on a MockClock and checks it against the README.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as util from "node:util";
import * as ts from "typescript";
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { expectWarning } from "./support/warnings";

const ROOT = path.resolve(__dirname, "..");
const BLOCK_TIMEOUT_MS = 5000;

interface Block {
  /** Where the opening fence is, as `docs/file.md:LINE`. */
  readonly where: string;
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  readonly directives: readonly string[];
  readonly expected: string | undefined;
}

interface Fence {
  readonly line: number;
  readonly lang: string;
  readonly body: string;
  readonly end: number;
  readonly directives: string[];
}

// ---------------------------------------------------------------------------------------
// Finding the blocks

function docFiles(): string[] {
  const docs = path.join(ROOT, "docs");
  const files = fs.existsSync(docs)
    ? fs
        .readdirSync(docs)
        .filter((name) => name.endsWith(".md"))
        .sort()
        .map((name) => path.join("docs", name))
    : [];
  return ["README.md", ...files];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const DIRECTIVE = /^\s*<!--\s*(.*?)\s*-->\s*$/;

function fences(file: string): Fence[] {
  const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split(/\r?\n/);
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? "");
    if (open === null) continue;
    const indent = open[1] ?? "";
    const marker = open[2] ?? "```";
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const text = lines[j] ?? "";
      if (text.trim().startsWith(marker) && text.trim().replace(/[`~]/g, "") === "") break;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    const directives: string[] = [];
    for (let k = i - 1; k >= 0; k--) {
      const text = lines[k] ?? "";
      if (text.trim() === "") {
        if (directives.length === 0) continue;
        break;
      }
      const directive = DIRECTIVE.exec(text);
      if (directive === null) break;
      directives.unshift(directive[1] ?? "");
    }
    found.push({ line: i + 1, lang: open[3] ?? "", body: body.join("\n"), end: j + 1, directives });
    i = j;
  }
  return found;
}

function collectBlocks(): Block[] {
  const blocks: Block[] = [];
  for (const file of docFiles()) {
    const all = fences(file);
    const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split(/\r?\n/);
    all.forEach((fence, index) => {
      if (fence.lang !== "ts" && fence.lang !== "typescript") return;
      const next = all[index + 1];
      let expected: string | undefined;
      if (next !== undefined && next.lang === "text") {
        const between = lines.slice(fence.end, next.line - 1);
        if (between.every((text) => text.trim() === "")) expected = next.body;
      }
      blocks.push({
        where: `${file}:${fence.line}`,
        file,
        line: fence.line,
        code: fence.body,
        directives: fence.directives,
        expected,
      });
    });
  }
  return blocks;
}

function directive(block: Block, name: string): string | undefined {
  for (const d of block.directives) {
    if (d === name) return "";
    if (d.startsWith(`${name}:`)) return d.slice(name.length + 1).trim();
  }
  return undefined;
}

const KNOWN = ["fragment", "realtime", "warns", "skip"];

function unknownDirectives(block: Block): string[] {
  return block.directives.filter((d) => !KNOWN.includes(d.split(":")[0]?.trim() ?? ""));
}

// ---------------------------------------------------------------------------------------
// Type-checking

interface Source {
  readonly text: string;
  /** For each line of `text` (0-based), the 1-based line of the Markdown file. */
  readonly lineMap: readonly number[];
}

function moduleSource(block: Block): Source {
  const count = block.code.split("\n").length;
  return {
    text: block.code,
    lineMap: Array.from({ length: count }, (_, i) => block.line + 1 + i),
  };
}

function fragmentSource(block: Block): Source {
  const imports: string[] = [];
  const importLines: number[] = [];
  const body: string[] = [];
  const bodyLines: number[] = [];
  block.code.split("\n").forEach((text, i) => {
    const target = /^import\s/.test(text) ? [imports, importLines] : [body, bodyLines];
    (target[0] as string[]).push(text);
    (target[1] as number[]).push(block.line + 1 + i);
  });
  const header = imports.some((text) => /from\s+["']giambio["']/.test(text))
    ? []
    : ['import * as giambio from "giambio";'];
  const text = [
    ...header,
    ...imports,
    "export {};",
    "async function fragment(): Promise<void> {",
    ...body,
    "}",
    "void fragment;",
  ].join("\n");
  return {
    text,
    lineMap: [
      ...header.map(() => block.line),
      ...importLines,
      block.line,
      block.line,
      ...bodyLines,
      block.line,
      block.line,
    ],
  };
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, "tsconfig.json");
  const read = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (read.error !== undefined) {
    throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    typeRoots: [path.join(ROOT, "node_modules", "@types")],
  };
}

/** Type-checks every block in one program; returns one message per problem. */
function typeCheck(blocks: readonly Block[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "giambio-docs-"));
  try {
    const sources = new Map<string, { block: Block; source: Source }>();
    blocks.forEach((block, i) => {
      const source =
        directive(block, "fragment") === undefined ? moduleSource(block) : fragmentSource(block);
      // .mts: an ES module, as a user's file would be, so top-level `await` is allowed.
      const file = path.join(dir, `block-${i}.mts`);
      fs.writeFileSync(file, source.text);
      sources.set(path.normalize(file), { block, source });
    });
    const program = ts.createProgram([...sources.keys()], compilerOptions());
    const problems: string[] = [];
    const render = (d: ts.Diagnostic): string =>
      ts.flattenDiagnosticMessageText(d.messageText, "\n");
    for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
      problems.push(`(compiler) TS${d.code}: ${render(d)}`);
    }
    for (const [file, { block, source }] of sources) {
      const sf = program.getSourceFile(file);
      if (sf === undefined) {
        problems.push(`${block.where}: not compiled`);
        continue;
      }
      for (const d of [
        ...program.getSyntacticDiagnostics(sf),
        ...program.getSemanticDiagnostics(sf),
      ]) {
        const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
        problems.push(
          `${block.file}:${source.lineMap[line] ?? block.line}: TS${d.code}: ${render(d)}`,
        );
      }
    }
    return problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Running

/** `giambio` as a block sees it: `run`/`runWith` default to a MockClock. */
function giambioFor(block: Block, runs: Promise<unknown>[]): typeof giambio {
  const realtime = directive(block, "realtime") !== undefined;
  const runWith = ((
    options: giambio.RunOptions,
    fn: (...args: unknown[]) => unknown,
    ...args: unknown[]
  ) => {
    const defaults: giambio.RunOptions = { handleSignals: false };
    if (!realtime) defaults.clock = new MockClock({ autojump: true });
    const promise = giambio.runWith({ ...defaults, ...options }, fn, ...args);
    runs.push(promise.catch(() => undefined));
    return promise;
  }) as typeof giambio.runWith;
  const run = ((fn: (...args: unknown[]) => unknown, ...args: unknown[]) =>
    runWith({}, fn, ...args)) as typeof giambio.run;
  return { ...giambio, run, runWith, __esModule: true } as typeof giambio;
}

function captureConsole(out: string[]): Console {
  const write = (...args: unknown[]): void => {
    out.push(...util.format(...args).split("\n"));
  };
  return {
    ...console,
    log: write,
    info: write,
    warn: write,
    error: write,
    debug: write,
    dir: (value: unknown) => write(util.inspect(value)),
  };
}

async function runBlock(block: Block): Promise<string[]> {
  const out: string[] = [];
  const runs: Promise<unknown>[] = [];
  const js = ts.transpileModule(block.code, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    },
    fileName: `${block.file.replace(/\W/g, "_")}_${block.line}.ts`,
  }).outputText;
  const mapped = giambioFor(block, runs);
  const blockRequire = (id: string): unknown => {
    if (id === "giambio") return mapped;
    // jest's require: resolves through moduleNameMapper and the module registry.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id) as unknown;
  };
  const moduleObject = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const body = new Function(
    "require",
    "exports",
    "module",
    "console",
    `return (async () => {\n${js}\n})();\n//# sourceURL=${block.where}`,
  ) as (...args: unknown[]) => Promise<void>;
  await body(blockRequire, moduleObject.exports, moduleObject, captureConsole(out));
  // A block may start a run without awaiting it (`run(main).catch(...)`): wait for it too.
  for (let seen = 0; seen < runs.length; seen = runs.length) await Promise.all(runs.slice(seen));
  // Let `.then`/`.catch` handlers on those runs print.
  await new Promise<void>((resolve) => setImmediate(resolve));
  return out;
}

function lineMatcher(expected: string): RegExp {
  const parts = expected.split("...").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`);
}

function matchLines(expected: readonly string[], actual: readonly string[]): boolean {
  const go = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length;
    const want = expected[e] as string;
    if (want === "...") {
      for (let k = a; k <= actual.length; k++) if (go(e + 1, k)) return true;
      return false;
    }
    return a < actual.length && lineMatcher(want).test(actual[a] as string) && go(e + 1, a + 1);
  };
  return go(0, 0);
}

function tidy(text: string | readonly string[]): string[] {
  const lines = (typeof text === "string" ? text.split("\n") : [...text]).map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function checkOutput(where: string, expected: string, actual: readonly string[]): void {
  const want = tidy(expected);
  const got = tidy(actual);
  if (!matchLines(want, got)) {
    // Fails with jest's diff.
    expect(`${where} printed:\n${got.join("\n")}`).toBe(`${where} printed:\n${want.join("\n")}`);
  }
}

async function withTimeout<T>(where: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${where}: still running after ${BLOCK_TIMEOUT_MS} ms (a run that never settles?)`,
          ),
        ),
      BLOCK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------
// The tests

const blocks = collectBlocks();
const runnable = blocks.filter((b) => directive(b, "fragment") === undefined);

describe("the docs' code blocks", () => {
  it("are found in README.md and docs/*.md", () => {
    expect(blocks.length).toBeGreaterThan(0);
    const unknown = blocks.flatMap((b) =>
      unknownDirectives(b).map((d) => `${b.where}: unknown directive <!-- ${d} -->`),
    );
    const misplaced = blocks
      .filter((b) => directive(b, "fragment") !== undefined && b.expected !== undefined)
      .map((b) => `${b.where}: a fragment is not run, so it cannot have expected output`);
    expect([...unknown, ...misplaced]).toEqual([]);
  });

  it("all type-check (strict, with the repo's tsconfig)", () => {
    const problems = typeCheck(blocks);
    if (problems.length > 0)
      throw new Error(`Docs blocks that do not compile:\n${problems.join("\n")}`);
  }, 30000);

  describe.each(runnable.map((b) => [b.where, b] as const))("%s", (where, block) => {
    const skip = directive(block, "skip");
    if (skip !== undefined) {
      it.skip(`runs (skipped: ${skip})`, () => undefined);
      return;
    }
    it(
      block.expected === undefined ? "runs" : "runs and prints what the docs show",
      async () => {
        const warns = directive(block, "warns");
        let out: string[] = [];
        const go = async (): Promise<void> => {
          try {
            out = await withTimeout(where, runBlock(block));
          } catch (err) {
            const shown = err instanceof Error ? (err.stack ?? String(err)) : util.inspect(err);
            throw new Error(`${where} threw:\n${shown}`);
          }
        };
        if (warns === undefined) await go();
        else await expectWarning(go, warns);
        if (block.expected !== undefined) checkOutput(where, block.expected, out);
      },
      BLOCK_TIMEOUT_MS + 1000,
    );
  });
});

describe("README.md's Quick start", () => {
  it("shows what `npm start` prints (examples/parent-children.ts)", async () => {
    const readme = fences("README.md");
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
