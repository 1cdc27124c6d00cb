// Renders the ER diagram in docs/data-model.md from the Drizzle schema, so the picture
// cannot drift from the tables: `npm run docs:er` rewrites it, a test fails when stale.
import { readFile, writeFile } from "node:fs/promises";
import { getTableName } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { allTables } from "../src/db/tables";

/** What each foreign key means, keyed `table.column`. Every foreign key needs a line. */
export const relationshipMeanings: Record<string, { label: string; meaning: string }> = {
  "portfolio_items.portfolio_id": {
    label: "lists",
    meaning:
      "A portfolio lists many products through its items; deleting the portfolio row removes its items.",
  },
  "portfolio_items.product_id": {
    label: "appears in",
    meaning: "A product appears in many portfolios; an item may override the product's list price.",
  },
  "establishments.portfolio_id": {
    label: "is carried by",
    meaning:
      "An establishment carries at most one portfolio, and many establishments share the same one (null when it carries none).",
  },
  "establishments.city_code": {
    label: "is located in",
    meaning:
      "An establishment is in one DIVIPOLA municipality (DANE code and name stored with it; null only on rows from before places were validated).",
  },
  "establishments.department_code": {
    label: "is in",
    meaning: "An establishment is in one department, the one its municipality belongs to.",
  },
  "municipalities.department_code": {
    label: "contains",
    meaning:
      "A department (DIVIPOLA, 2 digits) contains many municipalities (5 digits, its 2 first).",
  },
  "establishment_sellers.establishment_id": {
    label: "is visited via",
    meaning: "An establishment is on the route of zero or more sellers.",
  },
  "establishment_sellers.seller_id": {
    label: "visits via",
    meaning:
      "A seller (a user with role seller) has many establishments on their route; this is what scopes a seller's reads.",
  },
  "audit_events.actor_id": {
    label: "performed",
    meaning:
      "A user performed many audited actions; null for actions without an authenticated actor.",
  },
  "idempotency_keys.user_id": {
    label: "sent",
    meaning:
      "A user's Idempotency-Key records: a retried create replays the first response instead of creating twice.",
  },
  "sessions.user_id": {
    label: "signs in as",
    meaning:
      "A user's sessions (refresh-token families): the current token's hash, lifetimes and revocation, changed only by conditional UPDATEs; the tokens themselves are looked up in KV.",
  },
  "sign_in_throttles.user_id": {
    label: "is throttled in",
    meaning:
      "A user's sign-in buckets: one per known network and `*` for all others, each allowing 10 password evaluations per 15 minutes.",
  },
  "known_networks.user_id": {
    label: "signed in from",
    meaning:
      "Networks (IPv4 address or IPv6 /64) a user signed in from in the last 90 days: each gets its own sign-in bucket.",
  },
  "password_resets.user_id": {
    label: "may reset with",
    meaning:
      "At most one temporary password support issued to a user: signing in with it only allows setting a new password.",
  },
  "password_resets.issued_by": {
    label: "issued",
    meaning:
      "The admin or support member who issued a temporary password; null once their account is deleted.",
  },
  "imports.actor_id": {
    label: "started",
    meaning: "The user who started a bulk import; null once their account is deleted.",
  },
  "import_chunks.import_id": {
    label: "is staged in",
    meaning:
      "A bulk import job's rows as uploaded, in chunks, until the job has applied them; deleting the import removes them.",
  },
  "import_rows.import_id": {
    label: "reports",
    meaning:
      "Each row's outcome of a bulk import (created, updated, unchanged or rejected, with its errors); deleting the import removes them.",
  },
};

const tables = allTables
  .map((table) => getTableConfig(table))
  .sort((a, b) => a.name.localeCompare(b.name));

export function renderErDiagram(): string {
  const lines = ["```mermaid", "erDiagram"];
  const meanings: string[] = [];
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      const ref = fk.reference();
      const column = ref.columns[0]!;
      const key = `${table.name}.${column.name}`;
      const described = relationshipMeanings[key];
      if (!described) throw new Error(`No meaning written for the foreign key ${key}`);
      // Parent side: exactly one when the column is NOT NULL, else zero or one.
      const parent = column.notNull ? "||" : "|o";
      lines.push(
        `  ${getTableName(ref.foreignTable)} ${parent}--o{ ${table.name} : "${described.label}"`,
      );
      meanings.push(
        `- **${getTableName(ref.foreignTable)} → ${table.name}** (\`${key}\`): ${described.meaning}`,
      );
    }
  }
  for (const table of tables) {
    const primary = new Set([
      ...table.columns.filter((c) => c.primary).map((c) => c.name),
      ...(table.primaryKeys[0]?.columns.map((c) => c.name) ?? []),
    ]);
    const foreign = new Set(table.foreignKeys.map((fk) => fk.reference().columns[0]!.name));
    const unique = new Set(
      table.indexes
        .filter((index) => index.config.unique && index.config.columns.length === 1)
        .flatMap((index) => index.config.columns.map((c) => ("name" in c ? c.name : ""))),
    );
    lines.push(`  ${table.name} {`);
    for (const column of table.columns) {
      const keys = [
        primary.has(column.name) && "PK",
        foreign.has(column.name) && "FK",
        unique.has(column.name) && "UK",
      ].filter(Boolean);
      const nullable = column.notNull ? "" : ' "nullable"';
      lines.push(
        `    ${column.getSQLType()} ${column.name}${keys.length ? ` ${keys.join(", ")}` : ""}${nullable}`,
      );
    }
    lines.push("  }");
  }
  lines.push("```", "", ...meanings);
  return lines.join("\n");
}

export const BEGIN = "<!-- er-diagram:begin (generated by `npm run docs:er`) -->";
export const END = "<!-- er-diagram:end -->";
export const DOC_PATH = new URL("../docs/data-model.md", import.meta.url);

export function withDiagram(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`docs/data-model.md lacks the ${BEGIN} … ${END} markers`);
  return `${doc.slice(0, start + BEGIN.length)}\n${renderErDiagram()}\n${doc.slice(end)}`;
}

if (process.argv.includes("--write")) {
  const doc = await readFile(DOC_PATH, "utf8");
  await writeFile(DOC_PATH, withDiagram(doc));
  console.log("docs/data-model.md: ER diagram regenerated");
}
