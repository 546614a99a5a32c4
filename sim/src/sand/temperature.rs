//! Temperature: what the numbers in the temperature plane mean.
//!
//! Every cell carries an `i16` in eighths of a degree Celsius (docs/CELLS.md,
//! "Temperature"). Eighths keep the resolution at 0.125 °C everywhere, so
//! the phase changes of water at 0 °C and 100 °C are sharp, while the range
//! of an `i16` still reaches past 4000 °C.

/// Plane units per degree Celsius.
pub const UNITS_PER_DEGREE: i32 = 8;

/// A temperature in plane units.
pub type Temperature = i16;

/// Degrees Celsius in plane units (for the material table and tests).
pub const fn celsius(degrees: i32) -> Temperature {
    let units = degrees * UNITS_PER_DEGREE;
    assert!(units >= i16::MIN as i32 && units <= i16::MAX as i32, "temperature out of the i16 range");
    units as Temperature
}

/// Where every cell starts unless its material says otherwise: 20 °C.
pub const AMBIENT: Temperature = celsius(20);
/// The coldest a cell can be: absolute zero.
pub const MIN_TEMPERATURE: Temperature = celsius(-273);
/// The hottest a cell can be.
pub const MAX_TEMPERATURE: Temperature = celsius(4000);

/// `units` clamped into `MIN_TEMPERATURE..=MAX_TEMPERATURE`.
#[inline(always)]
pub const fn clamp_temperature(units: i32) -> Temperature {
    if units < MIN_TEMPERATURE as i32 {
        MIN_TEMPERATURE
    } else if units > MAX_TEMPERATURE as i32 {
        MAX_TEMPERATURE
    } else {
        units as Temperature
    }
}

/// How much one application of a Heat or Cool brush stroke changes a cell:
/// 25 °C, clamped to the range.
pub const BRUSH_TEMPERATURE_STEP: Temperature = celsius(25);

/// `qs_world_cell_temperature` reports an error as its code times this, so
/// that no error reads as a temperature (every `i16` lies above it).
pub const TEMPERATURE_ERROR_SCALE: i32 = 1 << 16;
