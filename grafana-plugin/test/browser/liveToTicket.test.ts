import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../harness/serve.ts';
import { testIds } from '../../src/components/testIds.ts';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { startPos, startReceiver, stop, type Child } from './stack.ts';

/**
 * The plugin's pages in a real browser (Debian's chromium) against a real receiver fed by the
 * real POS: an order for product 999 shows up on the live page without a reload, the incident
 * page opens from it, and a Jira ticket is filed from there — Jira being the receiver's test
 * double of Jira Cloud, configured and tested through the plugin's configuration page.
 * Screenshots of each page go to grafana-plugin/screenshots/ (git-ignored); with
 * STACKLENS_UPDATE_SCREENSHOTS=1 they replace the README's, in docs/screenshots/.
 */
const SCREENSHOTS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  process.env.STACKLENS_UPDATE_SCREENSHOTS === '1' ? '../../../docs/screenshots' : '../../screenshots',
);
const TOKENS = { admin: 'browser-test-admin-token', editor: 'browser-test-editor-token', viewer: 'browser-test-viewer-token' };
const WAIT = { timeout: 90_000 };
const JIRA_TOKEN = 'jira-double-api-token';

let dataDir: string;
let receiver: Child | undefined;
let pos: Child | undefined;
let harness: Harness | undefined;
let browser: Browser | undefined;
let jira: JiraDouble | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stacklens-browser-'));
  jira = await startJiraDouble({ credentials: { email: 'stacklens-bot@example.com', apiToken: JIRA_TOKEN } });
  receiver = await startReceiver(dataDir, TOKENS);
  pos = await startPos(receiver.url);
  harness = await startHarness({ receiverUrl: receiver.url, tokens: TOKENS });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  await mkdir(SCREENSHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
  await stop(pos?.child);
  await stop(receiver?.child);
  await jira?.close();
  await rm(dataDir, { recursive: true, force: true });
}, 120_000);

/** A browser context signed in to the harness's Grafana as this user. */
async function signedIn(login: 'viewer' | 'editor' | 'admin', viewport = { width: 1400, height: 1000 }) {
  const context = await browser!.newContext({ viewport });
  await context.addCookies([{ ...harness!.grafana.session(login), url: harness!.url }]);
  return context;
}

async function placeOrder(page: Page, productId: number, quantity: number, expected: RegExp): Promise<string> {
  await page.goto(pos!.url);
  await page.locator(`input[data-product-id="${productId}"]`).waitFor(WAIT);
  await page.locator(`input[data-product-id="${productId}"]`).fill(String(quantity));
  await page.getByTestId('place-order').click();
  await expectText(page.getByTestId('result'), expected);
  return (await page.getByTestId('result').textContent()) ?? '';
}

const placeOrderFor999 = (page: Page) => placeOrder(page, 999, 1, /MISSING_PRICE/);

/** Waits for the test's outcome and shows the page's own words when it is not a success. */
async function expectTestSuccess(page: Page): Promise<void> {
  const done = page.locator(`[data-testid="${testIds.jira.testResult}"]:not([data-state="testing"])`);
  await done
    .or(page.getByText(/refused the settings|need attention/))
    .first()
    .waitFor(WAIT);
  const form = await page.getByTestId(testIds.jira.form).textContent();
  expect(await done.getAttribute('data-state', { timeout: 1_000 }).catch(() => form)).toBe('success');
}

async function expectText(locator: ReturnType<Page['getByTestId']>, pattern: RegExp): Promise<void> {
  await locator.filter({ hasText: pattern }).first().waitFor(WAIT);
}

