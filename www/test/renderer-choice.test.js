// The renderer choice (www/renderer-choice.js) under Node: software WebGL
// names (as Chromium, Firefox and Mesa report them) pick Canvas2D, GPU names
// and a browser without WebGL2 behave as they should, and `?renderer=` wins.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseRenderer, isSoftwareRasterizer } from '../renderer-choice.js';

const SOFTWARE = [
  'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
  'Google SwiftShader',
  'llvmpipe, or similar',
  'llvmpipe (LLVM 15.0.6, 256 bits)',
  'softpipe',
  'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
];
const GPU = [
  'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)',
  'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
  'Apple GPU',
  'Apple M2',
  'AMD Radeon Pro 5500M OpenGL Engine',
  'Mali-G78',
];

test('software rasterizers are recognised, GPUs are not', () => {
  for (const name of SOFTWARE) assert.equal(isSoftwareRasterizer(name), true, name);
  for (const name of GPU) assert.equal(isSoftwareRasterizer(name), false, name);
  assert.equal(isSoftwareRasterizer(null), false);
  assert.equal(isSoftwareRasterizer(undefined), false);
});

test('automatic: WebGL2 on a GPU, Canvas2D on a software rasterizer or without WebGL2', () => {
  assert.deepEqual(chooseRenderer(null, () => GPU[0]), { kind: 'webgl2', wanted: 'auto', webgl: GPU[0], software: false });
  assert.deepEqual(chooseRenderer(null, () => SOFTWARE[0]), { kind: 'canvas2d', wanted: 'auto', webgl: SOFTWARE[0], software: true });
  assert.deepEqual(chooseRenderer('something else', () => null), { kind: 'canvas2d', wanted: 'auto', webgl: null, software: false });
  assert.equal(chooseRenderer(null, () => '').kind, 'webgl2', 'a name that could not be read: WebGL2 is tried');
});

test('?renderer= overrides the choice without asking WebGL', () => {
  const unasked = () => assert.fail('the WebGL name was read');
  assert.equal(chooseRenderer('webgl', unasked).kind, 'webgl2');
  assert.equal(chooseRenderer('canvas', unasked).kind, 'canvas2d');
});
