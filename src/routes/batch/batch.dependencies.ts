/**
 * When an operation of a batch depends on an earlier one that failed: it names (in its
 * path, or anywhere in its body as a string) an id the failed one's path named. Such an
 * operation is not run; it then counts as failed itself, so the rule is transitive.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An operation that did not succeed, and the ids its path names. */
export interface Failure {
  index: number;
  ids: string[];
}

/** The ids a path names: its UUID-like segments (lower-cased: they are compared so). */
export const idsNamedBy = (path: string) =>
  path
    .split("/")
    .filter((segment) => UUID.test(segment))
    .map((segment) => segment.toLowerCase());

/**
 * The string values of a JSON value, however deep, and how deep it nests (a scalar is 0).
 * Walked with a stack of its own, not by recursion: a body may nest deeper than the call
 * stack goes.
 */
export function jsonFacts(value: unknown): { strings: string[]; depth: number } {
  const strings: string[] = [];
  let depth = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, level] = next;
    if (typeof item === "string") strings.push(item);
    if (typeof item !== "object" || item === null) continue;
    depth = Math.max(depth, level + 1);
    for (const child of Object.values(item)) pending.push([child, level + 1]);
  }
  return { strings, depth };
}

/**
 * The earliest failure `operation` depends on, and the id that ties them; undefined when
 * it depends on none.
 */
export function dependencyOf(
  operation: { path: string; body?: unknown },
  failures: readonly Failure[],
): { index: number; id: string } | undefined {
  if (failures.length === 0) return undefined;
  const mentions = [operation.path, ...jsonFacts(operation.body).strings].map((text) =>
    text.toLowerCase(),
  );
  for (const { index, ids } of failures) {
    const id = ids.find((failed) => mentions.some((text) => text.includes(failed)));
    if (id !== undefined) return { index, id };
  }
  return undefined;
}
