// The agents' one query box: from the console to the hits (crisis guide and everyday guides of
// the shared knowledge base), highlighted, to the everyday guide itself; accessible throughout.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, assertAccessible } = require('./helpers');

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.close();
});

test('an agent searches from the console and opens an everyday guide', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    await page.goto(`${env.base}/agent`);
    await page.fill('#search-q', 'bestil tid til pas');
    await page.selectOption('#search-municipality', '0250');
    await Promise.all([page.waitForURL(/\/agent\/search\?/), page.press('#search-q', 'Enter')]);
    const hits = page.locator('ol.hits li.hit');
    assert.ok((await hits.count()) > 0, 'there are hits');
    const first = hits.first();
    assert.match(await first.locator('h2 a').innerText(), /[Pp]as/);
    assert.equal(await first.locator('h2 a').getAttribute('href'), '/agent/guides/0250/pas', 'the caller\'s own municipality first');
    assert.ok((await first.locator('.snippet mark').count()) > 0, 'the matched words are highlighted');
    await assertAccessible(page, '/agent/search');
    await Promise.all([page.waitForURL(/\/agent\/guides\/0250\/pas$/), first.locator('h2 a').click()]);
    assert.match(await page.locator('h1').innerText(), /[Pp]as/);
    await assertAccessible(page, '/agent/guides/0250/pas');
  } finally {
    await context.close();
  }
});

test('the live crisis guide comes first for a crisis question, and a typo is forgiven', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    await page.goto(`${env.base}/agent/search?q=${encodeURIComponent('omstilingen virker ikke')}&municipality=0250`);
    const first = page.locator('ol.hits li.hit').first();
    assert.match(await first.locator('.badge').innerText(), /Kriseguide/);
    assert.match(await first.locator('h2 a').getAttribute('href'), /^\/agent\/[0-9a-f-]{36}#/);
  } finally {
    await context.close();
  }
});

test('a municipality without a guide is said plainly, and every other municipality\'s hit names it', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    await page.goto(`${env.base}/agent/search?q=pas&municipality=0253`);
    const notice = page.locator('p.no-guide');
    assert.equal((await notice.innerText()).trim(), 'Greve Kommune har ingen guide om dette.');
    const titles = await page.locator('ol.hits li.hit h2 a').allInnerTexts();
    assert.ok(titles.length > 0, 'other municipalities\' guides are still shown');
    for (const t of titles) assert.match(t, /^[^:]+ Kommune: /, `named: ${t}`);
    const noticeFirst = await page.evaluate(() => {
      const n = document.querySelector('p.no-guide');
      const hit = document.querySelector('ol.hits li.hit');
      return !!(n.compareDocumentPosition(hit) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(noticeFirst, 'the notice comes before the other municipalities\' hits');
    await assertAccessible(page, '/agent/search (no guide of its own)');
    await page.goto(`${env.base}/agent/guides/0250/pas`);
    assert.ok((await page.locator('.everyday h2').count()) > 0, 'the guide\'s ## headings are headings');
    assert.doesNotMatch(await page.locator('.everyday').innerText(), /^## /m);
  } finally {
    await context.close();
  }
});
