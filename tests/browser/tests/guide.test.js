// The crisis guide in use: the agent console's banners follow a published version live, an agent
// records what a citizen asked in one click (mouse, phone and keyboard), and the authority
// editor publishes from the editing page or is shown what to fix.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { USERS, setup, loggedInPage, incidentUrl, incidentId, apiSession, publishGuide } = require('./helpers');

let env;
let editor; // the authority editor of Frederikssund (0250), logged in through the form
let api; // the same person over the JSON API, for publishing behind the agents' backs
let id; // the active crisis (IT breakdown in Frederikssund)

before(async () => {
  env = await setup();
  editor = await loggedInPage(env.browser, env.base, USERS.editor);
  id = incidentId(await incidentUrl(editor.page, env.base, 'IT-nedbrud'));
  api = await apiSession(env.base, USERS.editor);
});
after(async () => {
  if (env) await env.close();
});

// Letters only: a run of digits in an inquiry's text is refused as a possible CPR number.
const unique = (what) => `${what} ${Array.from({ length: 8 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]).join('')}`;
const inHours = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString();

/** `datetime-local` value of `date` in Copenhagen time: "2026-11-23T14:05". */
function copenhagenInput(date) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Copenhagen',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** How the pages write a time: "23.11.2026 kl. 14.05", Copenhagen time. */
function copenhagenText(date) {
  const [d, t] = copenhagenInput(date).split('T');
  const [y, m, day] = d.split('-');
  return `${day}.${m}.${y} kl. ${t.replace(':', '.')}`;
}

/** Opens `path` and waits until its event stream is connected, so no event can be missed. */
async function openLive(page, path) {
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/events', { timeout: 5000 });
  const res = await page.goto(`${env.base}${path}`);
  assert.equal(res.status(), 200, `${path}: HTTP status`);
  assert.equal((await stream).status(), 200, `${path} opens an event stream`);
}

/**
 * Marks the window (a reload would lose the mark), counts main-frame navigations, and records
 * with the browser's clock when a banner first shows `text` (`window.__seen[text]`).
 */
async function watch(page) {
  await page.evaluate(() => {
    window.__noReload = 'still here';
    window.__seen = {};
    window.__watching = [];
    const check = () => {
      const texts = [...document.querySelectorAll('article.banner')].map((a) => a.textContent);
      for (const w of window.__watching) {
        if (window.__seen[w] === undefined && texts.some((t) => t.includes(w))) window.__seen[w] = Date.now();
      }
    };
    window.__watch = (w) => {
      window.__watching.push(w);
      check();
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  const counter = { navigations: 0 };
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) counter.navigations += 1;
  });
  return counter;
}

/** Waits (up to `timeout`) until a banner on `page` shows `text`; returns the browser's Date.now() then. */
async function seenAt(page, text, timeout) {
  await page.evaluate((t) => window.__watch(t), text);
  await page.waitForFunction((t) => window.__seen[t] !== undefined, text, { timeout });
  return page.evaluate((t) => window.__seen[t], text);
}

async function assertNotReloaded(page, counter, label) {
  assert.equal(await page.evaluate(() => window.__noReload), 'still here', `${label}: the page was not reloaded`);
  assert.equal(counter.navigations, 0, `${label}: no navigation happened`);
}

/** Minutes in a countdown like "(om 2 t 59 min)"; fails on any other text. */
function countdownMinutes(text) {
  const m = /^\(om (?:(\d+) t )?(\d+) min\)$/.exec(text.trim());
  assert.ok(m, `the countdown reads "${text}"`);
  return Number(m[1] || 0) * 60 + Number(m[2]);
}

/** The authority's summary of what citizens ask, read from its page as the editor. */
async function inquiryCounts() {
  const { page } = editor;
  const res = await page.goto(`${env.base}/incidents/${id}/inquiries`);
  assert.equal(res.status(), 200, 'the inquiry summary opens for the editor');
  const total = Number(await page.locator('main p', { hasText: 'Henvendelser i alt' }).locator('strong').textContent());
  const rows = await page.$$eval('main table:not(.bars) tbody tr', (trs) =>
    trs.map((tr) => [tr.querySelector('th').textContent.trim(), Number(tr.querySelector('td').textContent.trim())]),
  );
  const notCovered = await page.$$eval('main ol li', (lis) => lis.map((li) => li.textContent.trim()));
  return { total, perSituation: Object.fromEntries(rows), notCovered };
}

