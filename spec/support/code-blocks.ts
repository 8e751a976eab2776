/**
 * Code samples that are compiled and run: the machinery shared by spec/docs.spec.ts (the
 * ```ts blocks of the Markdown pages) and spec/tsdoc-examples.spec.ts (the ```ts blocks of
 * the TSDoc comments in lib/). Each spec finds its blocks and says how each is treated; this
 * module type-checks them, runs them and compares what they print.
 *
 * - A block is a full module, or a fragment: a piece of a function, type-checked as the body
 *   of an `async function` (its `import` lines lifted out, `import * as giambio from
 *   "giambio"` added when missing), with the stand-ins of ./docs-ambient.d.ts in scope, and
 *   never run.
 * - Type-checking uses the repo's tsconfig (strict; `giambio`, `giambio/testing` and
 *   `giambio/worker` mapped to the sources in lib/), each block an ES module (`.mts`), so
 *   top-level `await` is allowed.
 * - A module runs transpiled to CommonJS, with `require("giambio")` answered by jest's
 *   module registry (the lib/ sources, through ts-jest). Its `giambio.run()` and
 *   `giambio.runWith()` use a `MockClock({ autojump: true })` unless the block passes its
 *   own `clock` or is `realtime`, and `handleSignals: false` unless it sets it.
 * - Expected output: the lines printed through `console.log` (also `info`, `warn`, `error`,
 *   `debug`, `dir`), compared after trimming trailing spaces and blank lines at the start
 *   and end. A line that is exactly `...` matches any number of lines; `...` inside a line
 *   matches any run of characters.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as util from "node:util";
import * as ts from "typescript";
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { expectWarning } from "./warnings";

export const ROOT = path.resolve(__dirname, "..", "..");
export const BLOCK_TIMEOUT_MS = 5000;

/** One code sample, and how to treat it. */
export interface CodeBlock {
  /** What the tests call it: `docs/file.md:LINE`, `lib/file.ts:LINE (name)`. */
  readonly where: string;
  /** The file it is in, relative to the repo. */
  readonly file: string;
  /** 1-based line of the opening fence; the code starts on the next line. */
  readonly line: number;
  readonly code: string;
  /**
   * For a module: lines that go before `code` without being shown (the TSDoc examples'
   * implicit `import * as giambio from "giambio"`).
   */
  readonly prelude?: readonly string[];
  /** Only type-checked, as the body of an async function. */
  readonly fragment: boolean;
  /** Runs keep the host's clock. */
  readonly realtime: boolean;
  /** Running it must emit a warning whose message contains this. */
  readonly warns: string | undefined;
  /** Type-checked, not run: why. */
  readonly skip: string | undefined;
  /** What it must print, when shown. */
  readonly expected: string | undefined;
}

// ---------------------------------------------------------------------------------------
// Fences

