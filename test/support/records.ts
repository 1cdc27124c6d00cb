import { env } from "cloudflare:workers";

/** The audit rows of an entity, in the order they were written: action and changes. */
export async function auditOf(entityId: string) {
  const { results } = await env.DB.prepare(
    "select action, changes from audit_events where entity_id = ? order by occurred_at, id",
  )
    .bind(entityId)
    .all<{ action: string; changes: string | null }>();
  return results.map((row) => ({
    action: row.action,
    changes: row.changes === null ? null : (JSON.parse(row.changes) as Record<string, unknown>),
  }));
}

export interface ChangeRow {
  entityType: string;
  entityId: string;
  op: string;
  version: number;
  portfolioId: string | null;
  sellerId: string | null;
}

/** The change-log rows of an entity and, for a portfolio, of its items, in commit order. */
export async function changesOf(id: string): Promise<ChangeRow[]> {
  const { results } = await env.DB.prepare(
    `select entity_type as entityType, entity_id as entityId, op, version,
       portfolio_id as portfolioId, seller_id as sellerId
     from changes where entity_id = ?1 or portfolio_id = ?1 order by seq`,
  )
    .bind(id)
    .all<ChangeRow>();
  return results;
}
