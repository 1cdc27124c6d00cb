// Bulk import at the benchmark's size (POST /imports/{entity}): an admin loads the national data
// set (bench/seed.mjs, STANDARD) from CSV files through the API alone, on a fresh local D1
// that holds only that admin, created as a deployment creates its first one
// (`npm run user:create`). Each file is streamed from disk, first as a dry run and then
// for real, in dependency order; a file past the API's 5,000 rows is a job, polled to the
// end. What was loaded is read back through the CSV exports and compared with what was
// generated, one file is sent again (every row must come back unchanged), and a large
// store file goes through the job path while workerd's memory is sampled.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminClient, readWhile, sampleMemory, secondsSince, sendFile } from "./import-client.mjs";
import { EXCEL_CO, nationalDataSet, PLAIN, readCsv, storeCode, writeCsv } from "./import-files.mjs";
import { d1File, env, serve } from "./lib.mjs";
import { ADMIN_EMAIL, BENCH_PASSWORD, BRIEF_SCALE, STANDARD } from "./seed.mjs";

const perSecond = (rows, seconds) => (seconds > 0 ? Math.round(rows / seconds) : null);

/**
 * The first admin, in a fresh local D1 under `state`, as a real deployment makes it:
 * `npm run user:create` (scripts/user-create.ts applies the migrations first), the
 * password piped in.
 */
function createFirstAdmin(state) {
  execFileSync(
    "npx",
    [
      "tsx",
      "scripts/user-create.ts",
      "--email",
      ADMIN_EMAIL,
      "--role",
      "admin",
      "--first-name",
      "Bench",
      "--last-name",
      "Admin",
      "--password-stdin",
    ],
    { env: { ...env, PORTAFOLIO_PERSIST_TO: state }, input: BENCH_PASSWORD, stdio: "pipe" },
  );
}

/** What an import's counts should be: `outcome` for every row, nothing rejected. */
function checkOutcome(label, record, rows, outcome) {
  const counts = ["created", "updated", "unchanged", "rejected"].map((k) => `${k} ${record[k]}`);
  return record.status === "completed" && record.rowsTotal === rows && record[outcome] === rows
    ? []
    : [`${label}: ${record.status}, ${rows} rows sent, ${record.rowsTotal} read; ${counts}`];
}

/**
 * The rows of `expected` (key → fields) against an export's rows, by `keyOf`: how many
 * are missing, extra, or differ in a field; the first few, to say which.
 */
function compare(label, expected, exported, keyOf) {
  const problems = [];
  const seen = new Set();
  for (const row of exported) {
    const key = keyOf(row);
    const want = expected.get(key);
    if (!want) problems.push(`${key} was not imported`);
    else {
      seen.add(key);
      for (const [field, value] of Object.entries(want))
        if (row[field] !== String(value ?? ""))
          problems.push(`${key} ${field}: ${row[field]} ≠ ${value}`);
    }
  }
  for (const key of expected.keys()) if (!seen.has(key)) problems.push(`${key} is missing`);
  return problems.length === 0
    ? []
    : [`${label}: ${problems.length} differences (${problems.slice(0, 3).join("; ")})`];
}

/** A store row of the files as the export shows it (its code is the key). */
const storeFields = ([, name, kind, address, cityCode, departmentCode, portfolioId]) => ({
  name,
  kind,
  address,
  cityCode,
  departmentCode,
  portfolioId,
});

/**
 * The national data set loaded file by file, in the order each needs the one before:
 * users, products, portfolios (one POST each: they have no import), establishments
 * (carrying the portfolios' ids), portfolio items (by portfolio name and sku), seller
 * assignments (by store code and seller email). Each file a dry run, then for real.
 */
