// The worker side of examples/hash-files.ts: what runs on the other cores. It imports
// only Node and `giambio/worker`, so each worker loads little.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { checkCancelled } from "giambio/worker";

/**
 * The SHA-256 of a file, as hex. With `rounds` > 1 the digest is hashed again that many
 * times (key stretching), which makes the work as long as you like; the loop checks for
 * cancellation, so Ctrl-C stops it within a few milliseconds.
 */
export function hashFile(file: string, rounds = 1): string {
  let digest = createHash("sha256").update(readFileSync(file)).digest();
  for (let i = 1; i < rounds; i++) {
    if (i % 1024 === 0) checkCancelled();
    digest = createHash("sha256").update(digest).digest();
  }
  return digest.toString("hex");
}