describe('the plugin in a browser', () => {
  it('as an Admin: configures Jira on the configuration page, without ever showing a token, and tests the connection', async () => {
    const context = await signedIn('admin', { width: 1200, height: 1000 });
    const page = await context.newPage();
    await page.goto(`${harness!.url}/config`, WAIT);
    for (const key of ['viewerToken', 'editorToken', 'adminToken']) {
      const token = page.getByTestId(testIds.config.token(key));
      await token.waitFor(WAIT);
      expect(await token.inputValue()).toBe('configured');
    }
    await page.getByTestId(testIds.jira.form).waitFor(WAIT);
    await page.getByTestId(testIds.jira.baseUrl).fill(jira!.url);
    await page.getByTestId(testIds.jira.email).fill('stacklens-bot@example.com');
    await page.getByTestId(testIds.jira.apiToken).fill(JIRA_TOKEN);
    await page.getByTestId(testIds.jira.projectKey).fill('POS');
    await page.getByTestId(testIds.jira.test).click();
    await expectTestSuccess(page);
    await page.getByTestId(testIds.jira.lastTested).filter({ hasText: 'Last tested' }).waitFor(WAIT);
    await page.reload();
    await page.getByTestId(testIds.jira.apiToken).waitFor(WAIT);
    expect(await page.getByTestId(testIds.jira.apiToken).inputValue()).toBe('configured');
    const html = await page.content();
    expect(html).not.toContain(JIRA_TOKEN);
    for (const token of Object.values(TOKENS)) expect(html).not.toContain(token);
    await page.getByTestId(testIds.jira.test).click();
    await expectTestSuccess(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'config.png'), fullPage: true });
    await context.close();
  }, 180_000);

  it('as an Editor: shows the incident of a POS order for product 999 live, opens it and files a Jira ticket in their name', async () => {
    const context = await signedIn('editor');
    const live = await context.newPage();
    const browserErrors: string[] = [];
    live.on('pageerror', (error) => browserErrors.push(error.message));
    await live.goto(`${harness!.url}/live`, WAIT);
    await live.locator(`[data-testid="${testIds.live.connection}"][data-state="live"]`).waitFor(WAIT);
    await live.getByTestId(testIds.live.empty).waitFor(WAIT);
    // A reload would lose this marker: it proves the row arrives over the live feed.
    await live.evaluate(() => Object.assign(window, { stacklensNoReload: true }));

    const result = await placeOrderFor999(await context.newPage());
    expect(result).toContain('422');

    const row = live.locator('[data-testid^="live-row-"]').filter({ hasText: 'MISSING_PRICE' });
    await row.waitFor(WAIT);
    expect(await live.evaluate(() => (window as unknown as { stacklensNoReload?: boolean }).stacklensNoReload)).toBe(true);
    await live.locator(`[data-testid="${testIds.live.stats}"] [data-figure="total"]`).filter({ hasText: '1' }).waitFor(WAIT);
    await live.screenshot({ path: join(SCREENSHOTS, 'live.png'), fullPage: true });

    await row.getByRole('link', { name: 'MISSING_PRICE' }).click();
    await live.getByTestId(testIds.incident.page).waitFor(WAIT);
    await live.getByTestId(testIds.incident.samples).locator('code').first().waitFor(WAIT);
    await live.getByTestId(testIds.incident.audit).locator('[data-stage="detected"]').waitFor(WAIT);
    await live.screenshot({ path: join(SCREENSHOTS, 'incident.png'), fullPage: true });

    await live.getByTestId(testIds.incident.notes).fill('Filed from the browser test');
    await live.getByTestId(testIds.incident.createTicket).click();
    const linked = live.locator(`[data-testid="${testIds.incident.ticket}"][data-state="linked"]`);
    await linked
      .or(live.getByText(/Could not create the ticket|Jira refused/))
      .first()
      .waitFor(WAIT);
    expect(await live.getByTestId(testIds.incident.ticket).textContent()).not.toMatch(/Could not create|refused/);
    await linked.waitFor(WAIT);
    const key = (await linked.getByRole('link').textContent())?.trim();
    expect(jira!.issues.map((issue) => issue.key)).toContain(key);
    await live.getByTestId(testIds.incident.audit).locator('[data-stage="ticket.created"]').waitFor(WAIT);
    // The audit names the Grafana user who asked for the ticket, not "api".
    await live
      .getByTestId(testIds.incident.audit)
      .locator('[data-stage="ticket.pending"]')
      .filter({ hasText: 'by editor (Grafana)' })
      .waitFor(WAIT);
    await live.getByTestId(testIds.incident.acknowledge).click();
    await live
      .getByTestId(testIds.incident.audit)
      .locator('[data-stage="acknowledged"]')
      .filter({ hasText: 'by editor (Grafana)' })
      .waitFor(WAIT);
    await live.screenshot({ path: join(SCREENSHOTS, 'incident-ticket.png'), fullPage: true });

    // Back on the live page the row carries the ticket.
    await live.getByRole('link', { name: 'Live errors' }).click();
    await live.locator('[data-testid^="live-row-"]').filter({ hasText: key! }).waitFor(WAIT);
    await live.goto(`${harness!.url}/live?theme=light`, WAIT);
    await live.locator('[data-testid^="live-row-"]').filter({ hasText: key! }).waitFor(WAIT);
    await live.screenshot({ path: join(SCREENSHOTS, 'live-light.png'), fullPage: true });
    expect(browserErrors).toEqual([]);
    await context.close();
  }, 300_000);

  it('as a Viewer: reads the pages, but the proxy refuses the admin page’s data and the incident actions (403)', async () => {
    const context = await signedIn('viewer');
    const page = await context.newPage();
    await page.goto(`${harness!.url}/config`, WAIT);
    await page.getByText(/Could not read the Jira settings from the receiver: plugin proxy route access denied/).waitFor(WAIT);
    expect(await page.content()).not.toContain(jira!.url);
    await page.getByTestId(testIds.config.saveReceiver).click();
    await page.getByText(/Could not save: .*plugins:write/).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, 'config-viewer.png'), fullPage: true });

    await page.goto(`${harness!.url}/live`, WAIT);
    await page.locator(`[data-testid="${testIds.live.connection}"][data-state="live"]`).waitFor(WAIT);
    const row = page.locator('[data-testid^="live-row-"]').filter({ hasText: 'MISSING_PRICE' });
    await row.waitFor(WAIT);
    await row.getByRole('link', { name: 'MISSING_PRICE' }).click();
    await page.getByTestId(testIds.incident.page).waitFor(WAIT);
    // The Editor acknowledged it already: resolving is what is left, and a Viewer may not.
    await page.getByTestId(testIds.incident.resolve).click();
    await page.getByText(/Could not resolve the incident: plugin proxy route access denied/).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-viewer.png'), fullPage: true });
    await context.close();
  }, 180_000);

  it('as an Admin: finds an incident by a raw value, merges another into it through the admin route, and unmerges it', async () => {
    // A second incident: more units of product 111 than the shelf holds.
    const context = await signedIn('admin');
    const page = await context.newPage();
    const browserErrors: string[] = [];
    page.on('pageerror', (error) => browserErrors.push(error.message));
    const result = await placeOrder(await context.newPage(), 111, 500, /INVENTORY_SHORTAGE/);
    const orderId = /order: (\S+)/.exec(result)?.[1];
    expect(orderId, result).toBeDefined();

    // The order id is in no title and no message, only in the samples' attributes: the receiver's search finds it.
    await page.goto(`${harness!.url}/live`, WAIT);
    const shortage = page.locator('[data-testid^="live-row-"]').filter({ hasText: 'INVENTORY_SHORTAGE' });
    await shortage.waitFor(WAIT);
    const price = page.locator('[data-testid^="live-row-"]').filter({ hasText: 'MISSING_PRICE' });
    expect(await price.locator('[data-variable]').count()).toBeGreaterThan(0);
    expect(await shortage.textContent()).not.toContain(orderId);
    const searched = page.waitForResponse((response) => new URL(response.url()).searchParams.get('text') === orderId, WAIT);
    await page.getByPlaceholder(/Search error type/).fill(orderId!);
    const answer = (await (await searched).json()) as { items: Array<{ id: string; errorType: string }> };
    expect(answer.items.map((item) => item.errorType)).toEqual(['INVENTORY_SHORTAGE']);
    await page.locator(`[data-testid="${testIds.live.searching}"][data-state="done"]`).waitFor(WAIT);
    await shortage.waitFor(WAIT);
    await price.waitFor({ state: 'detached', ...WAIT });
    await page.screenshot({ path: join(SCREENSHOTS, 'live-search.png'), fullPage: true });
    await page.getByPlaceholder(/Search error type/).fill('');
    await price.waitFor(WAIT);
    const survivor = (await price.getAttribute('data-testid'))!.replace(/^live-row-/, '');
    await shortage.getByRole('link', { name: 'INVENTORY_SHORTAGE' }).click();

    // The incident page: the template with its variables, a real message from the samples.
    await page.getByTestId(testIds.incident.page).waitFor(WAIT);
    const absorbed = (await page.getByTestId(testIds.incident.page).getAttribute('data-incident'))!;
    expect(await page.getByTestId(testIds.incident.title).locator('[data-variable]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId(testIds.incident.example).textContent()).toMatch(/product 111 in stock, 500 requested/);

    // Merge it into the MISSING_PRICE incident, found in the dialog by the same raw value.
    await page.getByTestId(testIds.incident.merge).click();
    await page.getByTestId(testIds.merge.search).fill('999');
    await page.getByTestId(testIds.merge.pick(survivor)).click();
    await expectText(page.getByTestId(testIds.merge.confirmation), new RegExp(`into MISSING_PRICE .*${survivor}`));
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-merge.png'), fullPage: true });
    // Another tab on the live page, open during the merge: the feed's incident.merged takes the row away, no reload.
    const live = await context.newPage();
    await live.goto(`${harness!.url}/live`, WAIT);
    await live.locator(`[data-testid="${testIds.live.connection}"][data-state="live"]`).waitFor(WAIT);
    await live.getByTestId(testIds.live.row(absorbed)).waitFor(WAIT);
    await page.getByTestId(testIds.merge.confirm).click();
    await page.locator(`[data-testid="${testIds.incident.page}"][data-incident="${survivor}"]`).waitFor(WAIT);
    expect(new URL(page.url()).searchParams.get('id')).toBe(survivor);
    // Merged through the admin route in the Admin's name (the receiver believes X-Grafana-Context with the admin token).
    await page
      .getByTestId(testIds.incident.audit)
      .locator('[data-stage="merged"]')
      .filter({ hasText: `merged incident ${absorbed}` })
      .filter({ hasText: 'by admin (Grafana)' })
      .waitFor(WAIT);
    await live.getByTestId(testIds.live.row(absorbed)).waitFor({ state: 'detached', ...WAIT });
    await live.getByTestId(testIds.live.row(survivor)).waitFor(WAIT);

    // The live page lists the survivor alone: the feed's replay of the merged incident's events does not bring it back.
    await page.goto(`${harness!.url}/live`, WAIT);
    await page.locator(`[data-testid="${testIds.live.connection}"][data-state="live"]`).waitFor(WAIT);
    await page.getByTestId(testIds.live.row(survivor)).waitFor(WAIT);
    await page.waitForTimeout(1_000);
    expect(await page.getByTestId(testIds.live.row(absorbed)).count()).toBe(0);
    await page.goto(`${harness!.url}/incident?id=${encodeURIComponent(survivor)}`, WAIT);
    await page.getByTestId(testIds.incident.merge).waitFor(WAIT);

    // Merging it once more is refused by the receiver, in its words: a conflict with the incidents' state (409), they are one already.
    await page.getByTestId(testIds.incident.merge).click();
    await page.getByTestId(testIds.merge.search).fill(absorbed);
    await page.getByTestId(testIds.merge.pick(absorbed)).click();
    await page.getByTestId(testIds.merge.confirm).click();
    await expectText(page.getByTestId(testIds.merge.error), /HTTP 409\): incident .* is already part of/);
    await page.keyboard.press('Escape');

    // The merged incident's page says where it went; the audit trail links it.
    await page.getByTestId(testIds.incident.audit).getByRole('link', { name: absorbed }).first().click();
    const banner = page.getByTestId(testIds.incident.mergedInto);
    await expectText(banner, new RegExp(`Incident ${absorbed} was merged into ${survivor}`));
    expect(await page.getByTestId(testIds.incident.merge).count()).toBe(0);

    // With a token the receiver does not take for admin, the unmerge is its 403, said as such.
    const adminToken = harness!.grafana.settings.secureJsonData.adminToken!;
    harness!.grafana.settings.secureJsonData.adminToken = TOKENS.editor;
    try {
      await page.getByTestId(testIds.incident.unmerge).click();
      await expectText(
        page.getByTestId(testIds.incident.actionError),
        /HTTP 403\): this action needs the admin token\. The app's admin token/,
      );
    } finally {
      harness!.grafana.settings.secureJsonData.adminToken = adminToken;
    }
    await page.getByTestId(testIds.incident.unmerge).click();
    await banner.waitFor({ state: 'detached', ...WAIT });
    await page.locator(`[data-testid="${testIds.incident.page}"][data-incident="${absorbed}"]`).waitFor(WAIT);
    await page.getByTestId(testIds.incident.audit).locator('[data-stage="unmerged"]').waitFor(WAIT);
    // The live tab shows it again (incident.unmerged), still without a reload.
    await live.getByTestId(testIds.live.row(absorbed)).waitFor(WAIT);
    expect(browserErrors).toEqual([]);
    await context.close();

    // An Editor is not offered the merge (the proxy would refuse it: 403 before the receiver).
    const editor = await signedIn('editor');
    const editorPage = await editor.newPage();
    await editorPage.goto(`${harness!.url}/incident?id=${encodeURIComponent(survivor)}`, WAIT);
    await editorPage.getByTestId(testIds.incident.resolve).waitFor(WAIT);
    expect(await editorPage.getByTestId(testIds.incident.merge).count()).toBe(0);
    await editor.close();
  }, 300_000);
});
