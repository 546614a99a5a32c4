// Shared helpers for the loader tests: where the built modules are, and the
// loader copy that ships with them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export const PKG = new URL('../../../www/pkg/', import.meta.url);
const SOURCES = new URL('../../', import.meta.url);
const BUILT_LOADER = new URL('loader/', PKG);

export function builtModule(name) {
  const url = new URL(name, PKG);
  if (!existsSync(url)) throw new Error(`${url.pathname} is missing: run ./build.sh first`);
  return url;
}

/**
 * The tests import the loader from www/pkg/loader/, the copy the page ships,
 * because it imports the generated ../abi.js (www/pkg/abi.js). Refuses a copy
 * that differs from loader/*.js, so an edit is never tested stale.
 */
export function builtLoaderUrl(name) {
  builtModule('abi.js');
  for (const file of readdirSync(SOURCES).filter((f) => f.endsWith('.js'))) {
    const copy = new URL(file, BUILT_LOADER);
    if (!existsSync(copy) || !readFileSync(copy).equals(readFileSync(new URL(file, SOURCES)))) {
      throw new Error(`www/pkg/loader/${file} is missing or differs from loader/${file}: run ./build.sh first`);
    }
  }
  return new URL(name, BUILT_LOADER);
}
