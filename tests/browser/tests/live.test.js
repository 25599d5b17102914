// The crisis room live: one person activates the exercise and writes in the log, another sees it
// arrive over Server-Sent Events without reloading.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl } = require('./helpers');

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.close();
});

test('a log entry written by the crisis leader appears live for the steering group, which reads but does not write the log', async () => {
  const { browser, base } = env;
  const a = await loggedInPage(browser, base, USERS.leader);
  const b = await loggedInPage(browser, base, USERS.steeringGroup);
  try {
    const url = await incidentUrl(a.page, base, 'ØVELSE:');

    // A activates the prepared exercise.
    await a.page.goto(url);
    assert.equal(await a.page.locator('#h-status + p .badge').getAttribute('class'), 'badge status-prepared');
    assert.equal(await a.page.locator('#h-checklist ~ ul.checklist li').count(), 0, 'no checklist before activation');
    // Every step asks for its reason, for the log.
    await a.page.fill('#note-active', 'Øvelsen begynder');
    await Promise.all([
      a.page.waitForNavigation(),
      a.page.click('button[type=submit][data-status="active"]'),
    ]);
    assert.equal(new URL(a.page.url()).pathname, new URL(url).pathname);
    await assertVisible(a.page.locator('#h-status + p .badge.status-active'));
    assert.equal(await a.page.locator('button[data-status="active"]').count(), 0, 'no second activation button');
    const items = a.page.locator('ul.checklist li');
    assert.ok((await items.count()) > 0, 'the checklist appears once the incident is active');
    await assertVisible(items.first());

    // B opens the same crisis room before A writes, and marks the window to detect reloads.
    // Its event stream must be connected first, so the event cannot be missed.
    const stream = b.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/events', { timeout: 5000 });
    await b.page.goto(url);
    assert.equal((await stream).status(), 200, 'the crisis room opens an event stream');
    assert.equal(await b.page.locator('#log-form').count(), 0, 'the steering group gets no log form');
    assert.equal(await b.page.locator('#h-status + p .badge.status-active').count(), 1);
    await b.page.evaluate(() => {
      window.__noReload = 'still here';
    });
    let bNavigations = 0;
    b.page.on('framenavigated', (f) => {
      if (f === b.page.mainFrame()) bNavigations += 1;
    });
    const before = await b.page.locator('ol#log > li').count();

    // A writes a log entry through the form.
    const text = `Browsertest ${Date.now()}-${Math.random().toString(36).slice(2)}: status på ISO-nedbrud`;
    await a.page.selectOption('#category', 'decision');
    await a.page.fill('#text', text);
    await Promise.all([a.page.waitForNavigation(), a.page.click('#log-form button[type=submit]')]);
    const own = a.page.locator('ol#log > li', { hasText: text });
    assert.equal(await own.count(), 1, 'the writer sees the entry after the redirect');

    // B sees it within 3 s, without a reload.
    const started = Date.now();
    await b.page.locator('ol#log > li', { hasText: text }).waitFor({ state: 'visible', timeout: 3000 });
    const took = Date.now() - started;
    assert.ok(took <= 3000, `arrived after ${took} ms`);
    assert.equal(await b.page.evaluate(() => window.__noReload), 'still here', 'the page was not reloaded');
    assert.equal(bNavigations, 0, 'no navigation happened in the reader');
    assert.equal(await b.page.locator('ol#log > li').count(), before + 1);
    // The chain's count follows the live entry.
    const seq = (await b.page.locator('ol#log > li').first().getAttribute('data-seq'));
    assert.equal(await b.page.locator('#chain-count').textContent(), seq, 'the chain count follows the live entry');
    const first = b.page.locator('ol#log > li').first();
    assert.match(await first.getAttribute('id'), /^log-\d+$/);
    assert.ok((await first.textContent()).includes(text), 'the new entry is at the top');
    assert.equal(
      await first.getAttribute('id'),
      await own.getAttribute('id'),
      'the live entry has the same number as the stored one',
    );
    assert.equal(await b.page.locator('#log-form').count(), 0);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

async function assertVisible(locator) {
  assert.ok(await locator.isVisible(), `${locator} should be visible`);
}