test('publishing the editing page without changing anything makes no new version', async () => {
  // The demo's guide, like one published over the API, has times to the second; the form
  // shows them to the minute. Sending the form back unchanged must not count as a change.
  const { page } = editor;
  await page.goto(`${env.base}/incidents/${id}/guide`);
  const meta = page.locator('main > p.meta').first();
  const before = Number(/^Version (\d+),/.exec(await meta.textContent())[1]);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit][name=then][value=publish]')]);
  const after = Number(/^Version (\d+),/.exec(await meta.textContent())[1]);
  const { body } = await api.call('GET', `/incidents/${id}/guide?version=${after}`);
  assert.equal(
    after,
    before,
    `an unchanged form published version ${after}; what changed: ${JSON.stringify(body && body.changes)}`,
  );
  assert.equal(await page.locator('p.notice[role=status]').count(), 0, 'no "published" notice');
});

test('a newly published banner reaches the open agent console and guide page within a second, without reload', async () => {
  const agent = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    const consolePage = agent.page;
    const guidePage = await agent.context.newPage();
    await openLive(consolePage, '/agent');
    await openLive(guidePage, `/agent/${id}`);

    // The console shows the active crisis's banner with its version and the next update.
    const banners = consolePage.locator('#banners article.banner');
    assert.equal(await banners.count(), 1, 'one live crisis, one banner');
    const banner = consolePage.locator(`#banners #banner-${id}`);
    assert.equal(await banner.count(), 1, 'the banner is the active crisis');
    assert.equal(await banner.locator(`h2 a[href="/agent/${id}"]`).count(), 1, 'the banner links to the guide');
    assert.match(await banner.locator('h2').textContent(), /^IT-nedbrud: Frederikssund/);
    assert.equal(
      (await banner.locator('.banner-text').textContent()).trim(),
      'Frederikssund: omstillingen er nede – giv den korte status og henvis akutte sager til 112',
    );
    const version = Number(await banner.getAttribute('data-version'));
    assert.ok(version >= 1, `the banner names its version (data-version=${version})`);
    assert.match(await banner.locator('.meta').textContent(), new RegExp(`^Version ${version}, `));
    assert.match(await banner.locator('p.freshness').textContent(), /^Næste opdatering forventes \d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d/);
    // The countdown next to it is filled in by the script (the demo's next update is 2 hours ahead).
    const left = countdownMinutes(await banner.locator('.countdown').textContent());
    assert.ok(left > 0 && left <= 120, `countdown ${left} min`);
    assert.equal(await guidePage.locator(`article#banner-${id}`).getAttribute('data-version'), String(version));
    assert.equal(await guidePage.locator('#live-notice').isVisible(), false, 'no notice before anything changed');

    const consoleNav = await watch(consolePage);
    const guideNav = await watch(guidePage);

    // The editor publishes a new version with a new banner, over the API.
    const text = unique('Browsertest: ny bannertekst');
    const requested = Date.now();
    const published = await publishGuide(api, id, { banner: text, next_update_at: inHours(3) });
    assert.equal(published.version, version + 1, 'the publish made the next version');

    const shownAt = await seenAt(consolePage, text, 5000);
    const latency = shownAt - published.at;
    console.log(
      `banner update latency on /agent: ${latency} ms after the publish response (${shownAt - requested} ms after the save+publish requests started)`,
    );
    assert.ok(latency < 1000, `the new banner appeared ${latency} ms after the publish response (limit 1000 ms)`);
    const guideLatency = (await seenAt(guidePage, text, 5000)) - published.at;
    console.log(`banner update latency on /agent/{id}: ${guideLatency} ms after the publish response`);
    assert.ok(guideLatency < 1000, `the guide page's banner changed ${guideLatency} ms after the publish response (limit 1000 ms)`);

    await assertNotReloaded(consolePage, consoleNav, '/agent');
    await assertNotReloaded(guidePage, guideNav, `/agent/${id}`);
    const fresh = consolePage.locator(`#banners #banner-${id}`);
    assert.equal(await consolePage.locator('#banners article.banner').count(), 1, 'still one banner, not a second one');
    assert.equal(await fresh.getAttribute('data-version'), String(version + 1));
    assert.equal((await fresh.locator('.banner-text').textContent()).trim(), text);
    assert.equal(await fresh.locator(`h2 a[href="/agent/${id}"]`).count(), 1, 'the refreshed banner still links to the guide');
    const leftNow = countdownMinutes(await fresh.locator('.countdown').textContent());
    assert.ok(leftNow >= 178 && leftNow <= 180, `the refreshed banner counts down from 3 hours: ${leftNow} min`);
    assert.equal(await consolePage.locator('#banners').getAttribute('aria-live'), 'polite', 'the banners region is still announced');

    // The guide page tells the agent that a newer version exists, with a link to show it.
    const notice = guidePage.locator('#live-notice');
    await notice.waitFor({ state: 'visible', timeout: 1000 });
    const reload = notice.locator('a');
    assert.equal((await reload.textContent()).trim(), 'Genindlæs');
    assert.equal((await guidePage.locator(`article#banner-${id} .banner-text`).textContent()).trim(), text);
    assert.equal(await consolePage.locator('#live-notice').isVisible(), false, 'the console needs no reload notice');
    // The table still belongs to the version on screen until the agent reloads.
    assert.equal(await guidePage.locator('input[name=version]').first().inputValue(), String(version));

    await Promise.all([guidePage.waitForNavigation(), reload.click()]);
    assert.equal(new URL(guidePage.url()).pathname, `/agent/${id}`);
    assert.equal(await guidePage.locator('#live-notice').isVisible(), false, 'the notice is gone after the reload');
    assert.equal(await guidePage.locator('input[name=version]').first().inputValue(), String(version + 1));
    assert.match(await guidePage.locator('#h-changes').textContent(), new RegExp(`Nyt siden version ${version}`));
    assert.ok((await guidePage.locator('section.changes').textContent()).includes(text), 'what changed lists the new banner');
  } finally {
    await agent.context.close();
  }
});

