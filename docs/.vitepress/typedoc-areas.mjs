// @ts-check
/**
 * A TypeDoc plugin: puts every public name in one area of the reference (running, tasks,
 * nurseries, ...), from the file that declares it, so that a new export lands in its
 * area without a tag. A `@category` tag in the TSDoc wins over the table. A name from a
 * file the table does not know fails the build: add the file to AREAS below.
 *
 * It also names the modules after their import paths (`giambio`, `giambio/testing`, ...)
 * instead of their file names, and drops "Implements" and "Implementation of" lines that
 * name an internal interface (a class implementing the kernel's `Frame`, say): the
 * reference shows no internal names.
 *
 * Last, it writes the reference's front page (docs/reference/index.md): every area, and in
 * each the names from every module with their one-line summaries.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { MarkdownPageEvent } from "typedoc-plugin-markdown";
import {
  Comment,
  CommentTag,
  Converter,
  DeclarationReflection,
  ReferenceType,
  ProjectReflection,
  ReflectionKind,
  SignatureReflection,
} from "typedoc";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The areas, in the order the reference shows them. */
export const AREA_ORDER = [
  "Running",
  "Tasks",
  "Nurseries",
  "Cancellation",
  "Time",
  "Sync",
  "Channels",
  "I/O",
  "Threads and processes",
  "Helpers",
  "Testing",
  "Errors",
];

