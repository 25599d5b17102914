// WCAG 2.1 A/AA checks with axe-core on every page, each as a role that can see it.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl, assertAccessible } = require('./helpers');

let env;
const sessions = {};
let urls;

before(async () => {
  env = await setup();
  const { browser, base } = env;
  sessions.leader = await loggedInPage(browser, base, USERS.leader);
  urls = {
    exercise: await incidentUrl(sessions.leader.page, base, 'ØVELSE:'),
    active: await incidentUrl(sessions.leader.page, base, 'IT-nedbrud'),
  };
});
after(async () => {
  if (env) await env.close();
});

async function check(page, url, label, expectedStatus = 200) {
  const res = await page.goto(url);
  assert.equal(res.status(), expectedStatus, `${label}: HTTP status`);
  assert.equal(new URL(page.url()).pathname, new URL(url).pathname, `${label}: not redirected`);
  await assertAccessible(page, label);
}

test('login page (anonymous)', async () => {
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    await check(page, `${env.base}/login`, '/login');
    // The page with an error message too.
    await page.fill('#email', USERS.leader);
    await page.fill('#password', 'forkert-kodeord');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
    assert.equal(await page.locator('.notice.error').count(), 1);
    await assertAccessible(page, '/login with an error');
  } finally {
    await context.close();
  }
});

test('citizens: the public pages, the embed and an unknown municipality (anonymous)', async () => {
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    await check(page, `${env.base}/krise`, '/krise');
    await check(page, `${env.base}/krise/0250`, '/krise/0250');
    assert.ok(await page.locator('button[data-print]').isVisible(), 'the print button is there to be checked');
    await check(page, `${env.base}/krise/0250/embed`, '/krise/0250/embed');
    await check(page, `${env.base}/krise/9999`, '/krise/9999 (not found)', 404);
    assert.equal(await page.locator('html').getAttribute('lang'), 'da', 'a Danish page, not JSON');
  } finally {
    await context.close();
  }
});

test('crisis leader: overview, both crisis rooms, print page', async () => {
  const { page } = sessions.leader;
  await check(page, `${env.base}/incidents`, '/incidents (crisis leader)');
  await check(page, urls.exercise, 'exercise crisis room (crisis leader)');
  await check(page, urls.active, 'active crisis room (crisis leader)');
  await check(page, `${urls.active}/log/print`, 'print page (crisis leader)');
});

test('secretariat: the admin pages', async () => {
  const s = await loggedInPage(env.browser, env.base, USERS.secretariat);
  try {
    for (const p of ['organisations', 'users', 'tokens', 'security', 'roster', 'templates']) {
      await check(s.page, `${env.base}/admin/${p}`, `/admin/${p} (secretariat)`);
    }
  } finally {
    await s.context.close();
  }
});

test("authority editor: the active crisis room; an agent gets the crisis's agent page instead", async () => {
  const editor = await loggedInPage(env.browser, env.base, USERS.editor);
  try {
    await check(editor.page, urls.active, 'active crisis room (authority editor)');
  } finally {
    await editor.context.close();
  }
  // Agents do not read the official log: the room sends them to the agent-facing page.
  const agent = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    await agent.page.goto(urls.active);
    assert.equal(new URL(agent.page.url()).pathname, `/agent/${new URL(urls.active).pathname.split('/')[2]}`);
    assert.equal(await agent.page.locator('#log-form, .log').count(), 0, 'no log on the agent page');
    await assertAccessible(agent.page, 'the crisis for an agent');
  } finally {
    await agent.context.close();
  }
});

test('mobile viewport 390×844: the active crisis room', async () => {
  const s = await loggedInPage(env.browser, env.base, USERS.leader, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  try {
    await check(s.page, urls.active, 'active crisis room (mobile, crisis leader)');
    // WCAG 1.4.10 (reflow): nothing widens the page beyond the phone's 390 px.
    const widths = await s.page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
    }));
    assert.ok(widths.viewport <= 390, `layout viewport ${widths.viewport}px`);
    assert.ok(widths.page <= widths.viewport, `the page scrolls sideways on a phone: ${widths.page}px in ${widths.viewport}px`);
  } finally {
    await s.context.close();
  }
});
