// Exercises in the browser, each page checked with axe on a laptop and a phone: the scenario
// editor (a built-in scenario copied, a wrong time refused on its field, the fix saved), the
// controller's clock (play, an inject delivered by hand, pause), and the evaluator's form (named
// by the controller, a blank observation refused, a written one listed).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, assertAccessible } = require('./helpers');

const DESKTOP = { viewport: { width: 1366, height: 768 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.close();
});

async function noSidewaysScroll(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${label} scrolls sideways by ${overflow}px`);
}

async function check(page, label) {
  await assertAccessible(page, label);
  await noSidewaysScroll(page, label);
}

for (const [size, options] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`${size}: the scenario editor copies a built-in scenario, refuses a wrong time on its field and saves the fix`, async () => {
    const { context, page } = await loggedInPage(env.browser, env.base, USERS.secretariat, options);
    try {
      await page.goto(`${env.base}/scenarios`);
      assert.equal(await page.locator('h1').innerText(), 'Øvelsesscenarier');
      assert.equal(await page.locator('table.scenarios tbody tr', { hasText: 'Indbygget' }).count(), 6, 'the six built-in scenarios');
      await check(page, `/scenarios (${size})`);

      await page.click('a[href="/scenarios/energinet-cyberangreb"]');
      await page.waitForURL(/\/scenarios\/energinet-cyberangreb$/);
      assert.equal(await page.locator('#h-editor').count(), 0, 'a built-in scenario is not edited');
      await check(page, `a built-in scenario (${size})`);
      const id = `nordjylland-${size}`;
      await page.fill('#copy-id', id);
      await Promise.all([page.waitForURL(new RegExp(`/scenarios/${id}$`)), page.click('form[action$="/copy"] button[type=submit]')]);
      assert.equal(await page.locator('#h-editor').innerText(), 'Ret scenariet');
      await check(page, `the scenario editor (${size})`);

      // A time that is no time is refused on its own field, with the summary linking to it.
      await page.fill('#injects-1-at', 'kl. 14');
      await page.click('form.scenario-editor button[type=submit]');
      await page.waitForSelector('#injects-1-at[aria-invalid=true]');
      const summary = page.locator('form.scenario-editor a[href="#injects-1-at"]');
      assert.equal(await summary.count(), 1, 'the summary links to the field');
      assert.equal(await page.inputValue('#injects-1-at'), 'kl. 14', 'what was typed is kept');
      await check(page, `a refused scenario (${size})`);

      await page.fill('#injects-1-at', 'T+00:20');
      await page.fill('#injects-1-message', 'Ændret i øvelsens drejebog');
      await Promise.all([page.waitForURL(new RegExp(`/scenarios/${id}$`)), page.click('form.scenario-editor button[type=submit]')]);
      assert.equal(await page.inputValue('#injects-1-message'), 'Ændret i øvelsens drejebog');
      assert.equal(await page.locator('[aria-invalid=true]').count(), 0);
    } finally {
      await context.close();
    }
  });
}

test('the controller runs the clock and delivers an inject by hand; an evaluator writes an observation', async () => {
  const controller = await loggedInPage(env.browser, env.base, USERS.secretariat, DESKTOP);
  const evaluator = await loggedInPage(env.browser, env.base, USERS.steeringGroup, PHONE);
  try {
    const { page } = controller;
    await page.goto(`${env.base}/scenarios`);
    const row = page.locator('table tbody tr', { hasText: 'Oversvømmelse' }).first();
    await row.locator('select[name=speed]').selectOption('60');
    await Promise.all([page.waitForURL(/\/incidents\/[0-9a-f-]{36}\/exercise$/), row.locator('button[type=submit]').click()]);
    const url = page.url();
    assert.match(await page.locator('h1').innerText(), /^Øvelse: /);
    assert.equal(await page.locator('dd.clock').innerText(), 'T+00:00 / T+06:00');
    await check(page, 'the controller\'s clock (paused)');

    await Promise.all([page.waitForURL(/#h-clock$/), page.click('button[value=play]')]);
    await new Promise((r) => setTimeout(r, 2500));
    await page.reload();
    assert.notEqual(await page.locator('dd.clock').innerText(), 'T+00:00 / T+06:00', 'the clock runs');
    assert.ok((await page.locator('tr.delivered').count()) >= 1, 'the first inject went at T+0');
    const manual = page.locator('table.injects tbody tr', { hasText: 'Manuelt' }).first();
    await Promise.all([page.waitForURL(/#h-injects$/), manual.locator('button[type=submit]').click()]);
    assert.equal(await page.locator('table.injects tbody tr', { hasText: 'Manuelt' }).first().locator('button').count(), 0, 'delivered');
    await Promise.all([page.waitForURL(/#h-clock$/), page.click('button[value=pause]')]);
    assert.equal(await page.locator('button[value=play]').count(), 1);
    await check(page, 'the controller\'s clock (running, then paused)');

    // The steering group's member is named an evaluator, and writes an observation.
    await page.fill('#part-email', USERS.steeringGroup);
    await page.selectOption('#part-part', 'evaluator');
    await Promise.all([page.waitForURL(/#h-parts$/), page.click('form[action$="/parts"] button[type=submit]')]);
    const e = evaluator.page;
    await e.goto(url);
    assert.equal(await e.locator('form[action$="/clock"]').count(), 0, 'an evaluator does not run the clock');
    await check(e, 'the evaluator\'s form (phone)');
    await e.selectOption('#obs-inject', { index: 1 });
    await e.selectOption('#obs-objective', { index: 1 });
    await e.fill('#obs-text', '   ');
    await e.click('form[action$="/observations"] button[type=submit]');
    await e.waitForSelector('#obs-text[aria-invalid=true]');
    await check(e, 'a refused observation (phone)');
    await e.check('label:has-text("Udført med nogle udfordringer")');
    await e.fill('#obs-text', 'Logføreren skrev beslutningen ind efter 12 minutter.');
    await Promise.all([e.waitForURL(/#h-observations$/), e.click('form[action$="/observations"] button[type=submit]')]);
    const listed = e.locator('section[aria-labelledby=h-observations] li.card');
    assert.equal(await listed.count(), 1);
    assert.match(await listed.innerText(), /Udført med nogle udfordringer[\s\S]*Logføreren skrev beslutningen ind/);
    await check(e, 'an observation written (phone)');
  } finally {
    await controller.context.close();
    await evaluator.context.close();
  }
});