/** Which area a file's exports belong to: the first pattern that matches its path. */
const AREAS = /** @type {const} */ ([
  [/^lib\/run\.ts$/, "Running"],
  [/^lib\/core\/(instruments|trace|clock)\.ts$/, "Running"],
  [/^lib\/(spawn|core\/task)\.ts$/, "Tasks"],
  [/^lib\/(nursery|core\/nursery|core\/task-status|core\/block-nursery)\.ts$/, "Nurseries"],
  [/^lib\/(timeouts|cancellable|core\/cancel-scope)\.ts$/, "Cancellation"],
  [/^lib\/sleep\.ts$/, "Time"],
  [/^lib\/sync\//, "Sync"],
  [/^lib\/memory-channel\.ts$/, "Channels"],
  [/^lib\/io\//, "I/O"],
  [/^lib\/(process|worker|thread)/, "Threads and processes"],
  [/^lib\/helpers/, "Helpers"],
  [/^lib\/(testing\/|core\/introspect\.ts$)/, "Testing"],
  [/^lib\/errors\.ts$/, "Errors"],
]);

/**
 * The package's entry points, read from package.json's `exports`: for each import path
 * (`giambio`, `giambio/testing`, ...), the source file its CommonJS build comes from
 * (`./dist/cjs/testing.js` is built from `lib/testing.ts`).
 * @returns {{ name: string, file: string }[]} `file` relative to the repo
 */
export function entryPoints() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  /** @type {Record<string, { require?: { default?: string } }>} */
  const exports = pkg.exports ?? {};
  return Object.entries(exports).flatMap(([key, target]) => {
    const built = /^\.\/dist\/cjs\/(.+)\.js$/.exec(target?.require?.default ?? "");
    if (built === null) return [];
    const name = key === "." ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, "")}`;
    return [{ name, file: `lib/${built[1]}.ts` }];
  });
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    const unknown = [];
    const names = new Map(entryPoints().map(({ name, file }) => [path.join(ROOT, file), name]));
    for (const module of project.getReflectionsByKind(ReflectionKind.Module)) {
      const file = project.getSymbolIdFromReflection(module)?.fileName;
      const name = file === undefined ? undefined : names.get(path.normalize(file));
      if (name !== undefined) module.name = name;
    }
    for (const refl of project.getReflectionsByKind(ReflectionKind.SomeExport)) {
      const parent = refl.parent;
      if (parent === undefined || !parent.kindOf(ReflectionKind.SomeModule)) continue;
      if (refl.comment?.getTag("@category") !== undefined) continue;
      const file = project.getSymbolIdFromReflection(refl)?.fileName;
      const relative =
        file === undefined ? "" : path.relative(ROOT, file).split(path.sep).join("/");
      const area = AREAS.find(([pattern]) => pattern.test(relative))?.[1];
      if (area === undefined) {
        unknown.push(`${refl.getFullName()} (${relative || "no source"})`);
        continue;
      }
      refl.comment ??= new Comment();
      refl.comment.blockTags.push(new CommentTag("@category", [{ kind: "text", text: area }]));
    }
    if (unknown.length > 0) {
      app.logger.error(
        `No reference area for: ${unknown.join(", ")}. Add the file to AREAS in ${path.relative(
          ROOT,
          fileURLToPath(import.meta.url),
        )}, or tag the declaration with @category.`,
      );
    }
  });

  // After TypeDoc's own resolving (its plugins run at priority 0 and above).
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      /** @param {import("typedoc").SomeType} type */
      const documented = (type) =>
        !(type instanceof ReferenceType) || type.reflection !== undefined;
      for (const refl of Object.values(context.project.reflections)) {
        if (refl instanceof SignatureReflection || refl instanceof DeclarationReflection) {
          if (refl.implementationOf !== undefined && !documented(refl.implementationOf)) {
            delete refl.implementationOf;
          }
        }
        if (!(refl instanceof DeclarationReflection)) continue;
        if (refl.implementedTypes !== undefined) {
          refl.implementedTypes = refl.implementedTypes.filter(documented);
          if (refl.implementedTypes.length === 0) delete refl.implementedTypes;
        }
      }
      // `_` members are internal by our naming rule; every one must be tagged @internal.
      const underscored = Object.values(context.project.reflections).filter(
        (refl) => /^_[^_]/.test(refl.name) && !refl.kindOf(ReflectionKind.Parameter),
      );
      if (underscored.length > 0) {
        app.logger.error(
          `Internal names in the reference (tag them @internal): ${underscored
            .map((refl) => refl.getFullName())
            .join(", ")}`,
        );
      }
    },
    -300,
  );

  app.renderer.on(MarkdownPageEvent.END, (page) => {
    if (!(page.model instanceof ProjectReflection)) return;
    const router = app.renderer.router;
    if (router === undefined) return;
    /** @type {Map<string, string[]>} */
    const areas = new Map(AREA_ORDER.map((area) => [area, []]));
    for (const module of page.model.getChildrenByKind(ReflectionKind.Module)) {
      for (const category of module.categories ?? []) {
        const lines = areas.get(category.title) ?? [];
        for (const child of category.children) {
          const link = router.relativeUrl(page.model, child);
          const where = module.name === "giambio" ? "" : ` (from \`${module.name}\`)`;
          lines.push(`- [${child.name}](${link})${where}${summary(child)}`);
        }
        areas.set(category.title, lines);
      }
    }
    const sections = [...areas]
      .filter(([, lines]) => lines.length > 0)
      .map(([area, lines]) => `## ${area}\n\n${lines.join("\n")}\n`);
    const modules = page.model
      .getChildrenByKind(ReflectionKind.Module)
      .map((module) => `\`${module.name}\``);
    page.contents = [
      "---",
      "group: Reference",
      "order: 3",
      "---",
      "",
      "# Reference",
      "",
      `Every public name of ${modules.join(", ").replace(/, ([^,]*)$/, " and $1")}, by area,`,
      "generated from the TSDoc in the sources. The [guides](../guide/) explain how the",
      "pieces fit together.",
      "",
      ...sections,
    ].join("\n");
  });
}

/**
 * A name's first sentence, for the front page, as ": sentence"; "" without one.
 * @param {import("typedoc").DeclarationReflection | import("typedoc").DocumentReflection} refl
 */
function summary(refl) {
  const signature = refl instanceof DeclarationReflection ? refl.signatures?.[0] : undefined;
  const comment = [refl.comment, signature?.comment].find(
    (c) => c !== undefined && c.summary.length > 0,
  );
  if (comment === undefined) return "";
  const text = comment.summary
    .map((part) => part.text)
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  const sentence = /^(.*?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
  return sentence === "" ? "" : `: ${sentence}`;
}
