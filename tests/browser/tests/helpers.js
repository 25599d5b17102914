// Shared set-up for the browser tests: a fresh demo server and headless Debian Chromium.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const PASSWORD = 'demo-blaa-cykel-ved-havnen';
const USERS = {
  leader: 'kriseleder@demo.kriseservice.invalid',
  logKeeper: 'logfoerer@demo.kriseservice.invalid',
  secretariat: 'sekretariat@demo.kriseservice.invalid',
  agent: 'agent1@demo.kriseservice.invalid',
  editor: 'redaktoer@demo.kriseservice.invalid',
  steeringGroup: 'styregruppe@demo.kriseservice.invalid',
};

function binary() {
  const bin = process.env.KRISESERVICE_BIN;
  if (!bin) throw new Error('KRISESERVICE_BIN must point at the kriseservice binary (target/debug/kriseservice)');
  if (!fs.existsSync(bin)) throw new Error(`KRISESERVICE_BIN=${bin} does not exist; run cargo build -p kriseservice`);
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(base, child, output, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`kriseservice exited with ${child.exitCode} before it was healthy:\n${output()}`);
    }
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`kriseservice did not answer /readyz within ${timeoutMs} ms:\n${output()}`);
}

/** Starts `kriseservice demo` on a free loopback port with a fresh data directory. */
async function startServer(env = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kriseservice-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(binary(), ['demo', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let log = '';
  const keep = (d) => {
    log += d.toString();
    if (log.length > 20000) log = log.slice(-20000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(base, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { base, stop, output: () => log };
}

function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/** A server and a browser for one test file; `close` stops both, whatever happened. `env` adds
 * to the server's environment (`KRISESERVICE_SMTP_URL`, say). */
async function setup(env = {}) {
  const server = await startServer(env);
  let browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    base: server.base,
    browser,
    serverOutput: server.output,
    async close() {
      try {
        await browser.close();
      } finally {
        await server.stop();
      }
    },
  };
}

/** Logs in through the form on /login and waits for the redirect away from it. */
async function login(page, base, email, password = PASSWORD) {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);
}

/** A new browser context (its own cookies) with a logged-in page. */
async function loggedInPage(browser, base, email, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  await login(page, base, email);
  return { context, page };
}

/** The crisis room URL of the incident whose title starts with `prefix`, read from the overview. */
async function incidentUrl(page, base, prefix) {
  await page.goto(`${base}/incidents`);
  const links = await page.$$eval('a[href^="/incidents/"]', (as) =>
    as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })),
  );
  const hit = links.find((l) => l.text.startsWith(prefix) && /^\/incidents\/[0-9a-f-]{36}$/.test(l.href));
  if (!hit) throw new Error(`no incident titled "${prefix}…" on /incidents; found: ${JSON.stringify(links)}`);
  return base + hit.href;
}

/** The incident's id from a crisis room URL (`…/incidents/{id}`). */
function incidentId(url) {
  return new URL(url).pathname.split('/')[2];
}

const AXE_SOURCE = require('node:fs').readFileSync(require.resolve('axe-core'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe (WCAG 2.1 A and AA) on what `page` shows now and fails with every violation spelled out.
 * It also fails when the browser refused anything under the Content-Security-Policy: the pages
 * run only our own files. (axe is evaluated through the debugging protocol, which the policy
 * does not govern, rather than added as an inline script, which it would refuse.)
 */
async function assertAccessible(page, label) {
  const refused = (await page.consoleMessages()).map((m) => m.text()).filter((t) => /Content Security Policy/i.test(t));
  assert.deepEqual(refused, [], `the browser refused something on ${label} under the Content-Security-Policy`);
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values } }),
    AXE_TAGS,
  );
  assert.ok(result.passes.length > 0, `axe ran no passing rule on ${label}; it did not run`);
  const ran = [...result.passes, ...result.violations, ...result.incomplete].some((r) => r.id === 'color-contrast');
  assert.ok(ran, `axe did not run its colour-contrast rule on ${label}`);
  const report = result.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    target: ${JSON.stringify(n.target)}\n    html:   ${n.html}\n    ${n.failureSummary.replace(/\n/g, '\n    ')}`)
        .join('\n');
      return `- ${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
  if (report) console.log(`axe violations on ${label}:\n${report}`);
  assert.equal(result.violations.length, 0, `axe found violations on ${label}:\n${report}`);
  // axe files text the same colour as its background under "incomplete", not "violations" (it is
  // often text hidden on purpose): ours never is, so it fails here. (White link-buttons on the
  // white public page went unnoticed this way.)
  const invisible = result.incomplete
    .filter((r) => r.id === 'color-contrast')
    .flatMap((r) => r.nodes)
    .filter((n) => n.any.some((c) => c.data && c.data.messageKey === 'equalRatio'))
    .map((n) => n.html);
  assert.deepEqual(invisible, [], `text the colour of its background on ${label}`);
}

/**
 * A JSON API session (cookie and CSRF token) for `email`, for what a test sets up outside the
 * browser under test. `call(method, path, body)` returns `{ status, body }`.
 */
async function apiSession(base, email, password = PASSWORD) {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`API login as ${email}: HTTP ${res.status} ${await res.text()}`);
  const { csrf } = await res.json();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('ks_session='));
  if (!cookie) throw new Error(`API login as ${email} set no session cookie`);
  async function call(method, apiPath, body) {
    const headers = { cookie, 'x-csrf-token': csrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${base}/api/v1${apiPath}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: r.status, body: json };
  }
  return { call };
}

/**
 * Saves the guide's draft with `changes` applied and publishes it; returns the publish answer
 * (`{ version, published_at }`) and when it arrived (`Date.now()`).
 */
async function publishGuide(api, id, changes) {
  const draft = await api.call('GET', `/incidents/${id}/guide/draft`);
  if (draft.status !== 200) throw new Error(`GET draft: HTTP ${draft.status} ${JSON.stringify(draft.body)}`);
  const guide = { ...draft.body.draft, ...changes };
  const saved = await api.call('PUT', `/incidents/${id}/guide`, guide);
  if (saved.status !== 200) throw new Error(`PUT guide: HTTP ${saved.status} ${JSON.stringify(saved.body)}`);
  const published = await api.call('POST', `/incidents/${id}/guide/publish`);
  const at = Date.now();
  if (published.status !== 201) throw new Error(`publish: HTTP ${published.status} ${JSON.stringify(published.body)}`);
  return { ...published.body, at };
}

/** The `frame-ancestors` directive's value in a Content-Security-Policy header. */
function frameAncestors(policy) {
  const directive = (policy || '').split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors '));
  return directive ? directive.slice('frame-ancestors '.length) : undefined;
}

module.exports = {
  frameAncestors,
  PASSWORD,
  USERS,
  setup,
  login,
  loggedInPage,
  incidentUrl,
  incidentId,
  assertAccessible,
  apiSession,
  publishGuide,
};