test('a guide whose next update passes turns into the overdue warning on the open pages, without reload', async () => {
  const agent = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    const consolePage = agent.page;
    const guidePage = await agent.context.newPage();
    await openLive(consolePage, '/agent');
    await openLive(guidePage, `/agent/${id}`);
    const consoleNav = await watch(consolePage);
    const guideNav = await watch(guidePage);

    const text = unique('Browsertest: opdatering lige om lidt');
    const due = Date.now() + 4000;
    const published = await publishGuide(api, id, { banner: text, next_update_at: new Date(due).toISOString() });
    const banner = consolePage.locator(`#banners #banner-${id}`);
    await seenAt(consolePage, text, 2000);
    if (Date.now() < due - 500) {
      assert.equal(await banner.evaluate((a) => a.classList.contains('overdue')), false, 'not overdue before the time');
      assert.match(await banner.locator('p.freshness').textContent(), /^Næste opdatering forventes/);
    }

    // The server marks it overdue a moment after the time; both pages switch to the warning.
    const overdueAt = await seenAt(consolePage, 'Opdateringen er forsinket.', 10000);
    const took = overdueAt - published.at;
    console.log(`overdue warning on /agent: ${took} ms after the publish response, ${overdueAt - due} ms after the promised time`);
    assert.ok(overdueAt >= due, `the warning came ${due - overdueAt} ms before the promised time`);
    assert.ok(took <= 10000, `the warning came ${took} ms after the publish`);
    const warning = banner.locator('p.freshness.overdue');
    assert.equal(await warning.getAttribute('role'), 'alert');
    assert.match(await warning.textContent(), /^Opdateringen er forsinket\. Næste opdatering var lovet \d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d\.$/);
    assert.equal(await banner.locator('.countdown').count(), 0, 'no countdown on an overdue guide');
    assert.equal((await banner.locator('.banner-text').textContent()).trim(), text, 'the banner text stays');

    const guideOverdueAt = await seenAt(guidePage, 'Opdateringen er forsinket.', 10000);
    console.log(`overdue warning on /agent/{id}: ${guideOverdueAt - due} ms after the promised time`);
    assert.ok(guideOverdueAt - published.at <= 10000);
    assert.equal(await guidePage.locator(`article#banner-${id} p.freshness.overdue[role=alert]`).count(), 1);

    await assertNotReloaded(consolePage, consoleNav, '/agent');
    await assertNotReloaded(guidePage, guideNav, `/agent/${id}`);

    // The banner itself is marked overdue (its warning colours come from the class).
    for (const [label, article] of [
      ['/agent', banner],
      [`/agent/${id}`, guidePage.locator(`article#banner-${id}`)],
    ]) {
      const tag = await article.evaluate((a) => a.outerHTML.slice(0, a.outerHTML.indexOf('>') + 1));
      assert.equal(await article.evaluate((a) => a.classList.contains('overdue')), true, `${label}: the overdue banner has the class "overdue": ${tag}`);
      assert.equal(
        await article.evaluate((a) => getComputedStyle(a).borderTopColor),
        'rgb(164, 22, 26)',
        `${label}: the overdue banner has the danger border colour`,
      );
    }
  } finally {
    await agent.context.close();
  }
});

