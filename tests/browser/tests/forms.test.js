// A refused form on an agent's phone: "Ikke dækket af guiden" without a word of what was asked
// comes back on the same page, in Danish, with the municipality chosen, and stays accessible.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl, incidentId, assertAccessible } = require('./helpers');

let env;
let id;
before(async () => {
  env = await setup();
  const s = await loggedInPage(env.browser, env.base, USERS.leader);
  id = incidentId(await incidentUrl(s.page, env.base, 'IT-nedbrud'));
  await s.context.close();
});
after(async () => {
  if (env) await env.close();
});

test('phone: "not covered" without text is a Danish message on the agent\'s form, the choice kept', async () => {
  const s = await loggedInPage(env.browser, env.base, USERS.agent, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    await s.page.goto(`${env.base}/agent/${id}`);
    const other = await s.page.$eval('#inq-municipality optgroup:last-of-type option:nth-child(2)', (o) => o.value);
    await s.page.selectOption('#inq-municipality', other);
    const [res] = await Promise.all([s.page.waitForNavigation(), s.page.click('button[name="situation"][value="none"]')]);
    assert.equal(res.status(), 422);
    const summary = await s.page.locator('.error-summary[role=alert]').textContent();
    assert.ok(summary.includes('skriv med få ord'), summary);
    assert.ok(!(await s.page.content()).includes('Noget gik galt'), 'not the separate error page');
    assert.equal(await s.page.inputValue('#inq-municipality'), other, 'the municipality chosen is kept');
    assert.equal(await s.page.getAttribute('#inq-text', 'aria-invalid'), 'true');
    // The summary's link leads to the field.
    await s.page.click('.error-summary a[href="#inq-text"]');
    assert.equal(new URL(s.page.url()).hash, '#inq-text');
    await assertAccessible(s.page, "the agent's refused inquiry (phone)");
  } finally {
    await s.context.close();
  }
});
