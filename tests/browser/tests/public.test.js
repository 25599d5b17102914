// The public crisis pages as a citizen sees them: no login, the approved citizen wording only,
// cacheable with an ETag, current without reloading, printable and embeddable.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl, incidentId, apiSession, publishGuide, frameAncestors } = require('./helpers');

let env;
let api; // the authority editor over the JSON API
let id; // the active crisis in Frederikssund (0250)
let internal; // texts of the demo guide that only the editors and the agents may read

before(async () => {
  env = await setup();
  const editor = await loggedInPage(env.browser, env.base, USERS.editor);
  try {
    id = incidentId(await incidentUrl(editor.page, env.base, 'IT-nedbrud'));
  } finally {
    await editor.context.close();
  }
  api = await apiSession(env.base, USERS.editor);
  const { status, body } = await api.call('GET', `/incidents/${id}/guide/draft`);
  assert.equal(status, 200);
  const g = body.draft;
  // The purpose and the agents' actions (and the agents' banner), each checked to appear in none
  // of the fields citizens may read, so their absence on the page means something.
  const citizenFields = [
    g.citizen_summary,
    g.expected_duration,
    ...g.situations.flatMap((s) => [s.situation, s.citizen_text]),
    ...g.contacts.flatMap((c) => [c.name, c.phone, c.note]),
  ].join('\n');
  internal = [g.purpose, g.banner, ...g.situations.map((s) => s.action)];
  for (const text of internal) {
    assert.ok(text && !citizenFields.includes(text), `"${text}" is internal only`);
  }
  assert.ok(g.purpose.startsWith('Udfyldes af Borgerservice'), `the demo guide's purpose: ${g.purpose}`);
  assert.ok(g.situations.length >= 5, 'the demo guide has its situation rows');
});
after(async () => {
  if (env) await env.close();
});

const displayed = (locator) => locator.evaluate((el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0);
const unique = (what) => `${what} ${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** A browser context with no login at all. */
async function anonymous(contextOptions = {}) {
  const context = await env.browser.newContext(contextOptions);
  const page = await context.newPage();
  return { context, page };
}

async function assertNoInternalText(page, label) {
  const html = await page.content();
  const text = await page.locator('body').innerText();
  for (const t of internal) {
    assert.ok(!html.includes(t) && !text.includes(t), `${label} shows internal text: "${t}"`);
  }
}

test('/krise lists the municipality with an active crisis, without login', async () => {
  const { context, page } = await anonymous();
  try {
    const res = await page.goto(`${env.base}/krise`);
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/krise', 'no login asked for');
    assert.equal((await page.locator('h1').textContent()).trim(), 'Aktive kriser');
    const links = await page.locator('main ul.cards a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent.trim()]));
    assert.deepEqual(links, [['/krise/0250', 'Frederikssund']]);
    assert.equal(await page.locator('header nav, form[action="/logout"]').count(), 0, 'nothing of the staff pages');
    await assertNoInternalText(page, '/krise');
  } finally {
    await context.close();
  }
});

test('/krise/0250 shows the citizen summary and the crisis line, never the purpose or the agents\' actions', async () => {
  const { context, page } = await anonymous();
  try {
    const res = await page.goto(`${env.base}/krise/0250`);
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/krise/0250', 'no login asked for');
    assert.equal(await page.locator('html').getAttribute('lang'), 'da');
    assert.equal((await page.locator('h1').textContent()).trim(), 'Krise i Frederikssund');
    const article = page.locator(`article.public-crisis[aria-labelledby="c-${id}"]`);
    assert.equal(await article.count(), 1, 'the active crisis is shown');
    assert.match(await article.locator('h2').textContent(), /^IT-nedbrud: Frederikssund/);
    assert.equal((await article.locator('.badge').first().textContent()).trim(), 'Aktiv krise');
    const summary = article.locator('.citizen-summary');
    assert.ok(await summary.isVisible());
    assert.match(await summary.textContent(), /^Frederikssund Kommunes telefoner virker ikke lige nu\. Ring til kriselinjen/);
    assert.equal((await summary.locator('strong').textContent()).trim(), '112', 'the summary\'s Markdown is rendered');
    const line = article.locator('p.crisis-line');
    assert.ok(await line.isVisible(), 'the crisis line is shown');
    assert.match(await line.textContent(), /kriselinjen: 70 00 00 00$/);
    assert.equal(await line.locator('a').getAttribute('href'), 'tel:70000000', 'the crisis line can be called with a tap');
    // The citizen answers of the rows, each under its citizen's question (not the agents' wording
    // of the situations), and the emergency numbers first.
    const questions = await article.locator('.answers h4').allTextContents();
    assert.ok(questions.includes('Hvad gør jeg, hvis det er akut?'), JSON.stringify(questions));
    const urgent = article.locator('.answers h4', { hasText: 'Hvad gør jeg, hvis det er akut?' }).locator('xpath=following-sibling::div[1]');
    assert.match(await urgent.textContent(), /Ring 112 ved fare for liv/);
    assert.match(await article.locator('p.area').textContent(), /^Gælder for: Hele Frederikssund Kommune/, 'the area it applies to');
    assert.equal(await article.locator('ul.contacts li').first().locator('a').getAttribute('href'), 'tel:112');
    assert.equal(await page.locator('header nav, form, input, textarea').count(), 0, 'no staff navigation or forms');
    await assertNoInternalText(page, '/krise/0250');
  } finally {
    await context.close();
  }
});

test('the public page answers a repeated request with 304 Not Modified', async () => {
  for (const path of ['/krise/0250', '/krise/0250/embed', '/krise']) {
    const first = await fetch(`${env.base}${path}`);
    assert.equal(first.status, 200, `${path}: first request`);
    const etag = first.headers.get('etag');
    assert.match(etag || '', /^"[0-9a-f]{16,}"$/, `${path}: a strong ETag`);
    assert.match(first.headers.get('cache-control') || '', /max-age=\d+/, `${path}: cacheable`);
    await first.text();
    const again = await fetch(`${env.base}${path}`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304, `${path}: the same ETag is not sent again`);
    assert.equal(await again.text(), '', `${path}: no body with a 304`);
    assert.equal(again.headers.get('etag'), etag, `${path}: the 304 names the same ETag`);
    const other = await fetch(`${env.base}${path}`, { headers: { 'if-none-match': '"0000"' } });
    assert.equal(other.status, 200, `${path}: another ETag gets the page`);
    await other.text();
  }
  const page = await fetch(`${env.base}/krise/0250`);
  assert.equal(frameAncestors(page.headers.get('content-security-policy')), "'none'", 'the full page is not framed');
  const embed = await fetch(`${env.base}/krise/0250/embed`);
  assert.equal(frameAncestors(embed.headers.get('content-security-policy')), '*', 'the embed may be framed anywhere');
});

test('printing the public page leaves out the navigation and the print button', async () => {
  const { context, page } = await anonymous();
  try {
    await page.goto(`${env.base}/krise/0250`);
    const printButton = page.locator('button[data-print]');
    const nav = page.locator('p.noprint');
    await page.emulateMedia({ media: 'screen' });
    assert.equal(await displayed(printButton), true, 'the print button is shown on screen');
    assert.equal((await printButton.textContent()).trim(), 'Udskriv siden');
    assert.equal(await displayed(nav), true, 'the link to all crisis pages is shown on screen');
    assert.equal(await displayed(page.locator('header.top')), true);

    await page.emulateMedia({ media: 'print' });
    assert.equal(await displayed(printButton), false, 'the print button is not printed');
    assert.equal(await displayed(nav), false, 'the navigation links are not printed');
    assert.equal(await displayed(page.locator('header.top')), false, 'the header is not printed');
    assert.equal(await displayed(page.locator('a.skip')), false, 'the skip link is not printed');
    assert.equal(await displayed(page.locator('h1')), true, 'the title is printed');
    assert.equal(await displayed(page.locator('.citizen-summary')), true, 'the summary is printed');
    assert.equal(await displayed(page.locator('p.crisis-line')), true, 'the crisis line is printed');
    assert.equal(await displayed(page.locator('ul.contacts')), true, 'the emergency numbers are printed');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the printed page is ${overflow}px too wide`);
  } finally {
    await context.close();
  }
});

