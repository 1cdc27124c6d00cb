// Browser test: `npm run dev` serves /docs, which renders the API reference in Chromium
// with no request leaving localhost and no CSP violation, and whose sign-in box authorises
// "Try it out". Needs Debian's chromium (`apt-get install chromium`); .ci/run installs it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startDevServer } from "../e2e/dev-server.mjs";
import { foreignRequests, launchChromium, recordingPage } from "./chromium.mjs";

// A fresh user per run, so earlier runs' failed attempts never count against this one.
const email = `docs-${randomUUID().slice(0, 8)}@example.co`;
const password = "una frase de prueba para los docs";

let dev;
let origin;
let browser;

before(async () => {
  execFileSync(
    "npx",
    ["tsx", "scripts/user-create.ts", "--email", email, "--role", "seller", "--password-stdin"],
    { input: password, stdio: "pipe" },
  );
  dev = await startDevServer();
  origin = dev.origin;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  dev?.stop();
});

test("GET / leads to /docs, which renders every operation from /api/v1/openapi.json", async () => {
  const { page, requests, problems } = await recordingPage(browser);

  await page.goto(`${origin}/`);
  assert.equal(new URL(page.url()).pathname, "/docs/");
  await page.waitForSelector(".opblock-summary-path", { timeout: 30_000 });
  assert.match(await page.locator(".info .title").textContent(), /Portafolio API/);

  const spec = await (await fetch(`${origin}/api/v1/openapi.json`)).json();
  const operations = Object.values(spec.paths).flatMap((ops) => Object.keys(ops)).length;
  assert.equal(await page.locator(".opblock").count(), operations);

  if (process.env.DOCS_SCREENSHOT)
    await page.screenshot({ path: process.env.DOCS_SCREENSHOT, fullPage: true });

  assert.deepEqual(foreignRequests(requests), [], "requests left localhost");
  assert.deepEqual(problems, [], "console errors (CSP violations show here)");
});

test("/docs says what the API is for, in Spanish, and needs no inline script or style", async () => {
  const response = await fetch(`${origin}/docs/`);
  const csp = response.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self';/);
  const html = await response.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "inline <script>");
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, "inline style or event handler");

  const { page, problems } = await recordingPage(browser);
  await page.goto(`${origin}/docs/`);
  assert.equal(await page.locator("html").getAttribute("lang"), "es");
  const intro = page.getByRole("banner");
  assert.match(await intro.getByRole("heading", { level: 1 }).textContent(), /Portafolio API/);
  assert.match(await intro.textContent(), /API para la fuerza de ventas en campo/);
  assert.match(await intro.locator('[lang="en"]').textContent(), /field-sales force/);
  assert.deepEqual(problems, []);
});

test("the sign-in box authorises Try it out, reports the API's errors and signs out", async () => {
  const { page, requests, problems } = await recordingPage(browser);
  await page.goto(`${origin}/docs/`);
  await page.waitForSelector(".opblock-summary-path", { timeout: 30_000 });

  const box = page.getByRole("region", { name: /Sign in/ });
  const emailField = box.getByLabel(/Email/);
  const passwordField = box.getByLabel(/Password/);
  const signIn = box.getByRole("button", { name: /Sign in/ });
  const signOut = box.getByRole("button", { name: /Sign out/ });
  const status = box.getByRole("status");
  assert.equal(await status.getAttribute("aria-live"), "polite");
  assert.equal(await signOut.isVisible(), false);
  const authorized = () => page.evaluate(() => window.ui.authSelectors.authorized().toJS());
  const isLogin = (r) => new URL(r.url()).pathname === "/api/v1/auth/login";

  // A wrong password: the API's problem title and detail appear in the box; nothing authorised.
  await emailField.fill(email);
  await passwordField.fill("no es la contraseña");
  const [refused] = await Promise.all([page.waitForResponse(isLogin), signIn.click()]);
  assert.equal(refused.status(), 401);
  const problem = await refused.json();
  assert.ok(problem.title && problem.detail, JSON.stringify(problem));
  await status.filter({ hasText: problem.detail }).waitFor();
  assert.match(await status.textContent(), new RegExp(problem.title));
  assert.deepEqual(await authorized(), {});

  // The right password: Swagger UI is authorised for bearerAuth and the token is not stored.
  await passwordField.fill(password);
  const [accepted] = await Promise.all([page.waitForResponse(isLogin), signIn.click()]);
  assert.equal(accepted.status(), 200);
  await status.filter({ hasText: email }).waitFor();
  assert.equal(await signOut.isVisible(), true);
  assert.equal(await passwordField.isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "sign-out");
  const { accessToken } = await accepted.json();
  assert.equal((await authorized()).bearerAuth?.value, accessToken);
  assert.match(await page.locator(".auth-wrapper .authorize").getAttribute("class"), /\blocked/);
  assert.deepEqual(
    await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]),
    [0, 0, ""],
    "the token is kept in memory only",
  );

  // Try it out on an authenticated operation sends the token and gets 200.
  const me = page.locator(".opblock-get", {
    has: page.locator('.opblock-summary-path[data-path="/api/v1/auth/me"]'),
  });
  await me.locator(".opblock-summary").click();
  await me.getByRole("button", { name: /Try it out/ }).click();
  const isMe = (r) => new URL(r.url()).pathname === "/api/v1/auth/me";
  const [request, response] = await Promise.all([
    page.waitForRequest(isMe),
    page.waitForResponse(isMe),
    me.getByRole("button", { name: /Execute/ }).click(),
  ]);
  assert.equal((await request.allHeaders()).authorization, `Bearer ${accessToken}`);
  assert.equal(response.status(), 200);
  assert.equal((await response.json()).email, email);
  await me.locator(".live-responses-table .response-col_status", { hasText: "200" }).waitFor();

  // Sign out: the session is revoked with the refresh token and Swagger UI forgets the token.
  const isLogout = (r) => new URL(r.url()).pathname === "/api/v1/auth/logout";
  const [logout, loggedOut] = await Promise.all([
    page.waitForRequest(isLogout),
    page.waitForResponse(isLogout),
    signOut.click(),
  ]);
  assert.deepEqual(Object.keys(logout.postDataJSON()), ["refreshToken"]);
  assert.equal(loggedOut.status(), 204);
  await status.filter({ hasText: "Signed out" }).waitFor();
  assert.deepEqual(await authorized(), {});
  assert.match(await page.locator(".auth-wrapper .authorize").getAttribute("class"), /unlocked/);
  assert.equal(await passwordField.isVisible(), true);
  const revoked = await fetch(`${origin}/api/v1/auth/me`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  assert.equal(revoked.status, 401, "the access token stops working once signed out");

  assert.deepEqual(foreignRequests(requests), [], "requests left localhost");
  // Chromium logs the refused sign-in as a failed resource load; anything else is a fault.
  const unexpected = problems.filter(
    (text) => !/Failed to load resource: .* status of 401 \(Unauthorized\)/.test(text),
  );
  assert.deepEqual(unexpected, [], "console errors or CSP violations");
});