test('an agent records an inquiry with one click, and the authority sees the count go up', async () => {
  const before = await inquiryCounts();
  const agent = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    const { page } = agent;
    await page.goto(`${env.base}/agent/${id}`);
    // The caller's municipality is preselected (the crisis's one affected municipality, not the
    // agent's own), so a row's button is all it takes.
    assert.equal(await page.inputValue('#inq-municipality'), '0250', 'the affected municipality is preselected');
    const row = page.locator('table.situations tbody tr').first();
    const situation = (await row.locator('th').textContent()).trim();
    assert.equal(situation, 'Borgeren spørger, hvad der sker');
    const button = row.locator('button[type=submit]');
    assert.equal((await button.textContent()).trim(), 'Registrér');
    assert.equal(await button.getAttribute('aria-label'), `Registrér: ${situation}`, 'the button says which row it records');

    let clicks = 0;
    await Promise.all([page.waitForNavigation(), button.click()]);
    clicks += 1;
    const url = new URL(page.url());
    assert.equal(url.pathname, `/agent/${id}`);
    assert.equal(url.searchParams.get('done'), 'inquiry');
    assert.equal(await page.inputValue('#inq-municipality'), '0250', 'the choice is kept after the click');
    const done = page.locator('p.notice[role=status]');
    assert.equal((await done.textContent()).trim(), 'Henvendelsen er registreret.');
    assert.ok(await done.isVisible(), 'the confirmation is visible');
    assert.ok(clicks <= 3, `${clicks} clicks`);

    // A question the guide does not cover: type it, one click.
    const question = unique('Browsertest: kan jeg få hjælp til boligstøtte');
    await page.fill('#inq-text', question);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit][name=situation][value=none]')]);
    assert.equal((await page.locator('p.notice[role=status]').textContent()).trim(), 'Henvendelsen er registreret.');

    const after = await inquiryCounts();
    assert.equal(after.total, before.total + 2, 'two more inquiries in all');
    assert.equal(after.perSituation[situation], (before.perSituation[situation] || 0) + 1, `one more for "${situation}"`);
    assert.ok(after.notCovered.some((q) => q.startsWith(question)), `the uncovered question is listed: ${JSON.stringify(after.notCovered)}`);
  } finally {
    await agent.context.close();
  }
});

test('on a phone (390×844) the guide page does not scroll sideways and every row button can be tapped', async () => {
  const before = await inquiryCounts();
  const agent = await loggedInPage(env.browser, env.base, USERS.agent, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  try {
    const { page } = agent;
    await page.goto(`${env.base}/agent/${id}`);
    const widths = await page.evaluate(() => ({
      page: document.scrollingElement.scrollWidth,
      viewport: document.scrollingElement.clientWidth,
    }));
    assert.ok(widths.viewport <= 390, `layout viewport ${widths.viewport}px`);
    assert.ok(widths.page <= widths.viewport + 1, `the body scrolls sideways on a phone: ${widths.page}px in ${widths.viewport}px`);

    const buttons = page.locator('table.situations tbody tr button[type=submit]');
    const n = await buttons.count();
    assert.ok(n >= 5, `${n} row buttons`);
    for (let i = 0; i < n; i += 1) {
      const b = buttons.nth(i);
      await b.scrollIntoViewIfNeeded();
      const box = await b.boundingBox();
      assert.ok(box, `row button ${i} has a box`);
      assert.ok(box.x >= 0 && box.x + box.width <= widths.viewport, `row button ${i} is within the screen's width: x=${box.x} w=${box.width}`);
      assert.ok(box.y >= 0 && box.y + box.height <= 844, `row button ${i} is on screen after scrolling to it: y=${box.y}`);
      assert.ok(box.height >= 24 && box.width >= 24, `row button ${i} is a target of at least 24×24 px: ${box.width}×${box.height}`);
      const hit = await b.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return top === el || el.contains(top);
      });
      assert.ok(hit, `row button ${i} is not covered by anything`);
    }
    // And a tap records it.
    const last = buttons.nth(n - 1);
    const situation = (await last.getAttribute('aria-label')).replace(/^Registrér: /, '');
    await last.scrollIntoViewIfNeeded();
    await Promise.all([page.waitForNavigation(), last.tap()]);
    assert.equal((await page.locator('p.notice[role=status]').textContent()).trim(), 'Henvendelsen er registreret.');
    const after = await inquiryCounts();
    assert.equal(after.total, before.total + 1);
    assert.equal(after.perSituation[situation], (before.perSituation[situation] || 0) + 1, `one more for "${situation}"`);
  } finally {
    await agent.context.close();
  }
});

