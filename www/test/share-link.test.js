// Share links (www/share-link.js) under Node: the base64url text against
// Node's own encoder, round trips of random files of many lengths, the
// size limit, and every malformed fragment giving an error (never a throw)
// while other fragments give null. Needs www/pkg/abi.js (./build.sh), which
// config.js imports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { REPLAY_LINK_MAX_BYTES } from '../config.js';
import { replayFromLocation, replayLinkFor } from '../share-link.js';

const PAGE = 'https://example.org/quicksand/';
const ERROR_START = "This link's replay could not be read: ";
/** Chromium's address bar shows this much of a URL (config.js says why it matters). */
const ADDRESS_BAR_CHARS = 32 * 1024;

/** Every length up to a few groups of 3, then some far apart, up to the limit. */
const LENGTHS = [...Array.from({ length: 200 }, (_, i) => i + 1), 255, 256, 257, 1000, 4095, 4096, 4097, 12_345, REPLAY_LINK_MAX_BYTES - 1, REPLAY_LINK_MAX_BYTES];

const fragmentOf = (url) => url.slice(url.indexOf('#'));

/** Asserts that the fragment reads as an error (and does not throw), returning the message. */
function assertError(hash, why) {
  let result;
  assert.doesNotThrow(() => {
    result = replayFromLocation(hash);
  }, `${why}: replayFromLocation threw`);
  assert.ok(result && typeof result.error === 'string', `${why}: expected { error }, got ${JSON.stringify(result)}`);
  assert.ok(result.error.startsWith(ERROR_START), `${why}: the message says what failed: ${result.error}`);
  assert.equal(result.bytes, undefined, `${why}: no bytes with an error`);
  return result.error;
}

