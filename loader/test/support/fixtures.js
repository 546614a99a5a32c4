// Shared helpers for the loader tests: where the built modules are.
import { existsSync } from 'node:fs';

export const PKG = new URL('../../../www/pkg/', import.meta.url);

export function builtModule(name) {
  const url = new URL(name, PKG);
  if (!existsSync(url)) throw new Error(`${url.pathname} is missing: run ./build.sh first`);
  return url;
}
