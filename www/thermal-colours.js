// The thermal view's colour scale: stops in °C, blended linearly between
// them. The WebGL2 shader is generated from these stops and the Canvas2D
// renderer uses `thermalRgb`, so both views agree. The scale is uneven on
// purpose: most of play happens between freezing and boiling, so that span
// gets as much colour as the 100..3000 °C of fire and lava.

import { TEMPERATURE } from './pkg/abi.js';

/** Plane units per °C (sim/src/abi/constants.rs). */
export const TEMPERATURE_UNITS_PER_DEGREE = TEMPERATURE.UNITS_PER_DEGREE;

export const THERMAL_STOPS = [
  { celsius: -100, rgb: [40, 20, 140] },
  { celsius: 0, rgb: [60, 170, 255] },
  // Ambient recedes, so that what is hot or cold stands out.
  { celsius: 20, rgb: [26, 28, 40] },
  { celsius: 100, rgb: [170, 30, 140] },
  { celsius: 400, rgb: [240, 60, 20] },
  { celsius: 1000, rgb: [255, 190, 20] },
  { celsius: 3000, rgb: [255, 255, 255] },
];

/** How much of the material's own colour shows through, so shapes stay readable. */
export const THERMAL_MATERIAL_MIX = 0.2;

/** The scale's colour at `celsius`, as `[r, g, b]` bytes (clamped to the end stops). */
export function thermalRgb(celsius) {
  let colour = THERMAL_STOPS[0].rgb;
  for (let i = 1; i < THERMAL_STOPS.length; i++) {
    const from = THERMAL_STOPS[i - 1];
    const to = THERMAL_STOPS[i];
    const t = Math.min(1, Math.max(0, (celsius - from.celsius) / (to.celsius - from.celsius)));
    colour = colour.map((c, channel) => c + (to.rgb[channel] - c) * t);
  }
  return colour.map(Math.round);
}

/** Plane units to °C. */
export function unitsToCelsius(units) {
  return units / TEMPERATURE_UNITS_PER_DEGREE;
}