async function loadDataSet(call, data, file, failures) {
  const steps = [];
  const load = async (entity, name, rows) => {
    const dry = await sendFile(call, entity, file(name), { dryRun: true });
    failures.push(...checkOutcome(`${entity} dry run`, dry.record, rows, "created"));
    const real = await sendFile(call, entity, file(name));
    failures.push(...checkOutcome(`${entity} import`, real.record, rows, "created"));
    steps.push({
      entity,
      file: name,
      bytes: statSync(file(name)).size,
      rows,
      path: real.path,
      dryRunSeconds: dry.seconds,
      dryRunRowsPerSecond: perSecond(rows, dry.seconds),
      seconds: real.seconds,
      rowsPerSecond: perSecond(rows, real.seconds),
      // A job's end as this process saw it, polling through the dev proxy.
      ...(real.path === "job" && {
        dryRunObservedSeconds: dry.observedSeconds,
        observedSeconds: real.observedSeconds,
      }),
    });
    process.stdout.write(`${entity} ${perSecond(rows, real.seconds)} rows/s… `);
  };

  await load("users", "users.csv", data.users.rows.length);
  await load("products", "products.csv", data.products.rows.length);
  const portfolioIds = [];
  const t0 = performance.now();
  for (const name of data.portfolioNames) {
    const response = await call("POST", "/portfolios", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name }),
      expect: [201],
    });
    portfolioIds.push(/** @type {{ id: string }} */ (await response.json()).id);
  }
  const seconds = secondsSince(t0);
  steps.push({
    entity: "portfolios",
    file: "POST /portfolios",
    bytes: null,
    rows: portfolioIds.length,
    path: "POST",
    dryRunSeconds: null,
    dryRunRowsPerSecond: null,
    seconds,
    rowsPerSecond: perSecond(portfolioIds.length, seconds),
  });
  // The seed's store e carries portfolio e % 50 + 1: storeRows takes them in that order.
  const carried = [portfolioIds.at(-1) ?? "", ...portfolioIds.slice(0, -1)];
  const stores = { prefix: "EST", count: data.stores, portfolioIds: carried };
  await writeCsv(file("establishments.csv"), data.storeHeader, data.storeRows(stores), EXCEL_CO);
  await load("establishments", "establishments.csv", data.stores);
  await load("portfolio-items", "portfolio-items.csv", data.items.rows.length);
  await load("seller-assignments", "seller-assignments.csv", data.assignments.rows.length);

  const sum = (key) => Math.round(steps.reduce((n, s) => n + (s[key] ?? 0), 0) * 100) / 100;
  const rows = sum("rows");
  const total = {
    rows,
    seconds: sum("seconds"),
    rowsPerSecond: perSecond(rows, sum("seconds")),
    dryRunSeconds: sum("dryRunSeconds"),
  };
  return { steps, total, portfolioIds, stores };
}

/**
 * Every user, product, store (with its route) and item read back through the CSV exports
 * and compared field by field with what the files held; how many rows each export gave.
 */
async function verifyDataSet(call, data, { portfolioIds, stores }, failures) {
  const exported = async (path) =>
    readCsv(await (await call("GET", `/stats/export/${path}`)).text());
  const read = {
    users: await exported("users?role=seller"),
    products: await exported("products"),
    establishments: await exported("establishments"),
    portfolioItems: await exported("portfolio-items"),
  };
  const sellerIdOf = new Map(read.users.map((u) => [u.email, u.id]));
  const sellerOfStore = new Map(data.assignments.rows.map(([code, email]) => [code, email]));
  const portfolioIdOf = new Map(data.portfolioNames.map((name, i) => [name, portfolioIds[i]]));
  const expected = {
    users: new Map(
      data.users.rows.map(([email, firstName, lastName]) => [email, { firstName, lastName }]),
    ),
    products: new Map(
      data.products.rows.map(([sku, name, category, unit, price]) => [
        sku,
        { name, category, unit, price },
      ]),
    ),
    // Each store's route is the one seller seller-assignments.csv gave it.
    establishments: new Map(
      [...data.storeRows(stores)].map((row) => [
        row[0],
        { ...storeFields(row), sellerIds: sellerIdOf.get(sellerOfStore.get(row[0])) },
      ]),
    ),
    portfolioItems: new Map(
      data.items.rows.map(([name, sku, price, position]) => [
        `${portfolioIdOf.get(String(name))} ${sku}`,
        { price, position },
      ]),
    ),
  };
  failures.push(
    ...compare("users", expected.users, read.users, (u) => u.email),
    ...compare("products", expected.products, read.products, (p) => p.sku),
    ...compare("establishments", expected.establishments, read.establishments, (e) => e.code),
    ...compare(
      "portfolio items",
      expected.portfolioItems,
      read.portfolioItems,
      (i) => `${i.portfolioId} ${i.sku}`,
    ),
  );
  return Object.fromEntries(Object.entries(read).map(([k, rows]) => [k, rows.length]));
}

