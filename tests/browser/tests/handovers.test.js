// "What citizens ask", from the chatbot's handovers back into the guide: a question the chatbot
// hands over is listed on the inquiries page grouped with its count; the authority's editor adds
// it to a row of the guide with one click, the guide is published, and the chatbot answers the
// same question with that row. On a laptop and a phone, each checked with axe; the crisis leader,
// who reads the inquiries but does not edit the guide, sees no button.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl, assertAccessible } = require('./helpers');

const DESKTOP = { viewport: { width: 1366, height: 768 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
// Each size asks its own question no row of the demo's IT breakdown guide answers, twice worded.
const SIZES = [
  ['desktop', DESKTOP, ['får kommunen en bøde for nedbruddet af omstillingen', 'Får kommunen en bøde for nedbruddet af omstillingen?']],
  ['phone', PHONE, ['hvornår kommer der en forklaring på nedbruddet', 'Hvornår kommer der en forklaring på nedbruddet?']],
];

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.close();
});

async function ask(message) {
  const res = await fetch(`${env.base}/api/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, municipality: '0250' }),
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function noSidewaysScroll(page, label) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, `${label} scrolls sideways: ${scroll} > ${client}`);
}

for (const [size, options, [question, variant]] of SIZES) {
  test(`${size}: a handed-over question is listed with its count and added to a row in one click`, async () => {
    for (const q of [question, variant]) {
      const reply = await ask(q);
      assert.equal(reply.kind, 'not_covered', `${q}: ${JSON.stringify(reply)}`);
      assert.equal(reply.passed_on, true);
    }
    const s = await loggedInPage(env.browser, env.base, USERS.editor, options);
    try {
      const room = await incidentUrl(s.page, env.base, 'IT-nedbrud');
      await s.page.goto(`${room}/inquiries`);
      const section = s.page.locator('section[aria-labelledby=handovers]');
      assert.equal((await section.locator('h2').innerText()).trim(), 'Spørgsmål chatbotten gav videre');
      const group = section.locator('li.card', { hasText: question });
      assert.equal(await group.count(), 1, 'the two wordings are one group');
      assert.match(await group.locator('p.meta').innerText(), /^Stillet 2 · givet videre 2 · usikkert svar 0/);
      assert.equal(await group.locator('details li').count(), 2, 'both wordings under the group');
      await noSidewaysScroll(s.page, `the chatbot's questions (${size})`);
      await assertAccessible(s.page, `the chatbot's questions (${size})`);

      // The one click: the first row of the published guide.
      const select = group.locator('select[name=row]');
      const row = await select.locator('option').first().innerText();
      assert.equal(await select.locator('option').last().innerText(), 'Ny række (skrives færdig i guiden)');
      await Promise.all([s.page.waitForURL(/added=published/), group.locator('button[type=submit]').click()]);
      const notice = s.page.locator('section[aria-labelledby=handovers] p.notice[role=status]');
      assert.match(await notice.innerText(), /Spørgsmålet er føjet til guiden, og version \d+ er offentliggjort/);
      await noSidewaysScroll(s.page, `a question added (${size})`);
      await assertAccessible(s.page, `a question added (${size})`);

      // Re-measured: the chatbot now answers the question with that row.
      let reply;
      for (let n = 0; n < 100; n++) {
        reply = await ask(question);
        if (reply.kind === 'answer') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(reply.kind, 'answer', JSON.stringify(reply));
      assert.equal(reply.source.situation, 0, `answered with the row »${row}«`);
    } finally {
      await s.context.close();
    }
  });

  test(`${size}: who does not edit the guide sees the groups but no button`, async () => {
    const s = await loggedInPage(env.browser, env.base, USERS.leader, options);
    try {
      const room = await incidentUrl(s.page, env.base, 'IT-nedbrud');
      await s.page.goto(`${room}/inquiries`);
      const section = s.page.locator('section[aria-labelledby=handovers]');
      assert.ok((await section.locator('li.card').count()) >= 1);
      assert.equal(await section.locator('form').count(), 0);
      await noSidewaysScroll(s.page, `the chatbot's questions, read only (${size})`);
      await assertAccessible(s.page, `the chatbot's questions, read only (${size})`);
    } finally {
      await s.context.close();
    }
  });
}
