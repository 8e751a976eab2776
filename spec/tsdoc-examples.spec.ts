/**
 * The examples in the TSDoc are compiled and run: every ```ts block in a doc comment of
 * lib/**\/*.ts (the `@example` of each public name, class members included, and any other
 * ```ts block in a comment), each named `lib/file.ts:LINE (name)` after its opening fence
 * and the declaration the comment documents. Inside a comment the ` * ` prefixes are
 * stripped; line numbers are the file's.
 *
 * How a block is treated:
 *
 * - A program is type-checked as a module (strict, with the repo's tsconfig; `giambio`,
 *   `giambio/testing`, `giambio/worker` mapped to lib/) and run, with its `giambio.run()`
 *   and `giambio.runWith()` on a `MockClock({ autojump: true })`: the machinery of
 *   spec/docs.spec.ts, in spec/support/code-blocks.ts. A block is a program when it calls
 *   `run(`, `runWith(` or `withVirtualTime(`, or exports something (a worker's module).
 *   Like the reference's other examples, it may leave out `import * as giambio from
 *   "giambio"` (added when it imports nothing from "giambio"); every other import is
 *   written out.
 * - Any other block is a fragment: a piece of a function, type-checked as the body of an
 *   `async function` (with `import * as giambio from "giambio"`, and the stand-ins of
 *   spec/support/docs-ambient.d.ts for "your code"), never run.
 * - Words after `ts` on the opening fence override that: ```` ```ts program ```` runs a
 *   block that calls no `run()` (it needs no running loop); ```` ```ts fragment ```` only
 *   type-checks one; ```` ```ts realtime ```` runs on the host's clock (real I/O, real
 *   waits; keep them to a few hundredths of a second). The site and editors show such a
 *   block as plain `ts`.
 *
 * Expected output: a ```text block that follows a program in the same comment (blank lines
 * between them allowed, nothing else) is what the program must print, compared as in the
 * docs (`...` wildcards). An example that quotes what code prints or throws (`// prints`,
 * `// throws`, a comment after a `console.log(...)`) must be a program that shows its
 * output in a ```text block instead, so that the quote is the real one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import {
  type CodeBlock,
  ROOT,
  describeRuns,
  fences,
  isTypeScript,
  shownOutput,
  typeCheck,
} from "./support/code-blocks";

// ---------------------------------------------------------------------------------------
// Finding the doc comments

/** The TypeScript files under `dir` (relative to the repo), sorted. */
function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return sourceFiles(file);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
    });
}

interface DocComment {
  /** The declaration it documents: `sleep`, `Nursery.start`, `(module)`. */
  readonly name: string;
  /** Its lines, the `/**`, ` * ` and `*\/` stripped. */
  readonly lines: readonly string[];
  /** The file's 1-based line of `lines[0]`. */
  readonly first: number;
}

/** The name a declaration is known by, when it has one. */
function declarationName(node: ts.Node): string | undefined {
  if (ts.isVariableStatement(node)) {
    const [first] = node.declarationList.declarations;
    return first === undefined ? undefined : first.name.getText();
  }
  if (ts.isConstructorDeclaration(node)) return "constructor";
  if (
    (ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isMethodSignature(node) ||
      ts.isPropertySignature(node)) &&
    node.name !== undefined
  ) {
    return node.name.getText();
  }
  return undefined;
}

function stripComment(text: string): string[] {
  return text
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*\* ?/, ""));
}

/** Every `/** ... *\/` comment in `file`, with the name of what it documents. */
function docComments(file: string): DocComment[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Set<number>();
  const found: DocComment[] = [];
  const visit = (node: ts.Node, owner: string | undefined): void => {
    const own = declarationName(node);
    const name = own === undefined ? owner : owner === undefined ? own : `${owner}.${own}`;
    for (const range of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []) {
      const comment = text.slice(range.pos, range.end);
      if (seen.has(range.pos) || !comment.startsWith("/**")) continue;
      seen.add(range.pos);
      found.push({
        name: /@module\b/.test(comment) ? "(module)" : (name ?? "(unnamed)"),
        lines: stripComment(comment),
        first: sf.getLineAndCharacterOfPosition(range.pos).line + 1,
      });
    }
    const inner = ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) ? name : owner;
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sf, undefined);
  return found.sort((a, b) => a.first - b.first);
}

