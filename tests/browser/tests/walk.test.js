// The walk a new user takes, on a desktop and on a phone: the public page, the agent console, the
// crisis room and the chat, each checked with axe (colour contrast included) and photographed.
// The screenshots land in $SCREENSHOT_DIR (default target/screenshots) for a person to look at.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { USERS, setup, loggedInPage, incidentUrl, assertAccessible } = require('./helpers');

const SHOTS = process.env.SCREENSHOT_DIR || path.join(__dirname, '..', '..', '..', 'target', 'screenshots');
const DEVICES = {
  desktop: { viewport: { width: 1366, height: 768 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

let env;
before(async () => {
  env = await setup();
  fs.mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  if (env) await env.close();
});

/** Checks what `page` shows with axe, that nothing scrolls sideways, and photographs it. */
async function look(page, name, device) {
  await assertAccessible(page, `${name} (${device})`);
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(widths[0] <= widths[1], `${name} (${device}) scrolls sideways: ${widths[0]}px in ${widths[1]}px`);
  const file = path.join(SHOTS, `${name}-${device}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const png = fs.readFileSync(file);
  assert.ok(png.length > 5000 && png.subarray(1, 4).toString() === 'PNG', `${file} is a real screenshot`);
}

for (const [device, options] of Object.entries(DEVICES)) {
  test(`the walk on a ${device}: public page, chat, agent console and crisis room`, async () => {
    const citizen = await env.browser.newContext(options);
    try {
      const page = await citizen.newPage();
      await page.goto(`${env.base}/krise/0250`);
      await look(page, 'public-page', device);
      await page.goto(`${env.base}/chat?municipality=0250`);
      await page.fill('#chat-message', 'kan jeg tale med min sagsbehandler');
      await page.click('#chat-form button[type=submit]');
      await page.locator('#chat-log .turn').nth(1).waitFor({ state: 'visible', timeout: 5000 });
      await look(page, 'chat', device);
    } finally {
      await citizen.close();
    }

    const agent = await loggedInPage(env.browser, env.base, USERS.agent, options);
    try {
      assert.equal(new URL(agent.page.url()).pathname, '/agent', 'an agent lands in the console');
      await look(agent.page, 'agent-console', device);
    } finally {
      await agent.context.close();
    }

    const leader = await loggedInPage(env.browser, env.base, USERS.leader, options);
    try {
      await look(leader.page, 'crisis-list', device);
      await leader.page.goto(await incidentUrl(leader.page, env.base, 'IT-nedbrud'));
      await look(leader.page, 'crisis-room', device);
    } finally {
      await leader.context.close();
    }
  });
}

test('on the guide form every hint sits under its label and above its input, and no legend repeats a label', async () => {
  const s = await loggedInPage(env.browser, env.base, USERS.editor, DEVICES.desktop);
  try {
    const room = await incidentUrl(s.page, env.base, 'IT-nedbrud');
    await s.page.goto(`${room}/guide`);
    const misplaced = await s.page.$$eval('.field > .hint', (hints) =>
      hints
        .map((h) => {
          const label = h.parentElement.querySelector('label');
          const input = h.parentElement.querySelector('input, textarea, select');
          const [l, m, i] = [label, h, input].map((e) => e.getBoundingClientRect());
          return { text: h.textContent.slice(0, 40), ok: m.top >= l.bottom - 1 && i.top >= m.bottom - 1 };
        })
        .filter((x) => !x.ok)
        .map((x) => x.text),
    );
    assert.deepEqual(misplaced, [], 'hints beside their inputs');
    assert.ok((await s.page.locator('.field > .hint').count()) > 3, 'the form has hints to check');
    const repeated = await s.page.$$eval('fieldset', (sets) =>
      sets
        .filter((f) => {
          const legend = f.querySelector(':scope > legend');
          return legend && [...f.querySelectorAll('label')].some((l) => l.textContent.trim() === legend.textContent.trim());
        })
        .map((f) => f.querySelector(':scope > legend').textContent),
    );
    assert.deepEqual(repeated, [], 'a legend that says its only label again');
  } finally {
    await s.context.close();
  }
});
