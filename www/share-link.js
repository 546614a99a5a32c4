// Share links: a `.qsreplay` file carried in the page's address as
// `#replay=` + the file in base64url without padding (RFC 4648 §5). Only
// the text of the link is handled here; whether the bytes are a replay
// (magic, checksum, body) is replay-format.js's question.
//
// The replay rides in the fragment, not the query, because the browser
// never sends a fragment to the server: no server limit applies, and the
// replay stays between the people who share it.

import { REPLAY_LINK_MAX_BYTES } from './config.js';

/** What comes after `#` in a share link, before the encoded file. */
const FRAGMENT_KEY = 'replay';
const FRAGMENT_PREFIX = `${FRAGMENT_KEY}=`;
/** The base64url alphabet (RFC 4648 §5, table 2): index = the 6-bit value. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NOT_IN_ALPHABET = -1;
const VALUE_OF = (() => {
  const table = new Int8Array(128).fill(NOT_IN_ALPHABET);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();
/** Every 3 bytes make 4 characters; a last group of 1 or 2 bytes makes 2 or 3. */
const BYTES_PER_GROUP = 3;
const CHARS_PER_GROUP = 4;
const ERROR_PREFIX = "This link's replay could not be read: ";

/** The file as base64url without padding. */
function encodeBase64Url(bytes) {
  const chars = [];
  for (let i = 0; i < bytes.length; i += BYTES_PER_GROUP) {
    const left = bytes.length - i;
    const group = (bytes[i] << 16) | ((left > 1 ? bytes[i + 1] : 0) << 8) | (left > 2 ? bytes[i + 2] : 0);
    chars.push(ALPHABET[(group >> 18) & 63], ALPHABET[(group >> 12) & 63]);
    if (left > 1) chars.push(ALPHABET[(group >> 6) & 63]);
    if (left > 2) chars.push(ALPHABET[group & 63]);
  }
  return chars.join('');
}

/** Characters a message cannot show as they are: controls, invisible spaces and marks. */
const INVISIBLE = /[\u007f-\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f-\u206f\ufeff]/g;

/** How a character is named in a message: quoted, with what would not show escaped. */
function nameCharacter(char) {
  if (char === ' ') return 'a space';
  return JSON.stringify(char).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The bytes of base64url text without padding, or `{ error }` (what is wrong, in the player's words). */
function decodeBase64Url(text) {
  if (text.length === 0) return { error: 'the link has nothing after #replay=.' };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= VALUE_OF.length || VALUE_OF[code] === NOT_IN_ALPHABET) {
      return { error: `the link contains ${nameCharacter(String.fromCodePoint(text.codePointAt(i)))}, which a replay link never has (only A–Z, a–z, 0–9, - and _). It may have been changed on the way.` };
    }
  }
  const rest = text.length % CHARS_PER_GROUP;
  // One character carries 6 bits, less than a byte: a link cut off in the middle.
  if (rest === 1) return { error: `the link ends in the middle of a byte (${text.length} characters after #replay=): it looks cut off. Copy the whole link again.` };
  const bytes = new Uint8Array(Math.floor(text.length / CHARS_PER_GROUP) * BYTES_PER_GROUP + (rest === 0 ? 0 : rest - 1));
  let out = 0;
  for (let i = 0; i < text.length; i += CHARS_PER_GROUP) {
    const n = Math.min(CHARS_PER_GROUP, text.length - i);
    let group = 0;
    for (let j = 0; j < CHARS_PER_GROUP; j++) group = (group << 6) | (j < n ? VALUE_OF[text.charCodeAt(i + j)] : 0);
    bytes[out++] = group >> 16;
    if (n > 2) bytes[out++] = (group >> 8) & 255;
    if (n > 3) bytes[out++] = group & 255;
    // The encoder leaves the bits after the last byte zero (RFC 4648 §3.5);
    // others there mean a last character that was changed or a cut that
    // happened to leave a valid length.
    const unusedBits = n === 2 ? group & 0xffff : n === 3 ? group & 0xff : 0;
    if (unusedBits !== 0) return { error: 'its last character does not end a byte as a replay link does: the link looks cut off or changed. Copy the whole link again.' };
  }
  return { bytes };
}

/**
 * The share link for a replay file on the page at `pageUrl`
 * (`location.href`): `{ url }`, or `{ tooBig: true, limit }` for a file
 * over REPLAY_LINK_MAX_BYTES (share it as a file then). The page's query
 * (threads, renderer, size...) is left out: those are the sharer's device
 * settings, and the replay says which world it plays.
 */
export function replayLinkFor(bytes, pageUrl) {
  if (bytes.length > REPLAY_LINK_MAX_BYTES) return { tooBig: true, limit: REPLAY_LINK_MAX_BYTES };
  const page = new URL(pageUrl);
  page.search = '';
  page.hash = '';
  return { url: `${page.href}#${FRAGMENT_PREFIX}${encodeBase64Url(bytes)}` };
}

/**
 * The replay in a location's fragment (`location.hash`, with or without
 * its `#`): null when it holds none (no fragment, or any other one),
 * `{ bytes }` (a `.qsreplay` file, not yet checked), or `{ error }`, a
 * sentence for the player. Never throws.
 */
export function replayFromLocation(hash) {
  try {
    if (typeof hash !== 'string') return null;
    const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
    if (fragment !== FRAGMENT_KEY && !fragment.startsWith(FRAGMENT_PREFIX)) return null;
    let text;
    try {
      // A replay link has nothing to escape; an app on the way may still
      // have escaped characters, which is harmless when they decode to the
      // alphabet (and refused below when they do not).
      text = decodeURIComponent(fragment.slice(FRAGMENT_PREFIX.length));
    } catch {
      return { error: `${ERROR_PREFIX}the link contains a broken %-escape. It may have been changed on the way.` };
    }
    const decoded = decodeBase64Url(text);
    return decoded.error ? { error: ERROR_PREFIX + decoded.error } : decoded;
  } catch (error) {
    return { error: `${ERROR_PREFIX}${error?.message ?? String(error)}.` };
  }
}
