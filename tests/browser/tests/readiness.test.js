// Being reachable for a call-out, on a laptop and a phone: the readiness view with its stale
// deputy and the secretariat's policy form, "Mine kontaktmetoder" with a refused and an added
// method, and the call-out status in the crisis room. Each is checked with axe and must not
// scroll sideways.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl, assertAccessible } = require('./helpers');

const DESKTOP = { viewport: { width: 1366, height: 768 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const SIZES = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
];

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.close();
});

async function noSidewaysScroll(page, label) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, `${label} scrolls sideways: ${scroll} > ${client}`);
}

for (const [size, options] of SIZES) {
  test(`${size}: the readiness view shows the stale deputy and the policy form`, async () => {
    const s = await loggedInPage(env.browser, env.base, USERS.secretariat, options);
    try {
      await s.page.goto(`${env.base}/readiness`);
      assert.equal(await s.page.locator('h1').textContent(), 'Klar til udkald');
      const row = s.page.locator('table.readiness tr', { hasText: 'Lars Logstedfortræder' });
      assert.equal(await row.count(), 1);
      assert.match(await row.textContent(), /forældet/, 'the stale deputy is marked in words');
      assert.equal(await s.page.locator('table.readiness tbody tr').count(), 4, 'the four crisis roles');
      assert.ok(await s.page.locator('#stale-days').isVisible(), 'the secretariat sets the period');
      await noSidewaysScroll(s.page, `readiness (${size})`);
      await assertAccessible(s.page, `readiness (${size})`);
    } finally {
      await s.context.close();
    }
  });

  test(`${size}: my contact methods: a refused number is shown on the form, an added one waits for its code`, async () => {
    const s = await loggedInPage(env.browser, env.base, USERS.logKeeper, options);
    try {
      await s.page.goto(`${env.base}/account/contact-methods`);
      assert.match(await s.page.locator('ul.methods').textContent(), /logfoerer@demo\.kriseservice\.invalid/);
      await s.page.selectOption('#method-channel', 'sms');
      // Past the browser's own check, as an old browser would post it: the server refuses on the form.
      await s.page.fill('#method-address', '12');
      await s.page.click('form[action="/account/contact-methods"] button[type=submit]');
      assert.equal(await s.page.locator('#method-address').getAttribute('aria-invalid'), 'true');
      assert.equal(await s.page.locator('.error-summary').count(), 1);
      await assertAccessible(s.page, `a refused contact method (${size})`);
      const number = size === 'desktop' ? '20 12 34 56' : '21 12 34 56';
      await s.page.fill('#method-address', number);
      await Promise.all([s.page.waitForURL(/\/account\/contact-methods$/), s.page.click('form[action="/account/contact-methods"] button[type=submit]')]);
      const added = s.page.locator('ul.methods > li', { hasText: `+45${number.replace(/ /g, '')}` });
      assert.match(await added.textContent(), /ikke bekræftet/);
      assert.equal(await added.locator('input[name=code]').count(), 1, 'the code is typed in here');
      await noSidewaysScroll(s.page, `my contact methods (${size})`);
      await assertAccessible(s.page, `my contact methods (${size})`);
    } finally {
      await s.context.close();
    }
  });

  test(`${size}: the crisis room shows who was called out on which channel`, async () => {
    const s = await loggedInPage(env.browser, env.base, USERS.leader, options);
    try {
      const url = await incidentUrl(s.page, env.base, 'IT-nedbrud');
      await s.page.goto(url);
      const section = s.page.locator('section#callout');
      assert.equal(await section.locator('table.callout tbody tr').count(), 4);
      assert.match(await section.textContent(), /Karen Kriseleder/);
      assert.match(await section.textContent(), /e-mail/);
      await noSidewaysScroll(s.page, `crisis room call-out (${size})`);
      await assertAccessible(s.page, `crisis room call-out (${size})`);
    } finally {
      await s.context.close();
    }
  });
}