/**
 * A store file of `rows` rows laid out as the brief's data set (12,000 sellers' towns),
 * sent as one job while workerd's memory is sampled and an admin reads now and then; its
 * first, middle and last stores read back.
 */
async function measureJob(call, server, data, { file, rows, portfolioIds, state }, failures) {
  const stores = { prefix: "JOB", count: rows, layout: BRIEF_SCALE, portfolioIds };
  const path = file(`establishments-${rows}.csv`);
  await writeCsv(path, data.storeHeader, data.storeRows(stores), PLAIN);
  process.stdout.write(`${rows}-row job… `);
  const stopSampling = sampleMemory(server);
  const stopReading = readWhile(call);
  const job = await sendFile(call, "establishments", path);
  const memory = stopSampling();
  const readsDuringJob = await stopReading();
  failures.push(...checkOutcome(`${rows}-row establishments job`, job.record, rows, "created"));
  if (job.path !== "job") failures.push(`${rows}-row establishments file: not a job`);
  const spot = new Set([1, Math.ceil(rows / 2), rows].map((e) => storeCode("JOB", e)));
  for (const row of data.storeRows(stores)) {
    const code = String(row[0]);
    if (!spot.has(code)) continue;
    const response = await call("GET", `/stats/export/establishments?code=${code}`);
    const read = readCsv(await response.text());
    failures.push(
      ...compare(`store ${code}`, new Map([[code, storeFields(row)]]), read, (e) => e.code),
    );
  }
  return {
    entity: "establishments",
    rows,
    bytes: statSync(path).size,
    path: job.path,
    uploadSeconds: job.uploadSeconds,
    seconds: job.seconds,
    observedSeconds: job.observedSeconds,
    rowsPerSecond: perSecond(rows, job.seconds),
    memory,
    readsDuringJob,
    /** The local D1's SQLite file (and WAL) once everything is loaded. */
    databaseBytes: d1File(state).bytes,
  };
}

/**
 * @param {{ jobRows: number }} options  the size of the store file sent as a job
 *   (300,000 in the full run: the brief's scale; fewer in --short)
 */
export async function measureImport({ jobRows }) {
  const state = mkdtempSync(join(tmpdir(), "portafolio-bench-import-"));
  const dir = join(state, "files");
  mkdirSync(dir);
  const file = (name) => join(dir, name);
  const failures = [];
  /** @type {{ stop: () => Promise<unknown> } | null} */
  let api = null;
  try {
    const data = nationalDataSet(STANDARD);
    await writeCsv(file("users.csv"), data.users.header, data.users.rows, EXCEL_CO);
    await writeCsv(file("products.csv"), data.products.header, data.products.rows, PLAIN);
    await writeCsv(file("portfolio-items.csv"), data.items.header, data.items.rows, PLAIN);
    const { header, rows } = data.assignments;
    await writeCsv(file("seller-assignments.csv"), header, rows, EXCEL_CO);

    createFirstAdmin(state);
    const server = await serve(["--persist-to", state], "API (import)", { devtools: false });
    api = server;
    const call = await adminClient(server);

    const loaded = await loadDataSet(call, data, file, failures);
    const verified = await verifyDataSet(call, data, loaded, failures);

    // The catalogue sent again, as an ERP sends it every night: nothing to do.
    const again = await sendFile(call, "products", file("products.csv"));
    const products = data.products.rows.length;
    failures.push(...checkOutcome("products sent again", again.record, products, "unchanged"));
    const reimport = {
      entity: "products",
      rows: products,
      path: again.path,
      seconds: again.seconds,
      rowsPerSecond: perSecond(products, again.seconds),
      unchanged: again.record.unchanged,
    };

    const job = await measureJob(
      call,
      server,
      data,
      { file, rows: jobRows, portfolioIds: loaded.stores.portfolioIds, state },
      failures,
    );
    return {
      dataSet: loaded.total,
      steps: loaded.steps,
      /** Rows each export gave back, every one compared field by field with the files. */
      verified,
      reimport,
      job,
      /** GET /health sent while a request waited (NUDGE_MS in import-client.mjs). */
      nudges: call.nudges(),
      failures,
    };
  } finally {
    await api?.stop();
    rmSync(state, { recursive: true, force: true });
  }
}
