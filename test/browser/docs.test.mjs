// Browser test: `npm run dev` serves /docs, which renders the API reference in Chromium
// with no request leaving localhost and no CSP violation. Needs Debian's chromium
// (`apt-get install chromium`); .ci/run installs it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startDevServer } from "../e2e/dev-server.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let dev;
let origin;
let browser;

before(async () => {
  dev = await startDevServer();
  origin = dev.origin;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  dev?.stop();
});

test("GET / leads to /docs, which renders every operation from /api/v1/openapi.json", async () => {
  const page = await browser.newPage();
  const requests = [];
  const problems = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));

  await page.goto(`${origin}/`);
  assert.equal(new URL(page.url()).pathname, "/docs/");
  await page.waitForSelector(".opblock-summary-path", { timeout: 30_000 });
  assert.match(await page.locator(".info .title").textContent(), /Portafolio API/);

  const spec = await (await fetch(`${origin}/api/v1/openapi.json`)).json();
  const operations = Object.values(spec.paths).flatMap((ops) => Object.keys(ops)).length;
  assert.equal(await page.locator(".opblock").count(), operations);

  if (process.env.DOCS_SCREENSHOT)
    await page.screenshot({ path: process.env.DOCS_SCREENSHOT, fullPage: true });

  const foreign = requests.filter(
    (url) =>
      !["localhost", "127.0.0.1"].includes(new URL(url).hostname) && !url.startsWith("data:"),
  );
  assert.deepEqual(foreign, [], "requests left localhost");
  assert.deepEqual(problems, [], "console errors (CSP violations show here)");
});
