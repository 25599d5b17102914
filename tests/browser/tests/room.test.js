// The crisis room on a laptop and a phone: the crisis staff fit at 1366×768, the step that ends
// the service is not the big button, and a refused form shows its problems on the form.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl, assertAccessible } = require('./helpers');

let env;
let url;
before(async () => {
  env = await setup();
  const s = await loggedInPage(env.browser, env.base, USERS.leader);
  url = await incidentUrl(s.page, env.base, 'IT-nedbrud');
  await s.context.close();
});
after(async () => {
  if (env) await env.close();
});

test('1366×768: the crisis staff table and its forms are not clipped', async () => {
  const s = await loggedInPage(env.browser, env.base, USERS.leader, { viewport: { width: 1366, height: 768 } });
  try {
    await s.page.goto(url);
    await s.page.click('#h-roles ~ details > summary');
    const widths = await s.page.evaluate(() => {
      const region = document.querySelector('#h-roles ~ .scroll');
      const section = document.querySelector('section[aria-labelledby="h-roles"]');
      return {
        region: [region.scrollWidth, region.clientWidth],
        section: [section.scrollWidth, section.clientWidth],
        page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
      };
    });
    assert.ok(widths.region[0] <= widths.region[1], `the staff table scrolls inside its box: ${widths.region}`);
    assert.ok(widths.section[0] <= widths.section[1], `the staff forms overflow their section: ${widths.section}`);
    assert.ok(widths.page[0] <= widths.page[1], `the page scrolls sideways: ${widths.page}`);
    // The current holders are chosen in the form.
    const chosen = await s.page.$$eval('select[id^="primary-"]', (all) => all.map((x) => x.selectedOptions[0].textContent));
    assert.ok(chosen.some((t) => t !== 'Ingen'), `a holder is chosen: ${chosen}`);
    await assertAccessible(s.page, 'crisis room 1366×768 with the staff forms open');
  } finally {
    await s.context.close();
  }
});

test('phone: standing down is a danger step behind a disclosure; a refused step shows its problems', async () => {
  const s = await loggedInPage(env.browser, env.base, USERS.leader, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    await s.page.goto(url);
    const step = s.page.locator('section[aria-labelledby="h-status"] button[data-status="standing_down"]');
    assert.equal(await step.getAttribute('class'), 'danger');
    assert.equal(await step.isVisible(), false, 'hidden until the disclosure is opened');
    await s.page.click('section[aria-labelledby="h-status"] details > summary');
    assert.ok(await step.isVisible());
    // Without the browser's own check (as an old browser would post it), the server refuses on the form.
    await s.page.evaluate(() => document.querySelectorAll('.status-step [required]').forEach((e) => e.removeAttribute('required')));
    await s.page.fill('#note-standing_down', 'Færre opkald');
    const [res] = await Promise.all([s.page.waitForNavigation(), step.click()]);
    assert.equal(res.status(), 422);
    const summary = s.page.locator('.error-summary[role=alert]');
    assert.ok((await summary.textContent()).includes('sæt flueben'), await summary.textContent());
    assert.equal(await s.page.inputValue('#note-standing_down'), 'Færre opkald', 'what was typed is kept');
    assert.equal(await s.page.getAttribute('#confirm-standing_down', 'aria-invalid'), 'true');
    await assertAccessible(s.page, 'crisis room with a refused step (phone)');
  } finally {
    await s.context.close();
  }
});
