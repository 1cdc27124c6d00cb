// Browser test: `npm run dev` serves /dashboard, where an admin signs in and sees the
// figures of GET /api/v1/stats/overview — the same numbers, on a desktop and on a phone —
// and the recent imports with their outcome, with no request leaving localhost and no CSP
// violation; an analyst sees the figures and no imports; a seller is told it is not for
// them. Screenshots go to test-results/ (git-ignored). Needs Debian's chromium.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { startDevServer } from "../e2e/dev-server.mjs";
import { foreignRequests, launchChromium, recordingPage } from "./chromium.mjs";

const OUTPUT = "test-results";

// Fresh users per run: the local database is shared with earlier runs.
const tag = randomUUID().slice(0, 8);
const adminEmail = `dashboard-admin-${tag}@example.co`;
const sellerEmail = `dashboard-seller-${tag}@example.co`;
const analystEmail = `dashboard-analyst-${tag}@example.co`;
const password = "una frase de prueba para el tablero";

let dev;
let origin;
let browser;
/** The overview the API gives once the test's data is in. */
let expected;
/** GET /imports?limit=10 once this run's three imports are made: what the tile should show. */
let recentImports;

const createUser = (email, role) =>
  execFileSync(
    "npx",
    ["tsx", "scripts/user-create.ts", "--email", email, "--role", role, "--password-stdin"],
    { input: password, stdio: "pipe" },
  );

async function api(token, method, path, body) {
  const response = await fetch(`${origin}/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined && { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** `POST /imports/products` with a CSV file, as an admin's tool sends it: status and body. */
async function importProducts(token, rows, query = {}) {
  const file = `${["sku,name,category,unit,price", ...rows].join("\r\n")}\r\n`;
  const response = await fetch(`${origin}/api/v1/imports/products?${new URLSearchParams(query)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
    body: file,
  });
  return { status: response.status, body: await response.json() };
}

before(async () => {
  createUser(adminEmail, "admin");
  createUser(sellerEmail, "seller");
  createUser(analystEmail, "analyst");
  dev = await startDevServer();
  origin = dev.origin;

  // Data through the API: two products, a portfolio, three stores in two departments.
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: adminEmail, password }),
  });
  const { accessToken } = await login.json();
  const product = (n) =>
    api(accessToken, "POST", "/products", {
      sku: `DASH-${tag}-${n}`.toUpperCase(),
      name: `Producto tablero ${n}`,
      category: "tablero",
      unit: "unit",
      price: 1000 * n,
    });
  const seededFrom = Date.now();
  const [p1, p2] = [await product(1), await product(2)];
  const portfolio = await api(accessToken, "POST", "/portfolios", {
    name: `Portafolio tablero ${tag}`,
    items: [{ productId: p1.id }, { productId: p2.id }],
  });
  for (const [city, department, portfolioId] of [
    ["Medellín", "Antioquia", portfolio.id],
    ["Bello", "Antioquia", portfolio.id],
    ["Cali", "Valle del Cauca", undefined],
  ]) {
    await api(accessToken, "POST", "/establishments", {
      name: `Tienda tablero ${tag} ${city}`,
      kind: "tienda",
      address: "Calle 1 # 2-3",
      city,
      department,
      ...(portfolioId && { portfolioId }),
    });
  }
  // Imports, one after another: two products loaded from a file; a dry run of a file with
  // a price that is not a number (one row rejected, nothing written); that file for real,
  // refused whole (all or nothing: the import failed).
  const sku = (n) => `DASH-${tag}-I${n}`.toUpperCase();
  const badFile = [
    `${sku(3)},Producto importado 3,tablero,unit,3500`,
    `${sku(4)},Sin precio,tablero,unit,caro`,
  ];
  const applied = await importProducts(
    accessToken,
    [
      `${sku(1)},Producto importado 1,tablero,unit,1500`,
      `${sku(2)},Producto importado 2,tablero,unit,2500`,
    ],
    { fileName: `catalogo-${tag}.csv` },
  );
  const checked = await importProducts(accessToken, badFile, { dryRun: "true" });
  const refused = await importProducts(accessToken, badFile, { fileName: `catalogo-${tag}-2.csv` });
  assert.deepEqual(
    [applied.status, checked.status, refused.status],
    [200, 200, 400],
    JSON.stringify([applied.body, checked.body, refused.body]),
  );
  recentImports = (await api(accessToken, "GET", "/imports?limit=10")).data;
  // The refused file's import is named only in the problem's detail.
  assert.match(refused.body.detail, new RegExp(`\\(import ${recentImports[0].id}\\)`));
  assert.deepEqual(
    recentImports.slice(1, 3).map((i) => i.id),
    [checked.body.import.id, applied.body.import.id],
    "newest first",
  );

  expected = await api(accessToken, "POST", "/stats/overview/refresh");
  // A refresh within a minute of the last snapshot serves that one (an earlier run of this
  // test): wait out the minute, then the figures include the rows made here.
  const age = Date.now() - Date.parse(expected.generatedAt);
  if (Date.parse(expected.generatedAt) < seededFrom) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 60_000 - age) + 100));
    expected = await api(accessToken, "POST", "/stats/overview/refresh");
  }
  assert.ok(Date.parse(expected.generatedAt) >= seededFrom, "the figures include this run's rows");

  mkdirSync(OUTPUT, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  dev?.stop();
});