test('on a phone (390×844) the "Registrér" buttons are in full view without swiping the table sideways', async () => {
  const agent = await loggedInPage(env.browser, env.base, USERS.agent, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  try {
    const { page } = agent;
    await page.goto(`${env.base}/agent/${id}`);
    // One click means one tap: a button half hidden in the table's own scroll box needs a swipe first.
    const layout = await page.locator('table.situations').evaluate((t) => {
      const box = t.closest('.scroll');
      const edge = box.getBoundingClientRect().right;
      const clipped = [...t.querySelectorAll('tbody button')]
        .map((b) => ({ label: b.getAttribute('aria-label'), right: Math.round(b.getBoundingClientRect().right) }))
        .filter((b) => b.right > edge + 1);
      return { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, edge: Math.round(edge), clipped };
    });
    assert.deepEqual(
      layout.clipped,
      [],
      `the situations table is ${layout.scrollWidth}px wide in a ${layout.clientWidth}px box; these buttons end beyond its right edge at ${layout.edge}px`,
    );
  } finally {
    await agent.context.close();
  }
});

test('with the keyboard alone, Tab from the top reaches the first "Registrér" and Enter records it', async () => {
  const before = await inquiryCounts();
  const agent = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    const { page } = agent;
    await page.goto(`${env.base}/agent/${id}`);
    const first = page.locator('table.situations tbody tr').first().locator('button[type=submit]');
    const situation = (await page.locator('table.situations tbody tr').first().locator('th').textContent()).trim();
    const path = [];
    let reached = false;
    for (let n = 0; n < 30 && !reached; n += 1) {
      await page.keyboard.press('Tab');
      path.push(
        await page.evaluate(() => {
          const a = document.activeElement;
          return `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''} "${(a.getAttribute('aria-label') || a.textContent || '').trim().slice(0, 30)}"`;
        }),
      );
      reached = await first.evaluate((b) => b === document.activeElement);
    }
    assert.ok(reached, `Tab never reached the first "Registrér"; focus went: ${path.join(' → ')}`);
    console.log(`Tab presses to the first "Registrér": ${path.length} (${path.join(' → ')})`);
    const outline = await first.evaluate((b) => {
      const s = getComputedStyle(b);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), focusVisible: b.matches(':focus-visible') };
    });
    assert.ok(outline.focusVisible && outline.style !== 'none' && outline.width >= 2, `the focus is visible: ${JSON.stringify(outline)}`);

    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).searchParams.get('done'), 'inquiry');
    assert.equal((await page.locator('p.notice[role=status]').textContent()).trim(), 'Henvendelsen er registreret.');
    const after = await inquiryCounts();
    assert.equal(after.total, before.total + 1);
    assert.equal(after.perSituation[situation], before.perSituation[situation] + 1, `Enter recorded "${situation}"`);
  } finally {
    await agent.context.close();
  }
});

