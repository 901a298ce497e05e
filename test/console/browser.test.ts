/**
 * The console in a real browser: Debian's Chromium, headless, driven by playwright-core, against
 * a live `tidemark serve --demo --emulator-controls` process. Sign in with the printed one-time
 * link, see a job created through the API appear without reload and follow it to Completed,
 * download its file and compare the bytes with the API's, create and disable a user, travel the
 * clock, and check that a request without the session is refused.
 *
 * TIDEMARK_UPDATE_SCREENSHOTS=1 also writes the views to docs/console/ (docs/console.md shows
 * them); a normal run leaves the tree as it was.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { Api, BASE, ROOT, runCli, sleep, startServe, tempDir } from '../e2e/cli.js';

const CHROMIUM = '/usr/bin/chromium';
// The machine's network is closed: nothing may reach out (no QUIC, sync, component updates).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const ADMIN_TOKEN = 'browser-test-admin-token-0123456789';
const SHOTS = process.env.TIDEMARK_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'console') : undefined;
// CI installs Chromium (.ci/run); elsewhere a missing browser skips, with the reason.
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `no ${CHROMIUM} (apt-get install chromium)` : false;

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test('the console in Chromium: sign in, a job appears and completes live, download, users, clock travel', { skip }, async (t) => {
  const dir = tempDir(t, 'console-browser');
  const demo = await runCli(['demo', '--days', '3', '--activities-per-day', '60', '--data-dir', dir]);
  assert.equal(demo.code, 0, demo.stderr);
  const serve = await startServe(t, dir, ['--demo', '--emulator-controls'], { env: { TIDEMARK_ADMIN_TOKEN: ADMIN_TOKEN } });
  let link: string | undefined;
  for (let i = 0; i < 100 && !link; i++, await sleep(50)) link = /^Console \(one-time sign-in link\): (http:\/\/\S+\/console\/sign-in#code=\S+)$/m.exec(serve.stdout())?.[1];
  assert.ok(link, `serve --demo prints the console's sign-in link on its own line:\n${serve.stdout()}`);
  const { url } = serve;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  t.after(() => browser.close());
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => void d.accept()); // the confirmations of destructive controls

  // Without a session: the JSON is refused and the page sends the browser to sign in.
  assert.equal((await context.request.get(`${url}/tidemark/v1/console/jobs`)).status(), 401);
  await page.goto(`${url}/console/`);
  assert.match(page.url(), /\/console\/sign-in$/);
  await shot(page, 'sign-in');

  // The printed link signs in once, by itself.
  await page.goto(link!);
  await page.waitForURL(/\/console\/$/);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  await page.getByRole('heading', { name: 'Export quota today' }).waitFor();
  assert.match(await page.locator('#users-h').locator('..').textContent() ?? '', /API users\s*1/, "the demo's user");
  const cookie = (await context.cookies()).find((c) => c.name === 'tidemark_console');
  assert.ok(cookie?.httpOnly && cookie.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content', 'the keyboard reaches a skip link first');

  // A job created through the API appears without reload, then goes to Completed.
  await page.getByRole('link', { name: 'Jobs', exact: true }).click();
  await page.getByText('No jobs match.').waitFor();
  const api = await Api.login(url, 'tidemark-demo', 'tidemark-demo-secret');
  const end = new Date(Date.parse(new Date().toISOString().slice(0, 10)));
  const id = await api.create(new Date(end.getTime() - 3 * 86_400_000).toISOString(), end.toISOString());
  const row = page.locator(`tr[data-export-id="${id}"]`);
  await row.locator('.badge', { hasText: 'Created' }).waitFor();
  await api.enqueue(id);
  await row.locator('.badge', { hasText: 'Completed' }).waitFor();
  await shot(page, 'jobs');

  // Its detail: the file downloads with the very bytes file.json serves, and previews as a table.
  await row.getByRole('link').click();
  await page.getByRole('heading', { name: 'Create body' }).waitFor();
  await page.locator('table.preview tbody tr').first().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download/ }).click()]);
  const fromConsole = readFileSync((await download.path())!);
  const fromApi = Buffer.from(await (await api.call(`${BASE}/${id}/file.json`)).arrayBuffer());
  assert.ok(fromApi.length > 100 && fromConsole.equals(fromApi), 'the console downloads the same bytes as file.json');
  assert.equal(download.suggestedFilename(), `${id}.csv`);
  await shot(page, 'job-detail');

  // API users: create one (its secret is shown once and works), then disable it.
  await page.getByRole('link', { name: 'API users' }).click();
  await page.getByLabel('Name').fill('browser-made');
  await page.getByLabel('read-write-activity').first().check();
  await page.getByRole('button', { name: 'Create user' }).click();
  const secret = (await page.locator('code[data-secret]').textContent())!;
  const clientId = (await page.locator('.secret code').first().textContent())!;
  const made = await Api.login(url, clientId, secret);
  assert.equal((await made.json(`${BASE}.json`)).success, true, 'the new user works with its role');
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Disable browser-made' }).click();
  await page.locator(`tr[data-client-id="${clientId}"]`).getByText('disabled').waitFor();
  assert.equal((await made.json(`${BASE}.json`)).errors[0].code, '603', 'a disabled user is refused');
  await shot(page, 'users');

  // Travel the clock 8 days: the server's time moves, and the job's file has expired.
  await page.getByRole('link', { name: 'Emulator' }).click();
  const before = Date.parse((await (await fetch(`${url}/tidemark/v1/health`)).json() as { time: string }).time);
  await page.getByRole('button', { name: '+8 d' }).click();
  await page.getByText(/^Done:/).waitFor();
  await page.locator('.travel').waitFor();
  const after = Date.parse((await (await fetch(`${url}/tidemark/v1/health`)).json() as { time: string }).time);
  assert.ok(after - before >= 8 * 86_400_000, 'the clock moved 8 days');
  await shot(page, 'emulator');
  await page.goto(`${url}/console/#/jobs/${id}`);
  await page.getByText('The file has expired.').waitFor();

  await page.getByRole('link', { name: 'Data' }).click();
  await page.locator('figure.chart svg rect').first().waitFor();
  // The demo's leads have their own chart, created per day.
  const leadChart = page.locator('figure.chart', { hasText: 'Leads per day' });
  await leadChart.locator('svg rect').first().waitFor();
  assert.match(await leadChart.locator('figcaption').textContent() ?? '', /by the day of their createdAt/);
  await shot(page, 'data');
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('heading', { name: 'Export quota today' }).waitFor();
  await shot(page, 'overview');
  if (SHOTS) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/console/#/jobs`);
    await page.locator(`tr[data-export-id="${id}"]`).waitFor();
    await shot(page, 'phone-jobs');
  }
  assert.deepEqual(errors, [], 'no script errors on the page');
});
