/**
 * Reading what a child process prints, line by line, as it arrives.
 */
import type { Readable } from "node:stream";

/** Calls `onLine` with each line `stream` gives (without its newline), as soon as it is whole. */
export function onLines(stream: Readable, onLine: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      onLine(line);
    }
  });
}
