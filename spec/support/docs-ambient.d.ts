/**
 * Names that the docs' `<!-- fragment -->` blocks (and the TSDoc examples that are
 * fragments, see spec/tsdoc-examples.spec.ts) may use without defining them: the
 * stand-ins for "your code" in before/after comparisons (a download, a database call).
 * Only fragments see them (they are type-checked, never run); a full example defines
 * everything it uses. Keep the list short and the types plain.
 */
declare function download(url: string): Promise<string>;
declare function fetchUser(id: number): Promise<{ id: number; name: string }>;
declare function fetchPosts(id: number): Promise<string[]>;
declare function fetchFrom(mirror: string): Promise<string>;
declare function saveToDatabase(value: unknown): Promise<void>;
declare function doWork(): Promise<string>;
declare const url: string;
declare const urls: readonly string[];
declare const id: number;
declare const mirrorA: string;
declare const mirrorB: string;