/** A fenced block in Markdown (a page, or the text of a doc comment). */
export interface Fence {
  /** 1-based line of the opening fence, in the file. */
  readonly line: number;
  readonly lang: string;
  /** The words after the language on the opening fence (```ts fragment). */
  readonly meta: readonly string[];
  readonly body: string;
  /** 1-based line just after the closing fence, in the file. */
  readonly end: number;
  /** The HTML comments (`<!-- fragment -->`) on the lines just before the opening fence. */
  readonly directives: readonly string[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/;
const DIRECTIVE = /^\s*<!--\s*(.*?)\s*-->\s*$/;

/**
 * The fenced blocks in `lines`, where `lines[0]` is line `first` of the file (so that the
 * lines of a doc comment, its ` * ` prefixes stripped, keep the file's numbering).
 */
export function fences(lines: readonly string[], first = 1): Fence[] {
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
    found.push({
      line: first + i,
      lang: open[3] ?? "",
      meta: (open[4] ?? "").trim().split(/\s+/).filter(Boolean),
      body: body.join("\n"),
      end: first + j + 1,
      directives,
    });
    i = j;
  }
  return found;
}

/** Whether a fence holds TypeScript. */
export function isTypeScript(fence: Fence): boolean {
  return fence.lang === "ts" || fence.lang === "typescript";
}

/**
 * The output a block shows: the body of the ```text fence right after `all[index]`, with
 * nothing but blank lines between them.
 */
export function shownOutput(
  all: readonly Fence[],
  index: number,
  lines: readonly string[],
  first = 1,
): string | undefined {
  const fence = all[index];
  const next = all[index + 1];
  if (fence === undefined || next === undefined || next.lang !== "text") return undefined;
  const between = lines.slice(fence.end - first, next.line - first);
  return between.every((text) => text.trim() === "") ? next.body : undefined;
}

// ---------------------------------------------------------------------------------------
// Type-checking

interface Source {
  readonly text: string;
  /** For each line of `text` (0-based), the 1-based line of the file the block is in. */
  readonly lineMap: readonly number[];
}

function moduleSource(block: CodeBlock): Source {
  const prelude = block.prelude ?? [];
  const count = block.code.split("\n").length;
  return {
    text: [...prelude, block.code].join("\n"),
    lineMap: [
      ...prelude.map(() => block.line),
      ...Array.from({ length: count }, (_, i) => block.line + 1 + i),
    ],
  };
}

function fragmentSource(block: CodeBlock): Source {
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
export function typeCheck(blocks: readonly CodeBlock[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "giambio-blocks-"));
  try {
    const sources = new Map<string, { block: CodeBlock; source: Source }>();
    blocks.forEach((block, i) => {
      const source = block.fragment ? fragmentSource(block) : moduleSource(block);
      // .mts: an ES module, as a user's file would be, so top-level `await` is allowed.
      const file = path.join(dir, `block-${i}.mts`);
      fs.writeFileSync(file, source.text);
      sources.set(path.normalize(file), { block, source });
    });
    // The stand-ins of docs-ambient.d.ts are for fragments: a full module that used one
    // would compile, then fail when it runs.
    const ambient = path.join(__dirname, "docs-ambient.d.ts");
    const program = ts.createProgram([...sources.keys(), ambient], compilerOptions());
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
function giambioFor(block: CodeBlock, runs: Promise<unknown>[]): typeof giambio {
  const runWith = ((
    options: giambio.RunOptions,
    fn: (...args: unknown[]) => unknown,
    ...args: unknown[]
  ) => {
    const defaults: giambio.RunOptions = { handleSignals: false };
    if (!block.realtime) defaults.clock = new MockClock({ autojump: true });
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

/** Runs a module block; resolves with what it printed. */
async function runModule(block: CodeBlock): Promise<string[]> {
  const out: string[] = [];
  const runs: Promise<unknown>[] = [];
  const js = ts.transpileModule([...(block.prelude ?? []), block.code].join("\n"), {
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
    `return (async () => {\n${js}\n})();\n//# sourceURL=${block.file}:${block.line}`,
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

/** Lines with trailing spaces trimmed, and no blank lines at the start or the end. */
export function tidy(text: string | readonly string[]): string[] {
  const lines = (typeof text === "string" ? text.split("\n") : [...text]).map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Fails, with jest's diff, when `actual` is not what `expected` shows. */
export function checkOutput(where: string, expected: string, actual: readonly string[]): void {
  const want = tidy(expected);
  const got = tidy(actual);
  if (!matchLines(want, got)) {
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

/**
 * Runs a module block and checks it: it must not throw, must emit the warning it `warns`
 * (and no other), and must print its `expected` output when it shows one.
 */
export async function runAndCheck(block: CodeBlock): Promise<void> {
  let out: string[] = [];
  const go = async (): Promise<void> => {
    try {
      out = await withTimeout(block.where, runModule(block));
    } catch (err) {
      const shown = err instanceof Error ? (err.stack ?? String(err)) : util.inspect(err);
      throw new Error(`${block.where} threw:\n${shown}`);
    }
  };
  if (block.warns === undefined) await go();
  else await expectWarning(go, block.warns);
  if (block.expected !== undefined) checkOutput(block.where, block.expected, out);
}

/**
 * One `describe` per runnable block, named after it, with one test that runs it (skipped,
 * naming the reason, for a block that is `skip`ped). The test is named "runs", or
 * `printsTest` when the block shows its output.
 */
export function describeRuns(blocks: readonly CodeBlock[], printsTest: string): void {
  const runnable = blocks.filter((b) => !b.fragment);
  describe.each(runnable.map((b) => [b.where, b] as const))("%s", (_where, block) => {
    if (block.skip !== undefined) {
      it.skip(`runs (skipped: ${block.skip})`, () => undefined);
      return;
    }
    it(
      block.expected === undefined ? "runs" : printsTest,
      () => runAndCheck(block),
      BLOCK_TIMEOUT_MS + 1000,
    );
  });
}
