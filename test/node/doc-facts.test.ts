import { access, readdir, readFile } from "node:fs/promises";
import { getTableName } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { TEMPORARY_PASSWORD_TTL_SECONDS } from "../../src/auth/password-reset";
import { PBKDF2_ITERATIONS } from "../../src/auth/passwords";
import { SESSION_IDLE_SECONDS, SESSION_LIFETIME_SECONDS } from "../../src/auth/sessions";
import { ATTEMPTS_PER_WINDOW, WINDOW_SECONDS } from "../../src/auth/throttle";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  CLOCK_TOLERANCE_SECONDS,
  PASSWORD_CHANGE_TOKEN_TTL_SECONDS,
} from "../../src/auth/tokens";
import {
  CHANGE_LOG_RETENTION_DAYS,
  IMPORT_ROWS_RETENTION_DAYS,
  REFRESH_AUDIT_RETENTION_DAYS,
} from "../../src/db/maintenance";
import { KNOWN_NETWORK_DAYS } from "../../src/db/schema";
import { OVERVIEW_REFRESH_CRON } from "../../src/db/stats";
import { allTables } from "../../src/db/tables";
import { IDEMPOTENCY_TTL_MS } from "../../src/lib/idempotency-key";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../../src/lib/pagination";
import { IMPORT_SYNC_ROWS } from "../../src/request/import-run";
import { MAX_OPERATIONS } from "../../src/routes/batch/batch.schemas";
import { SYNC_MAX_LIMIT } from "../../src/routes/sync/sync.schemas";
import { ROLE_MATRIX, ROLES } from "../support/role-matrix";

/**
 * The figures the documents state that the code can change: each is read from its source
 * constant (or wrangler.toml) and must be in the documents as written below, so a change
 * to the code that makes a document false fails here. Whitespace is normalised (the
 * Markdown wraps lines); numbers are written as each language writes them.
 */
const root = new URL("../../", import.meta.url);
const read = async (path: string) =>
  (await readFile(new URL(path, root), "utf8")).replace(/\s+/g, " ");
const docNames = [
  "README.md",
  ...(await readdir(new URL("docs/", root)))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
  "docs/es/prueba-tecnica.md",
];
const docs: Record<string, string> = Object.fromEntries(
  await Promise.all(docNames.map(async (n) => [n, await read(n)] as const)),
);
const wrangler = await readFile(new URL("wrangler.toml", root), "utf8");

const en = (n: number) => n.toLocaleString("en-US");
const es = (n: number) => n.toLocaleString("es-CO");
const unit = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const MINUTE = 60;
const DAY = 24 * 3600;

