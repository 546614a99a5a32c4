//! The final frame as an RGBA PNG, drawn with the sim's own palette.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context, Result};

use super::sim_world::Frame;

/// Drawn for an index the palette lacks (none does today).
const MISSING: [u8; 4] = [0, 0, 0, 255];

/// Writes `frame` to `path`.
pub fn write_png(frame: &Frame, path: &Path) -> Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), frame.width, frame.height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().with_context(|| format!("writing {}", path.display()))?;
    let rgba: Vec<u8> = frame
        .indices
        .iter()
        .flat_map(|&index| frame.palette.get(usize::from(index)).copied().unwrap_or(MISSING))
        .collect();
    writer.write_image_data(&rgba).with_context(|| format!("writing {}", path.display()))?;
    writer.finish().with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