test('the authority editor changes the status and the banner and publishes a new version', async () => {
  const { page } = editor;
  const res = await page.goto(`${env.base}/incidents/${id}/guide`);
  assert.equal(res.status(), 200);
  assert.equal((await page.locator('h1').textContent()).trim(), 'Redigér guiden');
  const meta = page.locator('main > p.meta').first();
  const before = Number(/^Version (\d+),/.exec(await meta.textContent())[1]);
  assert.equal(await page.locator('#problems').count(), 0, 'no problems before submitting');

  // Saving a draft keeps the published version as it is.
  const draftStatus = unique('Kladde: leverandøren tester rettelsen');
  await page.fill('#g-short_status', draftStatus);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit][name=then][value=save]')]);
  assert.equal((await page.locator('p.notice[role=status]').textContent()).trim(), 'Kladden er gemt.');
  assert.equal(await page.inputValue('#g-short_status'), draftStatus);
  assert.equal(Number(/^Version (\d+),/.exec(await meta.textContent())[1]), before, 'a draft is not published');

  const status = unique('Leverandøren har rettet fejlen; opkald kommer igennem igen fra kl. 13');
  const banner = unique('Frederikssund: omstillingen virker igen');
  // The next update, typed in Copenhagen time, to the minute.
  const next = new Date(Math.ceil((Date.now() + 3 * 3600 * 1000) / 60000) * 60000);
  await page.fill('#g-short_status', status);
  await page.fill('#g-banner', banner);
  await page.fill('#g-next_update_at', copenhagenInput(next));
  const [posted] = await Promise.all([
    page.waitForNavigation(),
    page.click('button[type=submit][name=then][value=publish]'),
  ]);
  assert.equal(posted.status(), 200);
  assert.equal(await page.locator('#problems').count(), 0, 'no problems');
  const notice = page.locator('p.notice[role=status]');
  assert.equal((await notice.textContent()).trim(), 'Guiden er offentliggjort som en ny version.');
  assert.ok(await notice.isVisible());
  assert.match(await meta.textContent(), new RegExp(`^Version ${before + 1}, `), 'the version number went up by one');
  assert.equal(await page.inputValue('#g-short_status'), status);
  assert.equal(await page.inputValue('#g-banner'), banner);
  assert.equal(await page.inputValue('#g-next_update_at'), copenhagenInput(next), 'the time reads back in Copenhagen time');
  assert.ok(
    (await page.locator('p.freshness').textContent()).includes(copenhagenText(next)),
    `the next update is shown as ${copenhagenText(next)}: ${await page.locator('p.freshness').textContent()}`,
  );

  // What was published is what was typed, the time read as Copenhagen time.
  const v = await api.call('GET', `/incidents/${id}/guide`);
  assert.equal(v.status, 200);
  assert.equal(v.body.version, before + 1);
  assert.equal(v.body.guide.short_status, status);
  assert.equal(v.body.guide.banner, banner);
  assert.equal(Date.parse(v.body.guide.next_update_at), next.getTime(), `next_update_at ${v.body.guide.next_update_at} is ${next.toISOString()}`);

  // And the agents see it.
  const agent = await loggedInPage(env.browser, env.base, USERS.agent);
  try {
    await agent.page.goto(`${env.base}/agent`);
    assert.equal((await agent.page.locator(`#banner-${id} .banner-text`).textContent()).trim(), banner);
  } finally {
    await agent.context.close();
  }
});