async function signIn(page, email) {
  await page.goto(`${origin}/dashboard`);
  assert.equal(new URL(page.url()).pathname, "/dashboard/");
  await page.getByLabel("Correo").fill(email);
  await page.getByLabel("Contraseña").fill(password);
  await page.getByRole("button", { name: "Iniciar sesión" }).click();
}

/**
 * Each row of a dashboard table as its cells: numbers by their raw value, times by their
 * datetime, text as shown.
 */
const rowsOf = (page, name) =>
  page.locator(`table[data-table="${name}"] tbody tr`).evaluateAll((rows) =>
    rows.map((row) =>
      [...row.cells].map((cell) => {
        if (cell.dataset.value !== undefined) return Number(cell.dataset.value);
        return cell.querySelector("time")?.dateTime ?? cell.textContent;
      }),
    ),
  );

/** The imports tile shows this run's three imports, newest first, with their outcome. */
async function assertRecentImports(page) {
  const shown = await rowsOf(page, "imports");
  assert.deepEqual(
    shown.map((row) => row[0]),
    recentImports.map((i) => i.createdAt),
    "the last imports, newest first",
  );
  assert.deepEqual(shown.slice(0, 3), [
    // The refused file wrote nothing: only its rejected row counts, said in Spanish.
    [
      recentImports[0].createdAt,
      "products",
      `catalogo-${tag}-2.csv`,
      "no",
      "fallida: 1 de 2 filas no son válidas; no se escribió nada",
      0,
      0,
      0,
      1,
    ],
    [recentImports[1].createdAt, "products", "—", "sí", "completada", 1, 0, 0, 1],
    [recentImports[2].createdAt, "products", `catalogo-${tag}.csv`, "no", "completada", 2, 0, 0, 0],
  ]);
  // In Colombia's time (UTC−5, no daylight saving), however the browser's clock is set.
  const { createdAt } = recentImports[2];
  const bogota = new Date(Date.parse(createdAt) - 5 * 3600_000);
  const day = `${bogota.getUTCDate()}/${bogota.getUTCMonth() + 1}/${bogota.getUTCFullYear()}`;
  const clock = `:${createdAt.slice(14, 16)}:${createdAt.slice(17, 19)}`;
  const when = page.locator(`table[data-table="imports"] time[datetime="${createdAt}"]`);
  const text = await when.textContent();
  assert.ok(text.startsWith(`${day}, `) && text.includes(clock), `${createdAt} shown as ${text}`);
}

