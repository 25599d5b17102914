// WCAG 2.1 A/AA checks with axe-core on the guide's pages: the agent console, the editing page
// (also with its problems shown), the authority's pages and the public crisis pages.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl, incidentId, assertAccessible } = require('./helpers');

let env;
const sessions = {};
let id;

before(async () => {
  env = await setup();
  const { browser, base } = env;
  sessions.agent = await loggedInPage(browser, base, USERS.agent);
  sessions.editor = await loggedInPage(browser, base, USERS.editor);
  id = incidentId(await incidentUrl(sessions.editor.page, base, 'IT-nedbrud'));
});
after(async () => {
  if (env) await env.close();
});

async function check(page, path, label, expectedStatus = 200) {
  const res = await page.goto(`${env.base}${path}`);
  assert.equal(res.status(), expectedStatus, `${label}: HTTP status`);
  assert.equal(new URL(page.url()).pathname, new URL(`${env.base}${path}`).pathname, `${label}: not redirected`);
  await assertAccessible(page, label);
}

test('agent: the console and the guide page', async () => {
  const { page } = sessions.agent;
  await check(page, '/agent', '/agent (agent)');
  await check(page, `/agent/${id}`, '/agent/{id} (agent)');
});

test('agent: the guide page with a confirmation, after a callback request', async () => {
  const { page } = sessions.agent;
  await page.goto(`${env.base}/agent/${id}`);
  await page.fill('#cb-name', 'Bodil Borger');
  await page.fill('#cb-phone', '20 30 40 50');
  await page.fill('#cb-reason', 'Skal have svar om sin boligsag i dag; kan ikke komme igennem på telefonen.');
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/callbacks"] button[type=submit]')]);
  assert.equal(new URL(page.url()).searchParams.get('done'), 'callback');
  assert.equal((await page.locator('p.notice[role=status]').textContent()).trim(), 'Anmodningen om opkald er sendt til myndigheden.');
  await assertAccessible(page, '/agent/{id}?done=callback (agent)');
});

test('agent: the guide page on a phone (390×844)', async () => {
  const s = await loggedInPage(env.browser, env.base, USERS.agent, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  try {
    await check(s.page, `/agent/${id}`, '/agent/{id} (agent, mobile)');
  } finally {
    await s.context.close();
  }
});

test('authority editor: the editing page, and with its problems listed', async () => {
  const { page } = sessions.editor;
  await check(page, `/incidents/${id}/guide`, '/incidents/{id}/guide (editor)');
  await page.fill('#g-contacts-0-phone', '12 34');
  await page.fill('#g-next_update_at', '2020-01-01T10:00');
  const [res] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit][name=then][value=publish]')]);
  assert.equal(res.status(), 422);
  assert.ok(await page.locator('#problems[role=alert]').isVisible(), 'the problems are shown');
  await assertAccessible(page, '/incidents/{id}/guide with problems (editor)');
});

test('authority editor: feedback, inquiries and callback requests', async () => {
  const { page } = sessions.editor;
  await check(page, `/incidents/${id}/feedback`, '/incidents/{id}/feedback (editor)');
  assert.ok((await page.locator('ul.cards li.card').count()) >= 1, 'the demo feedback is listed');
  await check(page, `/incidents/${id}/inquiries`, '/incidents/{id}/inquiries (editor)');
  assert.ok((await page.locator('main table').count()) >= 1, 'the summary has its tables');
  await check(page, `/incidents/${id}/callbacks`, '/incidents/{id}/callbacks (editor)');
});

test('anonymous: the public crisis pages', async () => {
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    await check(page, '/krise', '/krise');
    await check(page, '/krise/0250', '/krise/0250');
    await check(page, '/krise/0250/embed', '/krise/0250/embed');
  } finally {
    await context.close();
  }
});

test('staffing lead: the staffing page, on a desktop and on a phone, and after an import with rejected rows', async () => {
  const s = await loggedInPage(env.browser, env.base, 'bemanding@demo.kriseservice.invalid');
  const phone = await loggedInPage(env.browser, env.base, 'bemanding@demo.kriseservice.invalid', {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  try {
    await check(s.page, `/incidents/${id}/staffing`, '/incidents/{id}/staffing (staffing lead)');
    assert.ok(await s.page.locator('figure.chart svg[role=img] rect.answered').count() >= 12, 'the demo calls are charted');
    assert.match(await s.page.locator('ul.recommendations').textContent(), /Der mangler \d+(–\d+)? agenter/);
    await s.page.fill('#i-csv', 'start;length_s;offered;answered;abandoned;answered_within_target;avg_handle_s;avg_wait_s\n2020-01-01 10:00;1800;ti;1;0;1;180;5');
    await Promise.all([s.page.waitForNavigation(), s.page.click('form[action$="/staffing/import"] button[type=submit]')]);
    assert.match(await s.page.locator('#import-report').textContent(), /Linje 2/);
    await assertAccessible(s.page, '/incidents/{id}/staffing after an import (staffing lead)');
    await check(phone.page, `/incidents/${id}/staffing`, '/incidents/{id}/staffing (staffing lead, mobile)');
    const wide = await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(wide, false, 'the page does not scroll sideways on a phone');
  } finally {
    await s.context.close();
    await phone.context.close();
  }
});

test('shift plan: the staffing lead lays it, a member municipality bids, both pages accessible', async () => {
  const lead = await loggedInPage(env.browser, env.base, 'bemanding@demo.kriseservice.invalid');
  const member = await loggedInPage(env.browser, env.base, 'vagter@demo.kriseservice.invalid', { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await check(lead.page, `/incidents/${id}/shifts`, '/incidents/{id}/shifts, no plan (staffing lead)');
    // One shift per row of the form.
    for (const [n, [start, end, agents]] of [['2026-12-24T06:00', '2026-12-24T14:00', '20'], ['2026-12-24T14:00', '2026-12-24T22:00', '12']].entries()) {
      await lead.page.fill(`#p-shift-${n}-start`, start);
      await lead.page.fill(`#p-shift-${n}-end`, end);
      await lead.page.fill(`#p-shift-${n}-agents`, agents);
    }
    await Promise.all([lead.page.waitForNavigation(), lead.page.click('form[action$="/shifts/plan"] button[type=submit]')]);
    assert.equal(await lead.page.locator('section.card').count(), 2, 'two shifts laid');
    await assertAccessible(lead.page, '/incidents/{id}/shifts with a plan (staffing lead)');

    await check(member.page, `/incidents/${id}/shifts`, '/incidents/{id}/shifts (shift contact, mobile)');
    const input = member.page.locator('section.card input[name=agents]').first();
    await input.fill('3');
    await Promise.all([member.page.waitForNavigation(), member.page.locator('section.card button[type=submit]').first().click()]);
    assert.equal(await member.page.locator('section.card input[name=agents]').first().inputValue(), '3', 'the bid is kept');
    await assertAccessible(member.page, '/incidents/{id}/shifts after a bid (shift contact, mobile)');

    await Promise.all([lead.page.waitForNavigation(), lead.page.click('form[action$="/shifts/award"] button[type=submit]')]);
    assert.match(await lead.page.locator('section.card').first().textContent(), /3 tildelt/);
  } finally {
    await lead.context.close();
    await member.context.close();
  }
});
