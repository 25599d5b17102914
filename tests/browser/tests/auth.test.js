// Logging in and out, and what a role may not open, as a person in a browser sees it.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, login } = require('./helpers');

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.close();
});

test('a wrong password shows an error and stays on /login', async () => {
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${env.base}/login`);
    assert.equal(await page.locator('.notice.error').count(), 0, 'no error before trying');
    await page.fill('#email', USERS.leader);
    await page.fill('#password', 'ikke-det-rigtige');
    const [res] = await Promise.all([
      page.waitForNavigation(),
      page.click('form[action="/login"] button[type=submit]'),
    ]);
    assert.equal(res.status(), 401);
    assert.equal(new URL(page.url()).pathname, '/login');
    const error = page.locator('[role=alert]');
    assert.ok(await error.isVisible(), 'the error is shown');
    assert.equal((await error.textContent()).trim(), 'Forkert e-mail eller adgangskode.');
    assert.equal(await page.inputValue('#email'), USERS.leader, 'the e-mail is kept');
    assert.equal(await page.inputValue('#password'), '', 'the password is not echoed');
    const cookies = await context.cookies();
    assert.ok(!cookies.some((c) => c.name === 'ks_session'), `no session cookie: ${JSON.stringify(cookies.map((c) => c.name))}`);
    // And no way in: the overview sends the browser back to the login page.
    await page.goto(`${env.base}/incidents`);
    assert.equal(new URL(page.url()).pathname, '/login');
  } finally {
    await context.close();
  }
});

test('the right password logs in and leads to the page asked for', async () => {
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${env.base}/admin/roster`);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/login');
    assert.equal(url.searchParams.get('next'), '/admin/roster');
    await page.fill('#email', USERS.secretariat);
    await page.fill('#password', 'demo-blaa-cykel-ved-havnen');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
    assert.equal(new URL(page.url()).pathname, '/admin/roster');
    assert.equal(await page.locator('nav.tabs a[aria-current=page]').getAttribute('href'), '/admin/roster');
  } finally {
    await context.close();
  }
});

test('an agent opening /admin/users gets a 403 page', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    assert.equal(new URL(page.url()).pathname, '/agent', 'an agent lands in the agent console');
    assert.equal(await page.locator('header nav a[href="/admin"]').count(), 0, 'no admin link for an agent');
    const res = await page.goto(`${env.base}/admin/users`);
    assert.equal(res.status(), 403);
    assert.equal(new URL(page.url()).pathname, '/admin/users');
    assert.equal((await page.locator('h1').textContent()).trim(), 'Noget gik galt');
    assert.equal((await page.locator('[role=alert]').textContent()).trim(), 'Du har ikke adgang til dette.');
    assert.equal(await page.locator('table').count(), 0, 'no user list leaks onto the page');
    assert.ok(!(await page.content()).includes('sekretariat@demo.kriseservice.invalid'));
  } finally {
    await context.close();
  }
});

test('logging out returns to /login and ends the session', async () => {
  const { context, page } = await loggedInPage(env.browser, env.base, USERS.logKeeper);
  try {
    assert.ok((await context.cookies()).some((c) => c.name === 'ks_session' && c.value), 'logged in with a session cookie');
    await page.goto(`${env.base}/incidents`);
    const logout = page.locator('header form[action="/logout"] button[type=submit]');
    assert.match(await logout.textContent(), /Log ud/);
    await Promise.all([page.waitForNavigation(), logout.click()]);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await page.locator('#email').count(), 1);
    assert.ok(!(await context.cookies()).some((c) => c.name === 'ks_session' && c.value), 'the session cookie is cleared');
    // The session is gone: the overview asks for a login again.
    await page.goto(`${env.base}/incidents`);
    assert.equal(new URL(page.url()).pathname, '/login');
    // A new login in the same browser works.
    await login(page, env.base, USERS.logKeeper);
    assert.equal(new URL(page.url()).pathname, '/incidents');
  } finally {
    await context.close();
  }
});