/** Every figure and table of the page is the API's. */
async function assertSameFigures(page) {
  await page.locator('[data-figure="coverage.activeEstablishments"]').waitFor();
  assert.equal(
    await page.locator("#generated-at").getAttribute("datetime"),
    expected.generatedAt,
    "the page shows the same snapshot",
  );
  for (const [name, value] of Object.entries(expected.coverage)) {
    if (name === "withPortfolio") continue;
    const shown = page.locator(`[data-figure="coverage.${name}"]`);
    assert.equal(Number(await shown.getAttribute("data-value")), value, `coverage.${name}`);
  }
  const { establishments, users, products, activity, topProducts, sellers } = expected;
  assert.deepEqual(
    await rowsOf(page, "establishments-by-department"),
    establishments.byDepartment.map((d) => [d.name, d.code ?? "—", d.count]),
  );
  assert.equal(
    await page.locator("#departments svg rect.bar").count(),
    establishments.byDepartment.length,
    "one bar per department",
  );
  assert.deepEqual(
    await rowsOf(page, "top-products"),
    topProducts.map((p) => [p.name, p.sku, p.establishments]),
  );
  assert.deepEqual(
    await rowsOf(page, "activity"),
    activity.days.map((d) => [d.date, d.products, d.establishments, d.portfolios, d.users]),
  );
  assert.deepEqual(
    await rowsOf(page, "users-by-role"),
    users.byRole.map((r) => [r.role, r.active, r.disabled]),
  );
  assert.deepEqual(
    await rowsOf(page, "products-by-category"),
    products.byCategory.map((c) => [c.category, c.count]),
  );
  assert.deepEqual(
    await rowsOf(page, "establishments-by-kind"),
    establishments.byKind.map((k) => [k.kind, k.count]),
  );
  assert.deepEqual(
    (await rowsOf(page, "sellers-by-route-size")).map((row) => row[1]),
    sellers.byRouteSize.map((b) => b.sellers),
  );
}

test("an admin signs in on /dashboard and sees the API's figures, with no inline script", async () => {
  const response = await fetch(`${origin}/dashboard/`);
  const csp = response.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self';/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const html = await response.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "inline <script>");
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, "inline style or event handler");

  const { page, requests, problems } = await recordingPage(browser, {
    viewport: { width: 1280, height: 900 },
  });
  await signIn(page, adminEmail);
  await assertSameFigures(page);
  await assertRecentImports(page);
  await page.locator("#imports").screenshot({ path: `${OUTPUT}/dashboard-imports.png` });
  // The seeded stores show: Antioquia has at least the two made here.
  const antioquia = expected.establishments.byDepartment.find((d) => d.code === "05");
  assert.ok(antioquia && antioquia.count >= 2);
  await page.screenshot({ path: `${OUTPUT}/dashboard-desktop.png`, fullPage: true });
  assert.deepEqual(
    await page.evaluate(() => [localStorage.length, document.cookie]),
    [0, ""],
    "tokens only in this tab's sessionStorage",
  );

  // A CSV download asks the export with the token and saves the file the API streamed.
  const isExport = (r) => new URL(r.url()).pathname === "/api/v1/stats/export/users";
  const [exportRequest, exportResponse, download] = await Promise.all([
    page.waitForRequest(isExport),
    page.waitForResponse(isExport),
    page.waitForEvent("download"),
    page.locator('#users button[data-export="users"]').click(),
  ]);
  assert.match((await exportRequest.allHeaders()).authorization ?? "", /^Bearer /);
  assert.equal(exportResponse.status(), 200);
  assert.equal(exportResponse.headers()["content-type"], "text/csv; charset=utf-8");
  assert.equal(download.suggestedFilename(), "users.csv");
  const saved = await readFile(await download.path(), "utf8");
  assert.match(saved, /^id,email,firstName,lastName,/);
  assert.ok(saved.includes(adminEmail), "the signed-in admin is in the users file");
  await page.getByRole("status").filter({ hasText: "users.csv descargado" }).waitFor();

  assert.deepEqual(foreignRequests(requests), [], "requests left localhost");
  assert.deepEqual(problems, [], "console errors or CSP violations");
});

