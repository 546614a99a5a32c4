// Which renderer draws the world. WebGL2 where it runs on a GPU. Where the
// browser's WebGL2 is a software rasterizer (no GPU, or a blocklisted one:
// SwiftShader, llvmpipe), Canvas2D: then every WebGL frame is rasterised on
// the CPU and, with software compositing, read back for the compositor, on
// the cores the workers need. On this project's 2-core VM the game at max
// speed stepped about half again as fast in Chromium on Canvas2D as on
// WebGL2, at 60 fps instead of ~53 (docs/PERFORMANCE.md). `?renderer=webgl` or
// `?renderer=canvas` overrides the choice.

/** Renderer names of software WebGL implementations (UNMASKED_RENDERER_WEBGL, else RENDERER). */
const SOFTWARE_RASTERIZER = /swiftshader|llvmpipe|softpipe|software rasterizer|microsoft basic render/i;

/** Whether a WebGL renderer name is a software rasterizer. */
export function isSoftwareRasterizer(name) {
  return typeof name === 'string' && SOFTWARE_RASTERIZER.test(name);
}

/**
 * The name of the WebGL2 renderer this browser would give the page, read
 * from a throwaway canvas (a canvas keeps the first kind of context it
 * hands out, so the page's own canvas must not be asked); null without
 * WebGL2, '' when its name could not be read.
 */
export function webglRendererName() {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof name === 'string' ? name : null;
  } catch (error) {
    // Not knowing is no reason to refuse WebGL2: an empty name, and the page tries it.
    console.warn(`quicksand: could not read the WebGL2 renderer's name: ${error.message}`);
    return '';
  }
}

/**
 * The choice for `wanted` (the `?renderer=` value: 'webgl', 'canvas', or
 * anything else for automatic): `{ kind, wanted, webgl, software }`, where
 * kind is the renderer to try first ('webgl2' or 'canvas2d'), webgl the
 * WebGL2 renderer's name (null when not asked or absent), software whether
 * that is a software rasterizer.
 */
export function chooseRenderer(wanted, readName = webglRendererName) {
  if (wanted === 'canvas') return { kind: 'canvas2d', wanted, webgl: null, software: false };
  if (wanted === 'webgl') return { kind: 'webgl2', wanted, webgl: null, software: false };
  const webgl = readName();
  const software = isSoftwareRasterizer(webgl);
  return { kind: webgl !== null && !software ? 'webgl2' : 'canvas2d', wanted: 'auto', webgl, software };
}
