/**
 * The table in Markdown, written into a file (docs/performance.md) between
 * `<!-- bench:begin -->` and `<!-- bench:end -->`, laid out as Prettier lays out tables,
 * so that `prettier --check` passes on the result.
 *
 * @module
 */
import * as fs from "node:fs";
import { tableCells, type Line } from "./report.js";

export const BEGIN = "<!-- bench:begin -->";
export const END = "<!-- bench:end -->";

/** Throws unless `file` has both markers, in order (checked before the run starts). */
export function checkMarkers(file: string): void {
  const text = fs.readFileSync(file, "utf8");
  const begin = text.indexOf(BEGIN);
  if (begin < 0 || text.indexOf(END, begin) < 0) {
    throw new Error(`${file} has no ${BEGIN} ... ${END} block to write the table into`);
  }
}

/** Prettier's width of a string: wide East Asian characters count two; we use none. */
function width(s: string): number {
  return [...s].length;
}

/** A pipe table: the label columns left-aligned, the figures right-aligned. */
function renderTable(lines: readonly Line[]): string {
  const { header, rows } = tableCells(lines);
  const all = [header, ...rows];
  const left = new Set([0, 2, header.length - 2, header.length - 1]);
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => width(r[i] ?? ""))));
  const pad = (c: string, i: number): string => {
    const fill = " ".repeat((widths[i] ?? 0) - width(c));
    return left.has(i) ? c + fill : fill + c;
  };
  const row = (r: readonly string[]): string => `| ${r.map(pad).join(" | ")} |`;
  const rule = widths.map((w, i) => (left.has(i) ? "-".repeat(w) : `${"-".repeat(w - 1)}:`));
  return [row(header), `| ${rule.join(" | ")} |`, ...rows.map(row)].join("\n");
}

/**
 * Replaces what is between the markers in `file` with `heading` and `footer` (each a list
 * of sentences, written as bullets) around the table.
 */
export function writeMarkdown(
  file: string,
  heading: readonly string[],
  lines: readonly Line[],
  footer: readonly string[],
): void {
  const text = fs.readFileSync(file, "utf8");
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END, begin);
  if (begin < 0 || end < 0) throw new Error(`${file} lost its ${BEGIN} ... ${END} block`);
  const bullets = (sentences: readonly string[]): string =>
    sentences.map((t) => `- ${t}`).join("\n");
  const block = [BEGIN, "", bullets(heading), "", renderTable(lines), "", bullets(footer), "", END];
  fs.writeFileSync(file, text.slice(0, begin) + block.join("\n") + text.slice(end + END.length));
}