test("on a phone the tiles stack in one column, with the same figures", async () => {
  const { page, problems } = await recordingPage(browser, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  await signIn(page, adminEmail);
  await assertSameFigures(page);
  await assertRecentImports(page);
  const boxes = await page.locator(".tile").evaluateAll((tiles) =>
    tiles.map((tile) => {
      const { x, width } = tile.getBoundingClientRect();
      return { x: Math.round(x), width: Math.round(width) };
    }),
  );
  assert.ok(boxes.length >= 8);
  assert.equal(new Set(boxes.map((box) => box.x)).size, 1, "one column");
  for (const box of boxes) assert.ok(box.width <= 390, `tile ${box.width}px wide`);
  assert.ok(
    await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    "no sideways scrolling",
  );
  await page.screenshot({ path: `${OUTPUT}/dashboard-phone.png`, fullPage: true });
  assert.deepEqual(problems, []);
});

test("a seller who signs in is told the dashboard is for admins and analysts", async () => {
  const { page } = await recordingPage(browser);
  await signIn(page, sellerEmail);
  await page
    .getByRole("status")
    .filter({ hasText: "solo para administradores y analistas" })
    .waitFor();
  assert.equal(await page.locator("#board").isVisible(), false);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, "no token kept");
});

test("an analyst's board has the figures and no imports tile, and never asks for imports", async () => {
  const { page, requests, problems } = await recordingPage(browser, {
    viewport: { width: 1280, height: 900 },
  });
  await signIn(page, analystEmail);
  await assertSameFigures(page);
  await page.getByRole("status").filter({ hasText: "Cifras al día" }).waitFor();
  assert.equal(await page.locator("#imports").count(), 0, "no imports tile");
  assert.deepEqual(
    requests.filter((url) => new URL(url).pathname.startsWith("/api/v1/imports")),
    [],
    "GET /imports answers 403 to analysts: not asked",
  );
  await page.screenshot({ path: `${OUTPUT}/dashboard-analyst.png`, fullPage: true });
  assert.deepEqual(problems, []);
});

test("a board opened with an expired access token refreshes it once for both of its calls", async () => {
  const { page, requests } = await recordingPage(browser);
  await signIn(page, adminEmail);
  await page.locator('table[data-table="imports"]').waitFor();
  await page.evaluate(() => {
    const tokens = JSON.parse(sessionStorage.getItem("dashboard.tokens"));
    sessionStorage.setItem(
      "dashboard.tokens",
      JSON.stringify({ ...tokens, accessToken: "expirado" }),
    );
  });
  requests.length = 0;
  await page.reload();
  await assertSameFigures(page);
  await assertRecentImports(page);
  const refreshes = requests.filter((url) => new URL(url).pathname === "/api/v1/auth/refresh");
  // Two refreshes with one refresh token would be a reuse, which ends the session.
  assert.equal(refreshes.length, 1, "one refresh for the overview and the imports");
});

// Last: "Recalcular ahora" may take a new snapshot, which the tests above compare against.
test("imports that cannot be read say so in their tile, the board stands, and a refresh asks again", async () => {
  const { page, problems } = await recordingPage(browser);
  let failing = true;
  await page.route(
    (url) => url.pathname === "/api/v1/imports",
    (route) =>
      failing
        ? route.fulfill({
            status: 503,
            contentType: "application/problem+json",
            body: JSON.stringify({ title: "Servicio no disponible", status: 503 }),
          })
        : route.continue(),
  );
  await signIn(page, adminEmail);
  await assertSameFigures(page);
  await page
    .locator("#imports .error")
    .filter({ hasText: "No se pudieron cargar las importaciones: Servicio no disponible" })
    .waitFor();
  assert.equal(await page.locator('table[data-table="imports"]').count(), 0);
  await page.getByRole("status").filter({ hasText: "Cifras al día" }).waitFor();
  assert.equal(await page.locator("#status.error").count(), 0, "the board says no error");

  failing = false;
  await page.getByRole("button", { name: "Recalcular ahora" }).click();
  await page.locator('table[data-table="imports"]').waitFor();
  await assertRecentImports(page);
  assert.equal(await page.locator("#imports .error").count(), 0);
  assert.ok(
    problems.every((problem) => problem.includes("503")),
    `only the refused imports: ${problems}`,
  );
});