test('the embeddable page has the crisis without the page frame and works inside an iframe', async () => {
  const { context, page } = await anonymous();
  try {
    const res = await page.goto(`${env.base}/krise/0250/embed`);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('header.top, a.skip, button[data-print]').count(), 0, 'no header, skip link or print button');
    assert.equal(await page.locator('base[target=_top]').count(), 1, 'links leave the frame');
    assert.match(await page.locator('.citizen-summary').textContent(), /^Frederikssund Kommunes telefoner/);
    assert.equal(await page.locator('p.crisis-line a').getAttribute('href'), 'tel:70000000');
    await assertNoInternalText(page, '/krise/0250/embed');

    // Framed on another site.
    await page.setContent(
      `<!DOCTYPE html><html lang="da"><head><title>Kommunens side</title></head><body><iframe src="${env.base}/krise/0250/embed" title="Krisesiden" style="width:100%;height:32rem;border:0"></iframe></body></html>`,
    );
    const frame = page.frameLocator('iframe');
    await frame.locator('.citizen-summary').waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await frame.locator('h1').textContent(), /Krise i Frederikssund/);
  } finally {
    await context.close();
  }
});

test('an open public page revalidates (304 while unchanged) and shows a new version within 12 s, without reload', async () => {
  const { context, page } = await anonymous();
  try {
    const statuses = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/krise/0250') statuses.push({ status: r.status(), at: Date.now() });
    });
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations += 1;
    });
    await page.goto(`${env.base}/krise/0250`);
    navigations = 0;
    await page.evaluate(() => {
      window.__noReload = 'still here';
    });
    // While nothing changes, the script's revalidation gets a cheap 304.
    const deadline = Date.now() + 13000;
    while (!statuses.some((s) => s.status === 304) && Date.now() < deadline) await page.waitForTimeout(200);
    assert.ok(statuses.some((s) => s.status === 304), `the page revalidated with a 304 within 13 s: ${JSON.stringify(statuses)}`);

    const summary = unique('Telefonerne virker igen fra kl. 13. Tak for din tålmodighed.');
    const published = await publishGuide(api, id, {
      citizen_summary: summary,
      next_update_at: new Date(Date.now() + 3 * 3600 * 1000).toISOString(),
    });
    await page.locator('.citizen-summary', { hasText: summary }).waitFor({ state: 'visible', timeout: 13000 });
    const took = Date.now() - published.at;
    console.log(`public page updated ${took} ms after the publish response`);
    assert.ok(took <= 12000, `the public page updated ${took} ms after the publish (limit ~12 s)`);
    assert.equal(await page.evaluate(() => window.__noReload), 'still here', 'the page was not reloaded');
    assert.equal(navigations, 0, 'no navigation happened');
    assert.equal(await page.locator('main#main h1').count(), 1, 'the content was swapped, not nested');
    assert.equal(await page.locator('article.public-crisis').count(), 1);
    assert.ok((await page.locator('p.crisis-line').textContent()).includes('70 00 00 00'), 'the crisis line is still there');
    await assertNoInternalText(page, '/krise/0250 after the update');
  } finally {
    await context.close();
  }
});