// ---------------------------------------------------------------------------------------
// The blocks

interface Example extends CodeBlock {
  readonly meta: readonly string[];
}

const KNOWN_META = ["fragment", "program", "realtime"];

/** Calls a run (`giambio.run(`, `runWith(`, `withVirtualTime(`) or exports something. */
const PROGRAM = /(?<![\w$.])(?:giambio\.)?(?:run|runWith|withVirtualTime)\(|^export\s/m;

/**
 * A comment that quotes output or an error: `// prints ...`, `// throws ...`, or a comment
 * after a `console.log(...)` (`console.log(n); // 42`).
 */
const QUOTES = /\/\/.*\b(?:prints|throws)\b|console\.\w+\(.*\/\/\s*\S/;

interface Found {
  readonly examples: Example[];
  /** Problems with the comments themselves: an `@example` without a ```ts block. */
  readonly problems: string[];
  /** How many `@example` tags the files hold, found by a plain text search. */
  readonly tags: number;
}

function collect(): Found {
  const examples: Example[] = [];
  const problems: string[] = [];
  let tags = 0;
  let tagsInComments = 0;
  for (const file of sourceFiles("lib")) {
    tags += (fs.readFileSync(path.join(ROOT, file), "utf8").match(/@example\b/g) ?? []).length;
    for (const comment of docComments(file)) {
      const all = fences(comment.lines, comment.first);
      all.forEach((fence, index) => {
        if (!isTypeScript(fence)) return;
        const where = `${file}:${fence.line} (${comment.name})`;
        const meta = fence.meta;
        const program = meta.includes("program") || PROGRAM.test(fence.body);
        const importsGiambio = /from\s+["']giambio["']/.test(fence.body);
        examples.push({
          where,
          file,
          line: fence.line,
          code: fence.body,
          prelude: importsGiambio ? [] : ['import * as giambio from "giambio";'],
          meta,
          fragment: meta.includes("fragment") || !program,
          realtime: meta.includes("realtime"),
          warns: undefined,
          skip: undefined,
          expected: shownOutput(all, index, comment.lines, comment.first),
        });
      });
      // Each @example must hold a ```ts block before the next tag.
      comment.lines.forEach((line, i) => {
        if (!/^@example\b/.test(line)) return;
        tagsInComments++;
        const next = comment.lines.slice(i + 1).findIndex((l) => /^@\w/.test(l));
        const section = comment.lines.slice(i + 1, next < 0 ? undefined : i + 1 + next);
        if (!section.some((l) => /^(`{3,}|~{3,})\s*(ts|typescript)\b/.test(l))) {
          problems.push(
            `${file}:${comment.first + i} (${comment.name}): @example without a ts block`,
          );
        }
      });
    }
  }
  if (tagsInComments !== tags) {
    problems.push(`${tags} @example tags in lib/, but ${tagsInComments} in doc comments found`);
  }
  return { examples, problems, tags };
}

function misused(example: Example): string[] {
  const problems = example.meta
    .filter((word) => !KNOWN_META.includes(word))
    .map((word) => `${example.where}: unknown word \`${word}\` after \`ts\``);
  if (example.fragment && example.expected !== undefined) {
    problems.push(`${example.where}: a fragment is not run, so it cannot have expected output`);
  }
  if (
    example.code.split("\n").some((line) => QUOTES.test(line)) &&
    example.expected === undefined
  ) {
    problems.push(
      `${example.where}: quotes what it prints or throws; make it a program that shows its output`,
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// The tests

const found = collect();
const examples = found.examples;

describe("the TSDoc examples in lib/", () => {
  it("are found, one ts block (at least) for each @example", () => {
    expect(found.tags).toBeGreaterThan(0);
    expect(examples.length).toBeGreaterThanOrEqual(found.tags);
    expect([...found.problems, ...examples.flatMap(misused)]).toEqual([]);
  });

  it("all type-check (strict, with the repo's tsconfig)", () => {
    const problems = typeCheck(examples);
    if (problems.length > 0)
      throw new Error(`TSDoc examples that do not compile:\n${problems.join("\n")}`);
  }, 60000);

  describeRuns(examples, "runs and prints what the comment shows");
});
