// The ICS 214 activity log as it comes out of a printer: no navigation or forms, the log table.
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

const displayed = (locator) => locator.evaluate((el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0);

test('the print page hides navigation and forms on paper and keeps the activity table', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.leader);
  try {
    const room = await incidentUrl(page, env.base, 'IT-nedbrud');
    const res = await page.goto(`${room}/log/print`);
    assert.equal(res.status(), 200);
    const nav = page.locator('header.top nav');
    const forms = page.locator('form');
    const table = page.locator('table.ics.activity');
    const printButton = page.locator('button[data-print]');

    // On screen, the navigation, the logout form and the print button are there.
    await page.emulateMedia({ media: 'screen' });
    assert.equal(await displayed(nav), true, 'navigation is shown on screen');
    assert.ok((await forms.count()) > 0, 'the page has a form (logout)');
    assert.equal(await displayed(forms.first()), true, 'the logout form is shown on screen');
    assert.equal(await displayed(printButton), true, 'the print button is shown on screen');

    await page.emulateMedia({ media: 'print' });
    assert.equal(await displayed(page.locator('header.top')), false, 'the header is not printed');
    assert.equal(await displayed(nav), false, 'the navigation is not printed');
    for (let n = 0; n < (await forms.count()); n += 1) {
      assert.equal(await displayed(forms.nth(n)), false, `form ${n} is not printed`);
    }
    assert.equal(await displayed(printButton), false, 'the print button is not printed');
    assert.equal(await displayed(page.locator('a.skip')), false, 'the skip link is not printed');

    assert.equal(await displayed(table), true, 'the activity table is printed');
    const rows = table.locator('tbody tr');
    assert.ok((await rows.count()) >= 1, 'the activity table has the log entries');
    assert.equal(await displayed(rows.first()), true);
    assert.match(await rows.first().textContent(), /#1/);
    const headers = await table.locator('thead th').allTextContents();
    assert.deepEqual(headers.map((h) => h.trim()), ['Tidspunkt', 'Væsentlige aktiviteter']);
    assert.equal(await displayed(page.locator('h1')), true, 'the title is printed');

    // The whole page fits the paper's width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the printed page is ${overflow}px too wide`);
  } finally {
    await context.close();
  }
});
