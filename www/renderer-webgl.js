// WebGL2 renderer: the front frame (one palette index per cell) goes into an
// R8UI texture straight from a view of wasm memory (no JS copy), the palette
// into a CELL.PALETTE_LEN×1 RGBA8 texture, and the fragment shader looks
// colours up with texelFetch: exact, nearest-neighbour cells at any scale.
//
// Note 1: only the rectangle the sim says changed is uploaded
// (texSubImage2D of a sub-rectangle of the frame, with UNPACK_ROW_LENGTH set
// to the frame's width and the source offset at the rectangle's first
// cell), so a settled world uploads nothing. The whole frame goes up when
// the caller passes no rectangle, and after anything that loses the
// texture's contents (a new world or size, a restored context).
//
// Note 2: the thermal view reads the sim's temperature plane itself (i16
// per cell, with a border: UNPACK_ROW_LENGTH is the plane's stride and the
// source offset its origin) into an R16I texture, and the shader turns
// temperatures into colours (thermal-colours.js holds the scale, shared
// with the Canvas2D renderer). Temperatures change without moving cells,
// so the dirty rectangle does not cover them: in the thermal view the
// whole plane goes up with every new frame.

import { CELL } from './pkg/abi.js';
import { BACKGROUND_RGB, WORLD_BORDER_CSS_PX, WORLD_BORDER_RGB } from './config.js';
import { THERMAL_STOPS, THERMAL_MATERIAL_MIX, TEMPERATURE_UNITS_PER_DEGREE } from './thermal-colours.js';

const RGB_MAX = 255;
const FULL_SCREEN_TRIANGLE_VERTICES = 3;
const BYTES_PER_COLOUR = CELL.PALETTE_ENTRY_BYTES;
/** GL's own UNPACK_ROW_LENGTH: rows as wide as the upload (what the palette upload needs). */
const ROW_LENGTH_OF_UPLOAD = 0;

const VERTEX_SHADER = `#version 300 es
void main() {
  // One triangle covering the viewport: (-1,-1), (3,-1), (-1,3).
  vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}`;

const glslFloat = (value) => (Number.isInteger(value) ? `${value}.0` : String(value));
const glslColour = ([r, g, b]) => `vec3(${[r, g, b].map((c) => glslFloat(c / RGB_MAX)).join(', ')})`;

/** The thermal scale (thermal-colours.js) as a chain of GLSL mixes, one per stop. */
function thermalShaderSource() {
  const [first, ...rest] = THERMAL_STOPS;
  const lines = [`vec3 heat = ${glslColour(first.rgb)};`];
  let previous = first;
  for (const stop of rest) {
    const span = glslFloat(stop.celsius - previous.celsius);
    lines.push(`heat = mix(heat, ${glslColour(stop.rgb)}, clamp((celsius - ${glslFloat(previous.celsius)}) / ${span}, 0.0, 1.0));`);
    previous = stop;
  }
  return lines.join('\n  ');
}

const FRAGMENT_SHADER = `#version 300 es
precision highp float;
precision highp int;
precision highp usampler2D;
precision highp isampler2D;
uniform usampler2D u_cells;
uniform isampler2D u_temperature;
uniform sampler2D u_palette;
uniform vec2 u_origin;   // the world's bottom-left corner in window pixels
uniform float u_scale;   // window pixels per cell
uniform ivec2 u_size;    // world size in cells
uniform bool u_thermal;  // colour by temperature (Note 2)
out vec4 color;
uniform vec3 u_background;
uniform vec3 u_border;
uniform float u_border_px; // the frame drawn around the world, in window pixels
void main() {
  vec2 at = gl_FragCoord.xy - u_origin;
  vec2 extent = vec2(u_size) * u_scale;
  if (any(lessThan(at, vec2(0.0))) || any(greaterThanEqual(at, extent))) {
    // Outside the world: its frame, then the background.
    vec2 outside = max(-at, at - extent);
    color = vec4(max(outside.x, outside.y) <= u_border_px ? u_border : u_background, 1.0);
    return;
  }
  ivec2 cell = clamp(ivec2(floor(at / u_scale)), ivec2(0), u_size - 1);
  cell.y = u_size.y - 1 - cell.y; // frame rows run top to bottom
  uint index = texelFetch(u_cells, cell, 0).r;
  color = texelFetch(u_palette, ivec2(int(index), 0), 0);
  if (u_thermal) {
    float celsius = float(texelFetch(u_temperature, cell, 0).r) / ${glslFloat(TEMPERATURE_UNITS_PER_DEGREE)};
    ${thermalShaderSource()}
    color = vec4(mix(heat, color.rgb, ${glslFloat(THERMAL_MATERIAL_MIX)}), 1.0);
  }
}`;

