// The Teams message the call-out posts, as `kriseservice notify card` prints it from the same code
// (channels::teams), parsed by Microsoft's own `adaptivecards` package as Teams' renderer parses it:
// no parse warning, no validation failure, and the acknowledgement button survives as Action.OpenUrl.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
// The package's `lib/` is ES modules without file extensions, which Node cannot load; its UMD
// bundle is the same library.
const AC = require('adaptivecards/dist/adaptivecards.js');

function kriseserviceCard(title, text, link) {
  const bin = process.env.KRISESERVICE_BIN;
  if (!bin || !fs.existsSync(bin)) throw new Error('KRISESERVICE_BIN must point at the kriseservice binary (target/debug/kriseservice)');
  const args = ['notify', 'card', '--title', title, '--text', text];
  if (link) args.push('--link', link);
  return JSON.parse(execFileSync(bin, args, { encoding: 'utf8', env: { ...process.env, KRISESERVICE_LOG: 'warn' } }));
}

/** Parses the card; returns it with every parse event and validation failure. */
function parse(content) {
  const context = new AC.SerializationContext();
  const card = new AC.AdaptiveCard();
  card.parse(content, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i).message);
  const failures = card.validateProperties().validationEvents.map((e) => e.message);
  return { card, events, failures };
}

test('the call-out card parses and validates with Microsoft adaptivecards', () => {
  const title = 'Udkald: IT-nedbrud: omstillingen er nede';
  const text = 'Du kaldes ud som kriseleder i krisen »IT-nedbrud«. Kvittér med linket, så ved krisestaben, at du har set det.';
  const link = 'https://krise.example.dk/kvittering/0123456789abcdef0123456789abcdef';
  const message = kriseserviceCard(title, text, link);

  assert.equal(message.type, 'message');
  assert.equal(message.attachments.length, 1);
  assert.equal(message.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
  const content = message.attachments[0].content;

  const { card, events, failures } = parse(content);
  assert.deepEqual(events, [], 'no parse warnings');
  assert.deepEqual(failures, [], 'no validation failures');
  assert.equal(card.version.toString(), '1.5');
  assert.ok(card.version.major === 1 && card.version.minor <= AC.Versions.latest.minor, 'a version the library knows');

  const json = card.toJSON();
  assert.equal(json.body[0].text, title);
  assert.equal(json.body[1].text, text);
  assert.equal(card.getActionCount(), 1);
  const action = card.getActionAt(0);
  assert.equal(action.getJsonTypeName(), 'Action.OpenUrl');
  assert.equal(action.url, link);
  assert.equal(action.title, 'Kvittér for udkaldet');
});

test('a card without a link has no button, and the checker does catch a broken card', () => {
  const { card, events, failures } = parse(kriseserviceCard('Test fra Kriseservice', 'Dette er en test.').attachments[0].content);
  assert.deepEqual([events, failures], [[], []]);
  assert.equal(card.getActionCount(), 0);

  // The same parse on a card with an element Teams does not know reports it: the check can fail.
  const broken = parse({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Blinktekst', text: 'x' }] });
  assert.ok(broken.events.length + broken.failures.length > 0, 'an unknown element is reported');
});