test('publishing with a wrong phone number and a past next update lists the problems, linked to their fields, and keeps what was typed', async () => {
  const { page } = editor;
  await page.goto(`${env.base}/incidents/${id}/guide`);
  const meta = page.locator('main > p.meta').first();
  const before = await meta.textContent();
  const banner = unique('Banner der ikke bliver offentliggjort');
  const phone = '12 34';
  const past = copenhagenInput(new Date(Date.now() - 24 * 3600 * 1000));
  await page.fill('#g-banner', banner);
  await page.fill('#g-contacts-0-phone', phone);
  await page.fill('#g-next_update_at', past);
  const [posted] = await Promise.all([
    page.waitForNavigation(),
    page.click('button[type=submit][name=then][value=publish]'),
  ]);
  assert.equal(posted.status(), 422);
  assert.equal(new URL(page.url()).pathname, `/incidents/${id}/guide`);

  const problems = page.locator('#problems');
  assert.equal(await problems.getAttribute('role'), 'alert');
  assert.ok(await problems.isVisible(), 'the problems are shown');
  const top = await problems.evaluate((p) => {
    const main = document.getElementById('main');
    const form = document.querySelector('form.guide-form');
    return main.contains(p) && Boolean(p.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert.ok(top, 'the problems are above the form');
  assert.equal(await page.locator('p.notice[role=status]').count(), 0, 'no success notice');
  assert.equal(await meta.textContent(), before, 'nothing was published');

  const links = await problems.locator('li a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), item: a.closest('li').textContent })));
  const hrefs = links.map((l) => l.href);
  assert.ok(hrefs.includes('#g-contacts-0-phone'), `the phone number is listed: ${JSON.stringify(links)}`);
  assert.ok(hrefs.includes('#g-next_update_at'), `the next update is listed: ${JSON.stringify(links)}`);

  // Every link leads to its field.
  for (const { href } of links) {
    const field = page.locator(href);
    assert.equal(await field.count(), 1, `${href} names one field on the page`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await problems.locator(`a[href="${href}"]`).click();
    await page.waitForFunction((h) => location.hash === h, href, { timeout: 2000 });
    const where = await field.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return {
        visible: r.top >= -1 && r.bottom <= window.innerHeight + 1,
        focused: document.activeElement === el,
        target: el.matches(':target'),
        top: r.top,
      };
    });
    assert.ok(where.visible, `${href}: the field is scrolled into view (${JSON.stringify(where)})`);
    assert.ok(where.focused || where.target, `${href}: the field is focused or the target (${JSON.stringify(where)})`);
    if (!where.focused) console.log(`note: following ${href} scrolls to the field but does not focus it`);
  }

  // What was typed is still there.
  assert.equal(await page.inputValue('#g-banner'), banner);
  assert.equal(await page.inputValue('#g-contacts-0-phone'), phone);
  assert.equal(await page.inputValue('#g-next_update_at'), past);
});

test('the problems name each field by the label the editor sees, with the reason in Danish', async () => {
  const { page } = editor;
  await page.goto(`${env.base}/incidents/${id}/guide`);
  await page.fill('#g-contacts-0-phone', '12 34');
  await page.fill('#g-next_update_at', copenhagenInput(new Date(Date.now() - 24 * 3600 * 1000)));
  const [posted] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit][name=then][value=publish]')]);
  assert.equal(posted.status(), 422);
  const problems = page.locator('#problems');
  const items = await problems.locator('li').evaluateAll((lis) =>
    lis.map((li) => {
      const a = li.querySelector('a');
      const target = document.getElementById(a.getAttribute('href').slice(1));
      const label = target && document.querySelector(`label[for="${target.id}"]`);
      const reason = li.querySelector('span[lang]');
      return { item: li.textContent.trim(), link: a.textContent.trim(), label: label ? label.textContent.trim() : null, reasonLang: reason ? reason.getAttribute('lang') : null };
    }),
  );
  assert.ok(items.length >= 2, JSON.stringify(items));
  for (const { item, link, label, reasonLang } of items) {
    assert.ok(label && link.includes(label), `the link "${link}" names its field by its label "${label}" (item: "${item}")`);
    // The shared validation names each rule by a code, which the page translates: no English left to mark.
    assert.equal(reasonLang, null, `the reason is Danish: "${item}"`);
  }
  const texts = items.map((i) => i.item).join(' | ');
  assert.ok(texts.includes('er ikke et dansk telefonnummer') && texts.includes('skal ligge ude i fremtiden'), texts);
  // Each field says its own problem too, read out with it.
  assert.equal(await page.getAttribute('#g-contacts-0-phone', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#g-contacts-0-phone', 'aria-describedby'), 'g-contacts-0-phone-error');
});

test('a problem with a whole situation row links to that row', async () => {
  const { page } = editor;
  await page.goto(`${env.base}/incidents/${id}/guide`);
  // A row with a situation but no action cannot be published.
  await page.fill('#g-situations-1-action', '');
  await page.fill('#g-contacts-0-phone', '112');
  await page.fill('#g-next_update_at', copenhagenInput(new Date(Date.now() + 3 * 3600 * 1000)));
  const [posted] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit][name=then][value=publish]')]);
  assert.equal(posted.status(), 422);
  const links = await page.locator('#problems li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const row = links.find((h) => h.startsWith('#g-situations-1'));
  assert.ok(row, `the row's problem is listed with a link: ${JSON.stringify(links)}`);
  assert.equal(await page.locator(row).count(), 1, `the link ${row} leads to an element on the page (links: ${JSON.stringify(links)})`);
  assert.equal(await page.inputValue('#g-situations-1-action'), '', 'what was typed (an empty action) is kept');
  assert.notEqual(await page.inputValue('#g-situations-1-situation'), '', 'the row is kept');
});
