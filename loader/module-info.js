// Reads the limits of the `env.memory` import out of a module's bytes.
//
// Note 1: the JS API has no way to ask a WebAssembly.Module for its memory
// limits (`WebAssembly.Module.imports` gives only names and kinds), and the
// memory we create must match them: initial >= the module's minimum, the
// same maximum, and shared.

const IMPORT_SECTION = 2;
const KIND_MEMORY = 2;
const LIMITS_HAS_MAX = 0x01;
const LIMITS_SHARED = 0x02;
const LIMITS_MEMORY64 = 0x04;

class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }
  byte() {
    if (this.at >= this.bytes.length) throw new Error(`truncated module at byte ${this.at}`);
    return this.bytes[this.at++];
  }
  u32() {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error(`bad LEB128 at byte ${this.at}`);
  }
  name() {
    const length = this.u32();
    const start = this.at;
    this.at += length;
    return new TextDecoder().decode(this.bytes.subarray(start, this.at));
  }
  skipTypeRef(kind) {
    switch (kind) {
      case 0: this.u32(); return; // function type index
      case 1: this.byte(); this.limits(); return; // table: reftype + limits
      case 3: this.byte(); this.byte(); return; // global: valtype + mutability
      case 4: this.byte(); this.u32(); return; // tag
      default: throw new Error(`unknown import kind ${kind} at byte ${this.at}`);
    }
  }
  limits() {
    const flags = this.byte();
    const initial = this.u32();
    const maximum = flags & LIMITS_HAS_MAX ? this.u32() : undefined;
    return { flags, initial, maximum };
  }
}

/**
 * Returns `{ module, name, initial, maximum, shared }` for the memory the
 * module imports, or throws if it imports none.
 */
export function memoryImport(bytes) {
  const reader = new Reader(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d];
  for (const expected of magic) {
    if (reader.byte() !== expected) throw new Error('not a WebAssembly module (bad magic)');
  }
  reader.at = 8; // magic + version
  while (reader.at < bytes.length) {
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.at + size;
    if (id === IMPORT_SECTION) {
      const count = reader.u32();
      for (let i = 0; i < count; i++) {
        const module = reader.name();
        const name = reader.name();
        const kind = reader.byte();
        if (kind !== KIND_MEMORY) {
          reader.skipTypeRef(kind);
          continue;
        }
        const { flags, initial, maximum } = reader.limits();
        if (flags & LIMITS_MEMORY64) throw new Error('64-bit memories are not supported');
        return { module, name, initial, maximum, shared: Boolean(flags & LIMITS_SHARED) };
      }
    }
    reader.at = end;
  }
  throw new Error('the module imports no memory (was it linked with --import-memory?)');
}