const loginLimit =
  /name = "LOGIN_IP_LIMITER"[^[]*simple = \{ limit = (\d+), period = (\d+) \}/.exec(wrangler);
const [signInsPerPeriod, ratePeriod] = [Number(loginLimit?.[1]), Number(loginLimit?.[2])];
const crons = JSON.parse(/crons = (\[.*\])/.exec(wrangler)?.[1] ?? "[]") as string[];

/** [document, the phrase it must contain] for every figure. */
const claims: Record<string, [doc: string, phrase: string][]> = {
  "access-token lifetime": [
    ["docs/security.md", `\`exp\` (${ACCESS_TOKEN_TTL_SECONDS / MINUTE} minutes)`],
    ["docs/infrastructure.md", `RFC 9068) for ${ACCESS_TOKEN_TTL_SECONDS / MINUTE} minutes`],
    [
      "docs/availability.md",
      `one per access-token lifetime (${ACCESS_TOKEN_TTL_SECONDS / MINUTE} minutes)`,
    ],
    ["docs/es/prueba-tecnica.md", `vive **${ACCESS_TOKEN_TTL_SECONDS / MINUTE} minutos**`],
    [
      "docs/deploy.md",
      `Access tokens live ${ACCESS_TOKEN_TTL_SECONDS / MINUTE} minutes (${CLOCK_TOLERANCE_SECONDS} s clock skew allowed)`,
    ],
    // The rotation waits out the last token signed by the old key, and the clock skew.
    ["docs/deploy.md", `after ${ACCESS_TOKEN_TTL_SECONDS / MINUTE + 1} minutes or more`],
    [
      "docs/security.md",
      `once the old key's last token has expired (${ACCESS_TOKEN_TTL_SECONDS / MINUTE} minutes)`,
    ],
    [
      "docs/es/prueba-tecnica.md",
      `una renovación del token cada ${ACCESS_TOKEN_TTL_SECONDS / MINUTE} minutos`,
    ],
  ],
  "session lifetimes": [
    [
      "docs/security.md",
      `absolute ${SESSION_LIFETIME_SECONDS / DAY} days from sign-in; idle ${SESSION_IDLE_SECONDS / DAY} days`,
    ],
    [
      "docs/availability.md",
      `refresh tokens live ${SESSION_LIFETIME_SECONDS / DAY} days (${SESSION_IDLE_SECONDS / DAY} idle)`,
    ],
    ["docs/availability.md", `sessions last ${SESSION_LIFETIME_SECONDS / DAY} days`],
    [
      "docs/es/prueba-tecnica.md",
      `dura **${SESSION_LIFETIME_SECONDS / DAY} días** desde el ingreso y caduca tras **${SESSION_IDLE_SECONDS / DAY} días** sin uso`,
    ],
  ],
  "password-change token lifetime": [
    [
      "docs/security.md",
      `\`password-change+jwt\`, ${PASSWORD_CHANGE_TOKEN_TTL_SECONDS / MINUTE} minutes)`,
    ],
  ],
  "temporary password lifetime": [
    [
      "docs/security.md",
      `valid for **${unit(TEMPORARY_PASSWORD_TTL_SECONDS / 3600, "hour", "hours")}**`,
    ],
    [
      "docs/operations.md",
      `(shown once, ${unit(TEMPORARY_PASSWORD_TTL_SECONDS / 3600, "hour", "hours")};`,
    ],
    [
      "docs/es/prueba-tecnica.md",
      `contraseña temporal de ${unit(TEMPORARY_PASSWORD_TTL_SECONDS / 3600, "hora", "horas")}`,
    ],
  ],
  "sign-in throttle": [
    [
      "docs/security.md",
      `at most ${ATTEMPTS_PER_WINDOW} passwords per bucket are evaluated per ${WINDOW_SECONDS / MINUTE}-minute window`,
    ],
    [
      "docs/data-model.md",
      `each allowing ${ATTEMPTS_PER_WINDOW} password evaluations per ${WINDOW_SECONDS / MINUTE} minutes`,
    ],
    [
      "docs/infrastructure.md",
      `${ATTEMPTS_PER_WINDOW} password evaluations per ${WINDOW_SECONDS / MINUTE} minutes per bucket`,
    ],
    [
      "docs/es/prueba-tecnica.md",
      `a lo sumo ${ATTEMPTS_PER_WINDOW} contraseñas evaluadas por ventana de ${WINDOW_SECONDS / MINUTE} minutos`,
    ],
  ],
  "known networks": [
    ["docs/security.md", `within ${KNOWN_NETWORK_DAYS} days`],
    ["docs/data-model.md", `in the last ${KNOWN_NETWORK_DAYS} days`],
    ["docs/infrastructure.md", `networks unused for ${KNOWN_NETWORK_DAYS} days`],
  ],
  "sign-ins per network": [
    [
      "docs/security.md",
      `allows ${signInsPerPeriod} sign-ins ${ratePeriod === 60 ? "a minute" : `per ${ratePeriod} seconds`} per network`,
    ],
    [
      "docs/infrastructure.md",
      `${signInsPerPeriod} ${ratePeriod === 60 ? "a minute" : `per ${ratePeriod} seconds`} per client network`,
    ],
    [
      "docs/availability.md",
      `${signInsPerPeriod} ${ratePeriod === 60 ? "a minute" : `per ${ratePeriod} seconds`} per network`,
    ],
    [
      "docs/es/prueba-tecnica.md",
      `${signInsPerPeriod} ingresos ${ratePeriod === 60 ? "por minuto" : `cada ${ratePeriod} segundos`} por red`,
    ],
  ],
  "page sizes": [
    ["README.md", `Lists take \`limit\` (1–${MAX_LIMIT}, default ${DEFAULT_LIMIT})`],
    ["docs/es/prueba-tecnica.md", `\`limit\` de 1–${MAX_LIMIT} (${DEFAULT_LIMIT} por omisión)`],
    ["docs/offline.md", `\`limit\` is 1..${SYNC_MAX_LIMIT} (default ${SYNC_MAX_LIMIT})`],
    ["docs/offline.md", `Up to ${MAX_OPERATIONS} operations`],
    ["README.md", `up to ${MAX_OPERATIONS} writes recorded offline`],
  ],
  "imports applied whole": [
    ["README.md", `up to ${en(IMPORT_SYNC_ROWS)} rows all or nothing`],
    ["docs/infrastructure.md", `bulk imports over ${en(IMPORT_SYNC_ROWS)} rows`],
    ["docs/es/prueba-tecnica.md", `Hasta ${es(IMPORT_SYNC_ROWS)} filas se aplican todas o ninguna`],
  ],
  "password hashing": [
    ["docs/security.md", `**${en(PBKDF2_ITERATIONS)} iterations**`],
    ["docs/es/prueba-tecnica.md", `PBKDF2-SHA256 con ${es(PBKDF2_ITERATIONS)} iteraciones`],
  ],
  retention: [
    [
      "docs/infrastructure.md",
      `Idempotency-Key records past ${IDEMPOTENCY_TTL_MS / 1000 / DAY} days`,
    ],
    ["docs/data-model.md", `with an Idempotency-Key, for ${IDEMPOTENCY_TTL_MS / 1000 / DAY} days`],
    ["docs/infrastructure.md", `refresh audit rows past ${REFRESH_AUDIT_RETENTION_DAYS} days`],
    ["docs/operations.md", `(kept ${REFRESH_AUDIT_RETENTION_DAYS} days;`],
    ["docs/infrastructure.md", `change-log rows past ${CHANGE_LOG_RETENTION_DAYS} days`],
    ["docs/data-model.md", `compacted after ${CHANGE_LOG_RETENTION_DAYS} days`],
    [
      "docs/infrastructure.md",
      `import row outcomes ${IMPORT_ROWS_RETENTION_DAYS} days after the import ends`,
    ],
  ],
  "cron schedules": crons.map((cron) => ["docs/infrastructure.md", `\`${cron}\``]),
};

describe("figures in the documents that the code can change", () => {
  it.each(Object.entries(claims))("%s", (_, stated) => {
    expect(stated.length).toBeGreaterThan(0);
    for (const [doc, phrase] of stated)
      expect(docs[doc]?.includes(phrase), `${doc} should state: ${phrase}`).toBe(true);
  });

  it("reads the sign-in limit and the crons from wrangler.toml", () => {
    expect(signInsPerPeriod).toBeGreaterThan(0);
    expect([10, 60]).toContain(ratePeriod);
    expect(crons).toContain(OVERVIEW_REFRESH_CRON);
  });
});

describe("tables named in the documents", () => {
  const schemaTables = allTables.map((table) => getTableName(table)).sort();

  it("docs/data-model.md lists every table of the schema once, and no other", () => {
    const section = docs["docs/data-model.md"]!.split("## Tables")[1]!.split("## ")[0]!;
    const listed = [...section.matchAll(/\| `([a-z_]+)` \|/g)].map((m) => m[1]!);
    expect(listed.sort()).toEqual(schemaTables);
  });

  it("every `name` a document calls a table is one", () => {
    const views = ["session_guard"];
    for (const [name, text] of Object.entries(docs)) {
      const named = [
        ...text.matchAll(/`([a-z][a-z_]*)` (?:table|tabla)/g),
        ...text.matchAll(/\b(?:table|tabla)s? `([a-z][a-z_]*)`/g),
      ].map((m) => m[1]!);
      for (const table of named)
        expect([...schemaTables, ...views], `${name} names the table ${table}`).toContain(table);
    }
  });
});

describe("docs/es/prueba-tecnica.md", () => {
  it("summarises the role matrix the tests hold the API to", () => {
    const cell = (resource: string, role: string) => {
      const routes = Object.entries(ROLE_MATRIX).filter(
        ([route, roles]) => route.split("/")[3] === resource && roles.includes(role),
      );
      const reads = routes.some(([route]) => route.startsWith("GET "));
      const writes = routes.some(([route]) => !route.startsWith("GET "));
      return reads && writes ? "lee y escribe" : reads ? "lee" : writes ? "escribe" : "—";
    };
    const doc = docs["docs/es/prueba-tecnica.md"]!;
    const rows = [...doc.matchAll(/\| ([a-z-]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/g)];
    const documented = Object.fromEntries(
      rows
        .filter(([, resource]) => resource !== "recurso")
        .map(([, resource, ...cells]) => [resource, cells.map((c) => c.trim())]),
    );
    const resources = [
      ...new Set(Object.keys(ROLE_MATRIX).map((route) => route.split("/")[3]!)),
    ].filter((resource) => !["auth", "batch"].includes(resource));
    expect(documented).toEqual(
      Object.fromEntries(
        resources.map((resource) => [resource, ROLES.map((role) => cell(resource, role))]),
      ),
    );
  });

  it("states the load model's figures as docs/availability.md measures them", () => {
    const model = docs["docs/availability.md"]!;
    const row = (what: string) =>
      new RegExp(`\\| ${what} \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|`)
        .exec(model)
        ?.slice(1)
        .map((cell) => cell.trim());
    const [perSeller, , , peakRequests] = row("HTTP requests") ?? [];
    const peakQueries = row("D1 queries \\(statements\\)")?.[3];
    expect([perSeller, peakRequests, peakQueries].every(Boolean)).toBe(true);
    const doc = docs["docs/es/prueba-tecnica.md"]!;
    expect(doc).toContain(`hace ${perSeller} peticiones al día`);
    expect(doc).toContain(`son ${peakRequests} peticiones por segundo`);
    expect(doc).toContain(`D1 ${peakQueries} sentencias por segundo`);
    expect(docs["docs/infrastructure.md"]).toContain(`peak is ${peakQueries} statements a second`);
    expect(model).toContain(`needs ${peakQueries} statements a second`);
  });
});

describe("docs/availability.md", () => {
  it("prices the load model at Cloudflare's published prices", () => {
    const model = docs["docs/availability.md"]!;
    const fleetPerDay = (what: string) =>
      Number(
        new RegExp(`\\| ${what} \\| [^|]+ \\| ([\\d,]+) \\|`).exec(model)?.[1]?.replaceAll(",", ""),
      );
    const WORKING_DAYS = 26;
    const million = (n: number) => (n * WORKING_DAYS) / 1e6;
    // Workers Paid: $5 with 10 M requests, then $0.30 a million; KV: 10 M reads included,
    // then $0.50 a million; 1 M writes included, then $5.00 a million (the pricing pages
    // docs/availability.md links).
    const workers = 5 + Math.max(0, million(fleetPerDay("HTTP requests")) - 10) * 0.3;
    const kvWrites = Math.max(0, million(fleetPerDay("KV writes")) - 1) * 5;
    const kvReads = Math.max(0, million(fleetPerDay("KV reads")) - 10) * 0.5;
    expect(workers).toBeGreaterThan(5);
    expect(model).toContain(`about **$${Math.round(workers)} a month**`);
    expect(model).toContain(`about **$${Math.round(kvWrites)} a month**`);
    expect(model).toContain(`about $${Math.round(kvReads)}.`);
    const total = Math.round(workers + kvWrites + kvReads);
    expect(model).toContain(`about $${total} a month for Workers and KV`);
    expect(docs["docs/es/prueba-tecnica.md"]).toContain(`unos US$ ${total} al mes`);
  });
});

describe("links between the documents", () => {
  it("every relative link in README.md and docs/ points at a file that exists", async () => {
    const broken: string[] = [];
    for (const [name, text] of Object.entries(docs)) {
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const file = new URL(target!.split("#")[0]!, new URL(name, root));
        await access(file).catch(() => broken.push(`${name} → ${target}`));
      }
    }
    expect(broken).toEqual([]);
  });

  it("README.md's 'Architecture and answers' links every answer", () => {
    const section = docs["README.md"]!.split("## Architecture and answers")[1]!.split("## ")[0]!;
    for (const doc of [
      "docs/data-model.md",
      "docs/security.md",
      "docs/infrastructure.md",
      "docs/availability.md",
      "docs/operations.md",
      "docs/deploy.md",
      "docs/es/prueba-tecnica.md",
    ])
      expect(section).toContain(`](${doc})`);
  });
});
