// After the crisis in a real browser: the after-action report on screen and on paper, the tariffs
// and the billing page, and the evaluation form a person opens from the link in their mail
// (delivered to a small SMTP server here), each checked with axe-core.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { USERS, setup, loggedInPage, incidentUrl, incidentId, assertAccessible, apiSession } = require('./helpers');

/** An SMTP server that keeps every message it is given. */
function mailSink() {
  const messages = [];
  const server = net.createServer((socket) => {
    let data = false;
    let buffer = '';
    socket.on('error', () => {});
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (data) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          data = false;
          socket.write('250 kept\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (line.startsWith('EHLO')) socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (line.startsWith('DATA')) {
          data = true;
          socket.write('354 go on\r\n');
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, messages, close: () => server.close() })));
}

/** A message's text with quoted-printable soft breaks and escapes undone. */
const unfold = (m) => m.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

let env;
let sink;
before(async () => {
  sink = await mailSink();
  env = await setup({ KRISESERVICE_SMTP_URL: `smtp://127.0.0.1:${sink.port}` });
});
after(async () => {
  if (env) await env.close();
  if (sink) sink.close();
});

const displayed = (locator) => locator.evaluate((el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0);

test('the report is accessible on screen and prints without its forms, with its contents and KPIs', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.leader);
  try {
    const room = await incidentUrl(page, env.base, 'IT-nedbrud');
    await page.goto(room);
    await page.getByRole('link', { name: 'Evalueringsrapport og forbedringsplan' }).click();
    assert.match(page.url(), /\/report$/);
    await assertAccessible(page, 'report (screen)');
    await page.fill('#strengths', 'Hurtig aktivering; guiden kom ud inden for en halv time.');
    await page.fill('#improvements', 'IVR-omstillingen tog for lang tid.');
    await page.getByRole('button', { name: 'Gem styrker og forbedringsområder' }).click();
    await page.fill('#action-text', 'Øv IVR-omstillingen med kommunen');
    await page.fill('#action-owner', 'Frederikssund Kommune');
    await page.fill('#action-due', '2027-02-01');
    await page.getByRole('button', { name: 'Tilføj tiltag' }).click();
    assert.match(await page.locator('#plan').textContent(), /Øv IVR-omstillingen med kommunen/);
    assert.match(await page.locator('#analysis').textContent(), /Hurtig aktivering/);

    await page.emulateMedia({ media: 'print' });
    await assertAccessible(page, 'report (print)');
    assert.equal(await displayed(page.locator('nav.toc')), true, 'the table of contents is printed');
    assert.equal(await displayed(page.locator('table.kpis')), true, 'the KPIs are printed');
    const forms = page.locator('form');
    for (let n = 0; n < (await forms.count()); n += 1) {
      assert.equal(await displayed(forms.nth(n)), false, `form ${n} is not printed`);
    }
    assert.equal(await displayed(page.locator('.print-only').first()), true, "an action's status is printed as text");
    const breaks = await page.locator('section.page-break').evaluateAll((els) => els.map((e) => getComputedStyle(e).breakBefore));
    assert.ok(breaks.length >= 3 && breaks.every((b) => b === 'page'), `sections start on a new page: ${breaks}`);
  } finally {
    await context.close();
  }
});

test('the secretariat adds a tariff and issues the statements on the accessible billing page', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.secretariat);
  try {
    await page.goto(`${env.base}/admin/evaluering`);
    await assertAccessible(page, 'KPI targets and evaluation forms');
    await page.fill('#t-service_level', '85');
    await page.getByRole('button', { name: 'Gem målene' }).click();
    assert.equal(await page.inputValue('#t-service_level'), '85', 'the target is kept');
    await page.fill('#agents-4-text', 'Hvad fungerede bedst i briefingen?');
    await page.selectOption('#agents-4-kind', 'free_text');
    await page.locator('section[aria-labelledby="h-agents"]').getByRole('button', { name: 'Gem skemaet' }).click();
    assert.equal(await page.inputValue('#agents-4-text'), 'Hvad fungerede bedst i briefingen?', 'the question is kept');

    await page.goto(`${env.base}/takster`);
    await assertAccessible(page, 'tariffs');
    await page.fill('#valid_from', '2026-01-01');
    await page.fill('#activation_fee', '25000');
    await page.fill('#hour_rate', '450');
    await page.fill('#outside_surcharge', '225');
    await page.fill('#bid_compensation', '400');
    await page.getByRole('button', { name: 'Tilføj takst' }).click();
    assert.match(await page.locator('table').textContent(), /25\.000,00 kr\./);
    await assertAccessible(page, 'tariffs with a version');

    const room = await incidentUrl(page, env.base, 'IT-nedbrud');
    // Ten agents from 8 to 16 today: the agent-hours the statements bill.
    const staffing = await apiSession(env.base, 'bemanding@demo.kriseservice.invalid');
    const today = new Date().toISOString().slice(0, 10);
    const plan = await staffing.call('POST', `/incidents/${incidentId(room)}/shifts/plan`, { shifts: [{ start: `${today}T07:00:00Z`, end: `${today}T15:00:00Z`, agents: 10 }] });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    await page.goto(`${room}/afregning`);
    await assertAccessible(page, 'billing');
    await page.getByRole('button', { name: 'Udsted afregninger' }).click();
    assert.match(await page.locator('#h-statements').evaluate((h) => h.parentElement.textContent), /Nr\. \d+/);
    await assertAccessible(page, 'billing with statements');
  } finally {
    await context.close();
  }
});

test('closing sends each person a link to an accessible, anonymous form that takes one answer', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.leader);
  const room = await incidentUrl(page, env.base, 'IT-nedbrud');
  await context.close();
  const api = await apiSession(env.base, USERS.leader);
  const id = incidentId(room);
  let r = await api.call('POST', `/incidents/${id}/status`, { status: 'standing_down', note: 'Opkaldene er faldet.' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await api.call('POST', `/incidents/${id}/status`, { status: 'closed', note: 'Omstillingen virker igen.', all_clear: 'Omstillingen virker igen.' });
  assert.equal(r.status, 200, JSON.stringify(r.body));

  let link;
  for (let n = 0; n < 100 && !link; n += 1) {
    const mail = sink.messages.map(unfold).find((m) => m.includes(`To: ${USERS.agent}`) || m.includes(`<${USERS.agent}>`));
    link = mail && (mail.match(/\/evaluering\/[0-9a-f]{32}/) || [])[0];
    if (!link) await new Promise((res) => setTimeout(res, 200));
  }
  assert.ok(link, `no evaluation link reached the agent; ${sink.messages.length} messages`);

  const anonymous = await env.browser.newContext();
  try {
    const form = await anonymous.newPage();
    await form.goto(`${env.base}${link}`);
    assert.equal(await form.locator('h1').textContent(), 'Evaluering for agenter');
    await assertAccessible(form, 'evaluation form');
    await form.getByLabel('4', { exact: true }).first().check();
    await form.getByLabel('Ja').check();
    await form.fill('textarea', 'Mere tid til briefingen.');
    await form.getByRole('button', { name: 'Send svar' }).click();
    assert.match(await form.locator('p.notice[role=status]').textContent(), /Tak!/);
    await assertAccessible(form, 'evaluation form, answered');
    await form.goto(`${env.base}${link}`);
    assert.equal(await form.locator('button[type=submit]').count(), 0, 'answered: no second answer');
  } finally {
    await anonymous.close();
  }
});
