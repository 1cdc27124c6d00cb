import { DrizzleQueryError } from "drizzle-orm/errors";

/**
 * What an unexpected error may put in a log line. A failed Drizzle query's message (and so
 * the head of its stack) is "Failed query: <sql> params: <values>": the values are emails,
 * search terms, whatever the request bound. So a query error is logged by its class and
 * stack frames only; messages come from the causes beneath it (D1's and SQLite's own
 * text, which names tables and columns, never bound values).
 */

/** How deep an error.cause chain is followed; a cycle or a runaway chain stops here. */
const MAX_CAUSES = 8;

/** The error and its causes, outermost first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < MAX_CAUSES) {
    if (chain.includes(current)) break;
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/** The class of an error ("DrizzleQueryError", "TypeError"), whatever its `name` says. */
const classOf = (error: unknown) =>
  error instanceof Error ? error.constructor?.name || error.name : typeof error;

/** The message of one link of the chain, or undefined when it may carry request data. */
function safeMessage(error: unknown): string | undefined {
  if (error instanceof DrizzleQueryError) return undefined;
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : undefined;
}

/**
 * The `at …` frames of a stack, without its head. The head repeats the message, so it is
 * cut off by its exact text, not by line: a bound value may itself contain a newline
 * followed by something that looks like a frame. An unexpected layout yields no frames.
 */
function stackFrames(error: unknown): string[] {
  if (!(error instanceof Error) || typeof error.stack !== "string") return [];
  const head = String(error);
  if (!error.stack.startsWith(head)) return [];
  return error.stack
    .slice(head.length)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "));
}

/** The messages of the error and its causes that are safe to read and to log. */
export function causeMessages(error: unknown): string[] {
  return causeChain(error)
    .map(safeMessage)
    .filter((message) => message !== undefined);
}

export interface ErrorDescription {
  /** The classes of the chain, outermost first: "DrizzleQueryError ← Error". */
  error: string;
  /** The innermost message safe to log: for a failed query, the database's own complaint. */
  reason?: string;
  /** Where it was thrown (outermost error) and where it started (root cause). */
  stack: string[];
  causeStack?: string[];
}

export function describeError(error: unknown): ErrorDescription {
  const chain = causeChain(error);
  const root = chain.at(-1);
  return {
    error: chain.map(classOf).join(" ← "),
    reason: causeMessages(error).at(-1),
    stack: stackFrames(error),
    causeStack: root !== error ? stackFrames(root) : undefined,
  };
}
