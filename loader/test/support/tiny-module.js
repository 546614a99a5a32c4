// A hand-assembled module that looks like the sim from outside (it imports a
// shared env.memory and exports qs_abi_version) but reports any ABI version:
// a real module from another build, in a few bytes, for the mismatch test.

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 };
const FUNC_TYPE = 0x60;
const I32 = 0x7f;
const KIND_FUNC = 0x00;
const KIND_MEMORY = 0x02;
const LIMITS_MAX_AND_SHARED = 0x03;
const I32_CONST = 0x41;
const END = 0x0b;

function unsignedLeb(value) {
  const bytes = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signedLeb(value) {
  const bytes = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const name = (text) => [...unsignedLeb(text.length), ...new TextEncoder().encode(text)];
const section = (id, body) => [id, ...unsignedLeb(body.length), ...body];
const vector = (...items) => [...unsignedLeb(items.length), ...items.flat()];

/** `(module (import "env" "memory" (memory 1 1 shared)) (func (export "qs_abi_version") (result i32) i32.const VERSION))` */
export function moduleReportingAbiVersion(version) {
  const body = [0x00, I32_CONST, ...signedLeb(version), END]; // no locals
  return new Uint8Array([
    ...MAGIC_AND_VERSION,
    ...section(SECTION.type, vector([FUNC_TYPE, 0x00, 0x01, I32])),
    ...section(SECTION.import, vector([...name('env'), ...name('memory'), KIND_MEMORY, LIMITS_MAX_AND_SHARED, 0x01, 0x01])),
    ...section(SECTION.function, vector([0x00])),
    ...section(SECTION.export, vector([...name('qs_abi_version'), KIND_FUNC, 0x00])),
    ...section(SECTION.code, vector([...unsignedLeb(body.length), ...body])),
  ]);
}