test('the link is #replay= and the file in base64url without padding, as Node encodes it', () => {
  for (const length of LENGTHS) {
    const bytes = new Uint8Array(randomBytes(length));
    const { url } = replayLinkFor(bytes, PAGE);
    assert.equal(url, `${PAGE}#replay=${Buffer.from(bytes).toString('base64url')}`, `length ${length}`);
    assert.match(fragmentOf(url), /^#replay=[A-Za-z0-9_-]+$/, 'no padding, only the URL-safe alphabet');
  }
});

test('random files of many lengths come back byte for byte, with and without the #', () => {
  for (const length of LENGTHS) {
    const bytes = new Uint8Array(randomBytes(length));
    const fragment = fragmentOf(replayLinkFor(bytes, PAGE).url);
    for (const hash of [fragment, fragment.slice(1)]) {
      const result = replayFromLocation(hash);
      assert.ok(result?.bytes instanceof Uint8Array, `length ${length}: ${JSON.stringify(result?.error)}`);
      assert.deepEqual(result.bytes, bytes, `length ${length}`);
    }
  }
  // Every byte value, in every position of a group of three.
  const all = Uint8Array.from({ length: 256 * 3 }, (_, i) => (i * 7) % 256);
  assert.deepEqual(replayFromLocation(fragmentOf(replayLinkFor(all, PAGE).url)).bytes, all);
});

test('files up to REPLAY_LINK_MAX_BYTES get a link that fits the address bar; bigger ones are too big', () => {
  const largest = replayLinkFor(new Uint8Array(REPLAY_LINK_MAX_BYTES).fill(0xa5), PAGE);
  assert.ok(largest.url, 'the limit itself still gets a link');
  assert.ok(largest.url.length <= ADDRESS_BAR_CHARS, `the largest link is ${largest.url.length} characters`);
  assert.deepEqual(replayLinkFor(new Uint8Array(REPLAY_LINK_MAX_BYTES + 1), PAGE), { tooBig: true, limit: REPLAY_LINK_MAX_BYTES });
  assert.deepEqual(replayLinkFor(new Uint8Array(10 * REPLAY_LINK_MAX_BYTES), PAGE), { tooBig: true, limit: REPLAY_LINK_MAX_BYTES });
});

test("the link keeps the page's address, not its query or fragment", () => {
  const bytes = Uint8Array.of(1, 2, 3);
  assert.equal(replayLinkFor(bytes, 'http://127.0.0.1:8000/?threads=3&renderer=canvas#replay=AAAA').url, 'http://127.0.0.1:8000/#replay=AQID');
  assert.equal(replayLinkFor(bytes, 'https://example.org/games/quicksand/index.html#other').url, 'https://example.org/games/quicksand/index.html#replay=AQID');
});

test('a malformed replay fragment gives an error, never a throw', () => {
  // Not random: a link missing its last character is valid base64 of one
  // byte less whenever the new last character's spare bits happen to be
  // zero (one time in four). All ones never leaves them zero.
  const valid = fragmentOf(replayLinkFor(new Uint8Array(45).fill(0xff), PAGE).url);
  const cases = [
    ['#replay=', 'empty'],
    ['#replay', 'the key alone'],
    ['replay=', 'empty, without #'],
    ['#replay=AAAA+AAA', 'standard base64 +'],
    ['#replay=AAAA/AAA', 'standard base64 /'],
    ['#replay=AQI=', 'padding'],
    ['#replay=AQ==', 'double padding'],
    ['#replay=AAAA AAAA', 'a space'],
    ['#replay=AAAA\nAAAA', 'a line break'],
    ['#replay=AAAA.AAA', 'a dot'],
    ['#replay=AAAA&x=1', 'another parameter after it'],
    ['#replay=AAAAé', 'a letter outside ASCII'],
    ['#replay=AAAA\u{1F600}', 'an emoji'],
    ['#replay=AAAA\u200b', 'a zero-width space'],
    ['#replay=A', 'one character'],
    ['#replay=AAAAA', 'five characters: cut off mid-byte'],
    [valid.slice(0, -1), 'a real link missing its last character'],
    [valid.slice(0, 8 + 4 * 5 + 1), 'a real link cut to 4n+1 characters'],
    ['#replay=AR', 'bits after the last byte (AR is not canonical: AQ is)'],
    ['#replay=AQJ', 'bits after the last two bytes (AQI is canonical)'],
    ['#replay=%', 'a lone %'],
    ['#replay=%zz', 'a % with no hex after it'],
    ['#replay=AAAA%E0%A4%A', 'a truncated UTF-8 escape'],
    ['#replay=%C0%AF', 'an overlong UTF-8 escape'],
    ['#replay=%2B%2F', 'escaped + and /'],
    ['#replay=%00%00', 'escaped NULs'],
    ['#replay=%20', 'an escaped space'],
  ];
  const messages = new Set();
  for (const [hash, why] of cases) messages.add(assertError(hash, why));
  assert.ok(messages.size >= 5, 'the messages say which problem it was');
  assert.match(assertError('#replay=', 'empty'), /nothing after #replay=/);
  assert.match(assertError('#replay=AAAA AAAA', 'a space'), /contains a space/);
  assert.match(assertError('#replay=AAAA+AAA', '+'), /contains "\+"/);
  assert.match(assertError('#replay=AAAA\u200b', 'zero-width'), /"\\u200b"/);
  assert.match(assertError('#replay=AAAAA', 'cut'), /cut off/);
  assert.match(assertError('#replay=%zz', '%'), /%-escape/);
});

test('escaped characters of the alphabet are read as the characters', () => {
  assert.deepEqual(replayFromLocation('#replay=%41QID').bytes, Uint8Array.of(1, 2, 3));
});

test('random text after #replay= never throws', () => {
  const pool = 'AQZaz09-_+/=%. \n#&?é\u{1F600}\u0000';
  const symbols = [...pool];
  for (let round = 0; round < 5_000; round++) {
    const length = round % 40;
    let text = '';
    for (let i = 0; i < length; i++) text += symbols[Math.floor(Math.random() * symbols.length)];
    let result;
    assert.doesNotThrow(() => {
      result = replayFromLocation(`#replay=${text}`);
    }, JSON.stringify(text));
    assert.ok(result && (result.bytes instanceof Uint8Array || typeof result.error === 'string'), JSON.stringify(text));
  }
});

test('other fragments hold no replay: null', () => {
  for (const hash of ['', '#', '#foo', '#replays=AQID', '#Replay=AQID', '#REPLAY=AQID', '#x=1&replay=AQID', '#replayAQID', 'replay-AQID', '#=AQID', '#seed=3']) {
    assert.equal(replayFromLocation(hash), null, JSON.stringify(hash));
  }
  for (const notText of [undefined, null, 42, {}, []]) assert.equal(replayFromLocation(notText), null, String(notText));
});
