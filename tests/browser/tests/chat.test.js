// The chatbot widget a municipality embeds, as a citizen uses it: no login, answers only with
// the guide's approved wording, a handover with the crisis line and a callback form, usable with
// the keyboard, on a phone and without JavaScript, and free of WCAG 2.1 AA violations.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setup, assertAccessible, frameAncestors } = require('./helpers');

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.close();
});

async function anonymous(options = {}) {
  const context = await env.browser.newContext(options);
  const page = await context.newPage();
  return { context, page };
}

/** Types a question with the keyboard only and waits for the bot's answer bubble. */
async function askByKeyboard(page, question) {
  const bubbles = page.locator('#chat-log .from-bot');
  const before = await bubbles.count();
  await page.locator('#chat-message').focus();
  await page.keyboard.type(question);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#chat-log .from-bot').length > n, before, { timeout: 5000 });
  return (await bubbles.last().innerText()).trim();
}

test('the widget answers with the approved citizen wording, without reloading', async () => {
  const { context, page } = await anonymous();
  try {
    const res = await page.goto(`${env.base}/chat?municipality=0250`);
    assert.equal(res.status(), 200);
    assert.equal(frameAncestors(res.headers()['content-security-policy']), '*', 'embeddable on the municipality site');
    assert.equal((await page.locator('h1').innerText()).trim(), 'Spørg om krisen i Frederikssund');
    await assertAccessible(page, '/chat (empty)');
    const url = page.url();
    const answer = await askByKeyboard(page, 'jeg har brug for akut hjælp hvad gør jeg');
    assert.match(answer, /Ring 112 ved fare for liv/);
    const source = page.locator('#chat-log .from-bot').last().locator('p.source');
    assert.match(await source.innerText(), /^Kilde: IT-nedbrud: .+\. Opdateret (\d\d\.\d\d\.\d{4} )?kl\. \d\d\.\d\d\.$/, 'which crisis, and when its guide was updated');
    assert.equal(page.url(), url, 'answered in place, no navigation');
    assert.equal(await page.locator('#chat-message').inputValue(), '', 'the field is cleared for the next question');
    assert.equal(await page.locator('#chat-log').getAttribute('role'), 'log');
    await assertAccessible(page, '/chat (one answer)');
  } finally {
    await context.close();
  }
});

test('a question about something else is sent to the municipality, not passed on and offered no callback', async () => {
  const { context, page } = await anonymous();
  try {
    await page.goto(`${env.base}/chat?municipality=0250`);
    const answer = await askByKeyboard(page, 'hvornår har genbrugspladsen åbent i weekenden');
    assert.match(answer, /Jeg svarer kun på spørgsmål om den aktuelle krise\. .*Frederikssund Kommune/);
    assert.doesNotMatch(answer, /givet videre/, 'no promise the authority cannot keep');
    assert.ok(await page.locator('#handover').isVisible(), 'the crisis line is still shown, in case it is about the crisis');
    assert.equal(await page.locator('#callback-form').count(), 0, 'no callback about another matter');
    await assertAccessible(page, '/chat (off topic)');
  } finally {
    await context.close();
  }
});

test('a crisis question the guide does not cover is handed over with the crisis line and a callback form', async () => {
  const { context, page } = await anonymous();
  try {
    await page.goto(`${env.base}/chat?municipality=0250`);
    const answer = await askByKeyboard(page, 'får kommunen en bøde for nedbruddet');
    assert.match(answer, /Det kan jeg desværre ikke svare på\. Dit spørgsmål er givet videre til kommunen/);
    assert.ok(await page.locator('#handover').isVisible(), 'the crisis line is shown');
    assert.equal(await page.locator('#handover a[href^="tel:"]').getAttribute('href'), 'tel:70000000');
    await page.locator('#callback-form').waitFor({ timeout: 5000 });
    await assertAccessible(page, '/chat (handover)');
    await page.fill('#cb-name', 'Birthe Borger');
    await page.fill('#cb-phone', '20 30 40 50');
    await page.fill('#cb-reason', 'Jeg skal aflevere haveaffald');
    await Promise.all([page.waitForURL(/callback=ok/), page.click('#callback-form button[type=submit]')]);
    assert.match(await page.locator('.notice').innerText(), /anmodning om opkald er sendt/);
    await assertAccessible(page, '/chat (callback received)');
  } finally {
    await context.close();
  }
});

test('without JavaScript the form posts and the page shows the conversation', async () => {
  const { context, page } = await anonymous({ javaScriptEnabled: false });
  try {
    await page.goto(`${env.base}/chat?municipality=0250`);
    await page.fill('#chat-message', 'er du en robot?');
    await Promise.all([page.waitForURL(/conversation=/), page.click('#chat-form button[type=submit]')]);
    const turns = await page.locator('#chat-log .turn').allInnerTexts();
    assert.equal(turns.length, 2, JSON.stringify(turns));
    assert.match(turns[0], /er du en robot\?/);
    assert.match(turns[1], /Ja, jeg er en chatbot og ikke et menneske/);
    // An empty question is refused with words the citizen understands.
    await page.evaluate(() => document.getElementById('chat-message').removeAttribute('required'));
    await page.fill('#chat-message', '   ');
    await page.click('#chat-form button[type=submit]');
    assert.match(await page.locator('p.error[role=alert]').innerText(), /Skriv dit spørgsmål/);
  } finally {
    await context.close();
  }
});

test('on a phone the widget fits the screen', async () => {
  const { context, page } = await anonymous({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  try {
    await page.goto(`${env.base}/chat?municipality=0250`);
    await askByKeyboard(page, 'kan kommunen ringe mig op');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
    const box = await page.locator('#chat-form button[type=submit]').boundingBox();
    assert.ok(box.height >= 24 && box.width >= 24, `the send button is big enough to tap: ${JSON.stringify(box)}`);
    await assertAccessible(page, '/chat on a phone');
  } finally {
    await context.close();
  }
});
