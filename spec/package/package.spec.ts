/**
 * What users get is what is tested: the package is packed with `npm pack` (which builds it
 * through `prepack`), the tarball is installed into a temporary project, and that project
 * loads it with ESM `import` and CommonJS `require`, runs a program on a MockClock, and
 * type-checks a consumer of both entries under `module: node16`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

let dir = "";
let tarball = "";

/** Runs a command; on failure, throws with what it printed. */
function sh(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false" },
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

function write(file: string, text: string): void {
  fs.writeFileSync(path.join(dir, file), text);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "giambio-pack-"));
  // The build prints to stdout, so it runs first and `npm pack` then skips `prepack`.
  sh(NPM, ["run", "build", "--silent"], ROOT);
  const packed = JSON.parse(
    sh(NPM, ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], ROOT),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  const info = packed[0];
  if (info === undefined) throw new Error("npm pack printed no package");
  tarball = path.join(dir, info.filename);
  write("package.json", JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  sh(NPM, ["install", "--no-save", "--ignore-scripts", "--offline", tarball], dir);
}, 120_000);

afterAll(() => {
  if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("ships the built entries, types and docs, and no sources or specs", () => {
    const listing = sh("tar", ["-tzf", tarball], dir).split("\n").filter(Boolean);
    const files = listing.map((f) => f.replace(/^package\//, ""));
    for (const wanted of [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
      "dist/cjs/index.js",
      "dist/cjs/index.d.ts",
      "dist/cjs/testing.js",
      "dist/cjs/testing.d.ts",
      "dist/esm/index.mjs",
      "dist/esm/index.d.mts",
      "dist/esm/testing.mjs",
      "dist/esm/testing.d.mts",
    ]) {
      expect(files).toContain(wanted);
    }
    expect(files.filter((f) => /^(lib|spec|bench|examples)\//.test(f))).toEqual([]);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(dir, "node_modules", "giambio", "package.json"), "utf8"),
    ) as { dependencies?: object };
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it("loads with ESM import, and runs a program on a MockClock", () => {
    write(
      "esm.mjs",
      `import * as giambio from "giambio";
import { run, sleep, MultiError } from "giambio";
import { MockClock } from "giambio/testing";
import { createRequire } from "node:module";
const clock = new MockClock({ autojump: true });
const t = await giambio.runWith({ clock, handleSignals: false }, async () => {
  await sleep(3600);
  return giambio.clock();
});
const cjs = createRequire(import.meta.url)("giambio");
console.log(JSON.stringify({ t, run: typeof run, multi: typeof MultiError, same: cjs.Cancelled === giambio.Cancelled }));
`,
    );
    const out = JSON.parse(sh(process.execPath, ["esm.mjs"], dir)) as object;
    expect(out).toEqual({ t: 3600, run: "function", multi: "function", same: true });
  });

  it("loads with CommonJS require, and runs a program on a MockClock", () => {
    write(
      "cjs.cjs",
      `const giambio = require("giambio");
const { MockClock } = require("giambio/testing");
giambio
  .runWith({ clock: new MockClock({ autojump: true }), handleSignals: false }, async () => {
    const task = giambio.spawn(async () => { await giambio.sleep(2); return "child"; });
    return (await task.join()) + "@" + giambio.clock();
  })
  .then((v) => console.log(v));
`,
    );
    expect(sh(process.execPath, ["cjs.cjs"], dir).trim()).toBe("child@2");
  });

  it("runs runInWorker with worker modules that import and require giambio/worker", () => {
    write(
      "spin.mjs",
      `import { checkCancelled, workerSignal } from "giambio/worker";
export function spin() {
  const signal = workerSignal();
  try { for (;;) checkCancelled(); } catch (err) { return err.name + " " + signal.aborted; }
}
`,
    );
    write(
      "spin.cjs",
      `const { checkCancelled } = require("giambio/worker");
exports.spin = () => { for (;;) checkCancelled(); };
`,
    );
    write(
      "workers.cjs",
      `const giambio = require("giambio");
giambio
  .run(async () => {
    const seen = [];
    for (const module of ["./spin.mjs", "./spin.cjs"]) {
      // The call notices through checkCancelled(): a grace this long is never reached.
      const left = await giambio.moveOnAfter(0.05, () =>
        giambio.runInWorker(module, "spin", [], { grace: 3600 }),
      );
      seen.push(module + " " + String(left));
    }
    return seen.join(", ");
  })
  .then((v) => console.log(v));
`,
    );
    expect(sh(process.execPath, ["workers.cjs"], dir).trim()).toBe(
      "./spin.mjs undefined, ./spin.cjs undefined",
    );
  }, 60_000);

  it("type-checks a consumer of both entries, from ESM and from CommonJS", () => {
    const consumer = `import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
export async function main(): Promise<number> {
  const clock: MockClock = new MockClock({ autojump: true });
  const n: number | undefined = await giambio.runWith({ clock }, async () => {
    return giambio.moveOnAfter(1, async (scope: giambio.CancelScope) => scope.deadline);
  });
  // @ts-expect-error sleep takes seconds, a number
  void giambio.sleep("1");
  return n ?? 0;
}
`;
    write("consumer.mts", consumer);
    write("consumer.cts", consumer);
    write(
      "tsconfig.json",
      JSON.stringify({
        compilerOptions: {
          module: "node16",
          moduleResolution: "node16",
          target: "ES2022",
          lib: ["ES2022", "ESNext.Disposable"],
          strict: true,
          noEmit: true,
          types: ["node"],
          typeRoots: [path.join(ROOT, "node_modules", "@types")],
        },
        files: ["consumer.mts", "consumer.cts"],
      }),
    );
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    // Throws with tsc's output if anything does not compile.
    sh(process.execPath, [tsc, "-p", "tsconfig.json"], dir);
  }, 60_000);

  it("shows users no internals: no declaration file in the package has an _ member", () => {
    const pkg = path.join(dir, "node_modules", "giambio", "dist");
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.d\.m?ts$/.test(e.name)) files.push(p);
      }
    };
    walk(pkg);
    expect(files.length).toBeGreaterThan(20);
    const member =
      /^\s*(?:(?:readonly|private|protected|public|static|abstract|get|set)\s+)*_\w*[?!]?\s*[(:<]/;
    const found: string[] = [];
    for (const file of files) {
      fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (member.test(line)) found.push(`${path.relative(pkg, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