function compile(gl, type, source) {
  const shader = gl.createShader(type);
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(shader)}`);
  return shader;
}

function link(gl) {
  const program = gl.createProgram();
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX_SHADER));
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT_SHADER));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`program: ${gl.getProgramInfoLog(program)}`);
  return program;
}

function nearestTexture(gl) {
  const texture = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, texture);
  // Integer textures are only complete with NEAREST filtering.
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return texture;
}

export class WebGLRenderer {
  /** Returns null when the browser has no WebGL2 (the caller falls back). */
  static create(canvas) {
    const gl = canvas.getContext('webgl2', { antialias: false, alpha: false, depth: false, stencil: false, preserveDrawingBuffer: false });
    if (!gl) return null;
    try {
      return new WebGLRenderer(canvas, gl);
    } catch (error) {
      console.warn(`quicksand: WebGL2 renderer unavailable: ${error.message}`);
      return null;
    }
  }

  constructor(canvas, gl) {
    this.kind = 'webgl2';
    this.canvas = canvas;
    this.gl = gl;
    this.onRestored = () => {};
    /** Uploads so far and the bytes they sent (the test hook and the stats read these). */
    this.uploads = { frames: 0, bytes: 0, lastBytes: 0 };
    this.setUp();
    canvas.addEventListener('webglcontextlost', (event) => {
      // Without preventDefault the browser never restores the context.
      event.preventDefault();
      this.width = 0;
    });
    canvas.addEventListener('webglcontextrestored', () => {
      this.setUp();
      this.onRestored();
    });
  }

  /** Everything that lives in the GL context (again after a context loss). */
  setUp() {
    const gl = this.gl;
    this.program = link(gl);
    const names = ['u_cells', 'u_temperature', 'u_palette', 'u_origin', 'u_scale', 'u_size', 'u_thermal', 'u_background', 'u_border', 'u_border_px'];
    this.uniforms = Object.fromEntries(names.map((n) => [n, gl.getUniformLocation(this.program, n)]));
    this.cells = nearestTexture(gl);
    this.temperature = nearestTexture(gl);
    this.paletteTexture = nearestTexture(gl);
    this.vertexArray = gl.createVertexArray();
    this.width = 0;
    this.height = 0;
    /** The texture holds nothing yet: the next upload is whole (Note 1). */
    this.wholeNeeded = true;
    // Some browsers refuse views of shared memory in WebGL; then (only then) copy.
    this.copyShared = false;
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  }

  setWorld(width, height, palette) {
    const gl = this.gl;
    this.width = width;
    this.height = height;
    gl.deleteTexture(this.cells);
    this.cells = nearestTexture(gl);
    gl.texStorage2D(gl.TEXTURE_2D, 1, gl.R8UI, width, height);
    gl.deleteTexture(this.temperature);
    this.temperature = nearestTexture(gl);
    gl.texStorage2D(gl.TEXTURE_2D, 1, gl.R16I, width, height);
    this.wholeNeeded = true;
    gl.bindTexture(gl.TEXTURE_2D, this.paletteTexture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, palette.length / BYTES_PER_COLOUR, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, palette);
  }

  /**
   * Uploads the front frame; `cells` is a view of wasm memory (the whole
   * frame), `changed` the `{ x0, y0, x1, y1 }` that differs from the frame
   * the texture holds, or null for all of it. Returns the bytes sent.
   */
  upload(cells, changed = null) {
    if (!this.width) return 0;
    const rect = changed === null || this.wholeNeeded ? { x0: 0, y0: 0, x1: this.width, y1: this.height } : changed;
    const width = rect.x1 - rect.x0;
    const height = rect.y1 - rect.y0;
    const bytes = width > 0 && height > 0 ? width * height : 0;
    if (bytes > 0) this.uploadRect(cells, rect.x0, rect.y0, width, height);
    this.wholeNeeded = false;
    this.uploads.frames++;
    this.uploads.bytes += bytes;
    this.uploads.lastBytes = bytes;
    return bytes;
  }

  /** texSubImage2D of the `width`×`height` cells at (x, y) of the frame (Note 1). */
  uploadRect(cells, x, y, width, height) {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.cells);
    const offset = y * this.width + x;
    // The rectangle's last row ends here, not at the frame's width.
    const span = (height - 1) * this.width + width;
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, this.width);
    try {
      if (!this.copyShared) {
        try {
          gl.texSubImage2D(gl.TEXTURE_2D, 0, x, y, width, height, gl.RED_INTEGER, gl.UNSIGNED_BYTE, cells, offset);
          return;
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
          this.copyShared = true;
        }
      }
      gl.texSubImage2D(gl.TEXTURE_2D, 0, x, y, width, height, gl.RED_INTEGER, gl.UNSIGNED_BYTE, cells.slice(offset, offset + span));
    } finally {
      gl.pixelStorei(gl.UNPACK_ROW_LENGTH, ROW_LENGTH_OF_UPLOAD);
    }
  }

  /**
   * Uploads the whole temperature plane (Note 2): `plane` is
   * `{ cells, stride, origin }` (an Int16Array view of wasm memory, cells
   * per plane row, index of cell (0, 0)). Returns the bytes sent.
   */
  uploadTemperature(plane) {
    if (!this.width) return 0;
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.temperature);
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, plane.stride);
    try {
      if (!this.copyShared) {
        try {
          gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, this.width, this.height, gl.RED_INTEGER, gl.SHORT, plane.cells, plane.origin);
          return this.width * this.height * Int16Array.BYTES_PER_ELEMENT;
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
          this.copyShared = true;
        }
      }
      const end = plane.origin + (this.height - 1) * plane.stride + this.width;
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, this.width, this.height, gl.RED_INTEGER, gl.SHORT, plane.cells.slice(plane.origin, end));
      return this.width * this.height * Int16Array.BYTES_PER_ELEMENT;
    } finally {
      gl.pixelStorei(gl.UNPACK_ROW_LENGTH, ROW_LENGTH_OF_UPLOAD);
    }
  }

  /** Back from the thermal view: nothing to do, the cell texture still holds the frame (Note 2). */
  leaveThermal() {}

  /** Draws the world into `rect` (canvas pixels, top-left origin), by temperature when `thermal` (Note 2). */
  draw(rect, { thermal = false } = {}) {
    const gl = this.gl;
    const { width: cw, height: ch } = this.canvas;
    gl.viewport(0, 0, cw, ch);
    gl.disable(gl.SCISSOR_TEST);
    gl.clearColor(...BACKGROUND_RGB.map((c) => c / RGB_MAX), 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (!this.width || gl.isContextLost()) return;
    // The shader places the world (zoom and pan are uniforms); the viewport
    // only limits the fragments to the part of the world (and its border)
    // that is on the canvas, so software renderers shade no background.
    const originY = ch - rect.y - rect.height;
    const border = WORLD_BORDER_CSS_PX * (window.devicePixelRatio || 1);
    const x0 = Math.max(0, Math.floor(rect.x - border));
    const y0 = Math.max(0, Math.floor(originY - border));
    const x1 = Math.min(cw, Math.ceil(rect.x + rect.width + border));
    const y1 = Math.min(ch, Math.ceil(originY + rect.height + border));
    if (x1 <= x0 || y1 <= y0) return;
    gl.viewport(x0, y0, x1 - x0, y1 - y0);
    gl.useProgram(this.program);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.cells);
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.paletteTexture);
    gl.activeTexture(gl.TEXTURE2);
    gl.bindTexture(gl.TEXTURE_2D, this.temperature);
    gl.uniform1i(this.uniforms.u_cells, 0);
    gl.uniform1i(this.uniforms.u_palette, 1);
    gl.uniform1i(this.uniforms.u_temperature, 2);
    gl.uniform1i(this.uniforms.u_thermal, thermal ? 1 : 0);
    gl.uniform2f(this.uniforms.u_origin, rect.x, originY);
    gl.uniform1f(this.uniforms.u_scale, rect.scale);
    gl.uniform2i(this.uniforms.u_size, this.width, this.height);
    gl.uniform3f(this.uniforms.u_background, ...BACKGROUND_RGB.map((c) => c / RGB_MAX));
    gl.uniform3f(this.uniforms.u_border, ...WORLD_BORDER_RGB.map((c) => c / RGB_MAX));
    gl.uniform1f(this.uniforms.u_border_px, border);
    gl.bindVertexArray(this.vertexArray);
    gl.drawArrays(gl.TRIANGLES, 0, FULL_SCREEN_TRIANGLE_VERTICES);
  }
}
