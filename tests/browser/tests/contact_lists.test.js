// The contact lists: accessible on a desktop and on a phone, no sideways scrolling, "Tjekket i
// dag" one click that updates the date, the print view, and the vCard export read back by ical.js.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { PASSWORD, USERS, setup, loggedInPage, assertAccessible, apiSession } = require('./helpers');

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.close();
});

const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

/** Today's date as the pages write it, in Copenhagen: `03.12.2026`. */
function today() {
  return new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', day: '2-digit', month: '2-digit', year: 'numeric' })
    .format(new Date())
    .replace(/\//g, '.');
}

async function assertNoSidewaysScroll(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${label} scrolls sideways by ${overflow}px`);
}

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`the contact lists are accessible on a ${name} and do not scroll sideways`, async () => {
    const { context, page } = await loggedInPage(env.browser, env.base, USERS.secretariat, { viewport });
    try {
      await page.goto(`${env.base}/incidents`);
      const nav = page.locator('header.top nav a[href="/kontaktlister"]');
      assert.equal(await nav.count(), 1, 'the navigation links to the contact lists');
      if (name === 'desktop') await nav.click();
      else await page.goto(`${env.base}/kontaktlister`);
      await page.waitForURL((u) => u.pathname === '/kontaktlister');
      const ddh = page.locator('table.lists tbody tr', { hasText: 'Den Digitale Hotline' });
      assert.match(await ddh.textContent(), /Skal tjekkes/, 'the overview counts the stale entry');
      await assertAccessible(page, `/kontaktlister (${name})`);
      await assertNoSidewaysScroll(page, `/kontaktlister (${name})`);

      for (const org of ['DDH', '0250']) {
        await page.goto(`${env.base}/kontaktlister/${org}`);
        assert.ok((await page.locator('table.contacts tbody tr').count()) >= 1, `${org} has entries`);
        await assertAccessible(page, `/kontaktlister/${org} (${name})`);
        await assertNoSidewaysScroll(page, `/kontaktlister/${org} (${name})`);
      }
      const tel = page.locator('table.contacts a[href^="tel:+45"]').first();
      assert.match(await tel.getAttribute('href'), /^tel:\+45\d{8}$/);
      assert.equal(await page.locator('table.contacts a[href^="mailto:"]').count() >= 1, true);

      for (const print of ['/kontaktlister/DDH/udskrift', '/kontaktlister/udskrift']) {
        await page.goto(`${env.base}${print}`);
        await assertAccessible(page, `${print} (${name})`);
        await assertNoSidewaysScroll(page, `${print} (${name})`);
        await page.emulateMedia({ media: 'print' });
        const shown = (l) => l.evaluate((el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0);
        assert.equal(await shown(page.locator('header.top')), false, `${print}: the header is not printed`);
        assert.equal(await shown(page.locator('button[data-print]')), false, `${print}: the print button is not printed`);
        assert.equal(await shown(page.locator('table.ics').first()), true, `${print}: the contacts are printed`);
        await assertNoSidewaysScroll(page, `${print} on paper (${name})`);
        await page.emulateMedia({ media: 'screen' });
      }
    } finally {
      await context.close();
    }
  });
}

test('"Tjekket i dag" is one click and updates the date and the stale marker', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.secretariat, { viewport: PHONE });
  try {
    await page.goto(`${env.base}/kontaktlister/DDH`);
    const row = page.locator('table.contacts tbody tr', { hasText: 'Vidensbasens redaktion' });
    assert.match(await row.textContent(), /Aldrig tjekket/);
    assert.match(await row.locator('.badge.stale').textContent(), /Skal tjekkes/, 'stale is said in words');
    assert.equal(await row.evaluate((tr) => tr.classList.contains('stale')), true);

    await Promise.all([
      page.waitForNavigation(),
      row.getByRole('button', { name: 'Tjekket i dag: Vidensbasens redaktion' }).click(),
    ]);
    const checked = page.locator('table.contacts tbody tr', { hasText: 'Vidensbasens redaktion' });
    const text = await checked.textContent();
    assert.ok(text.includes(today()), `the row shows today's date ${today()}: ${text}`);
    assert.doesNotMatch(text, /Aldrig tjekket|Skal tjekkes/);
    assert.equal(await checked.locator('.badge.stale').count(), 0);
    await assertAccessible(page, 'the list after a check (phone)');
  } finally {
    await context.close();
  }
});

test('the vCard export is read back by ical.js', async () => {
  const ICAL = (await import('ical.js')).default;
  const api = await apiSession(env.base, USERS.secretariat);
  const list = await api.call('GET', '/contact-lists/0250');
  assert.equal(list.status, 200);
  const login = await fetch(`${env.base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: USERS.leader, password: PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('ks_session='));
  const res = await fetch(`${env.base}/api/v1/contact-lists/0250/export.vcf`, { headers: { cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/vcard; charset=utf-8');
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="kontaktliste-0250\.vcf"$/);
  const text = await res.text();
  assert.ok(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'every line is folded at 75 octets');

  const parsed = ICAL.parse(text);
  const cards = (Array.isArray(parsed[0]) ? parsed : [parsed]).map((j) => new ICAL.Component(j));
  assert.equal(cards.length, list.body.entries.length, 'one card per entry');
  for (const [n, card] of cards.entries()) {
    const entry = list.body.entries[n];
    assert.equal(card.name, 'vcard');
    assert.equal(card.getFirstPropertyValue('version'), '4.0');
    assert.equal(card.getFirstPropertyValue('fn'), entry.name);
    assert.equal(card.getFirstPropertyValue('org'), list.body.organisation.name);
    assert.equal(card.getFirstPropertyValue('note') || '', entry.note, 'the note, escapes and all, reads back');
    if (entry.note.includes(',')) assert.match(text, /NOTE:[^\r]*\\,/, 'a comma in a note is escaped');
    assert.equal(card.getFirstPropertyValue('email'), entry.email);
    const tel = card.getFirstProperty('tel');
    assert.equal(tel.getParameter('type'), 'work');
    assert.equal(tel.getFirstValue(), `tel:+45${entry.phone.replace(/\s/g, '')}`);
    const n2 = card.getFirstPropertyValue('n');
    assert.equal(n2[0], entry.name.split(' ').pop(), 'the family name is the last word');
    assert.ok(card.getFirstPropertyValue('rev'), 'REV is there');
  }
});
