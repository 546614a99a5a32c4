//! docs/CELLS.md's material table is generated from the material table
//! (`properties.rs`): this test compares the two, and with `QS_BLESS=1`
//! rewrites the doc's table between its markers.

use std::format;
use std::string::String;

use crate::sand::properties::{StateOfMatter, MATERIALS};
use crate::sand::temperature::UNITS_PER_DEGREE;
use crate::sand::Temperature;

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/CELLS.md");
const BEGIN: &str =
    "<!-- materials table: generated from sim/src/sand/properties.rs by the test sand::tests::docs (QS_BLESS=1) -->";
const END: &str = "<!-- end of materials table -->";

fn degrees(units: Temperature) -> String {
    let units = i32::from(units);
    if units % UNITS_PER_DEGREE == 0 {
        format!("{}", units / UNITS_PER_DEGREE)
    } else {
        format!("{:.3}", f64::from(units) / f64::from(UNITS_PER_DEGREE))
    }
}

/// The table as Markdown.
fn table() -> String {
    let mut out = String::from(
        "| id | material | kind | moves as | density | c | k | starts at °C | high: at °C → into | low: below °C → into | description |\n|---:|---|---|---|---:|---:|---:|---:|---|---|---|\n",
    );
    for row in MATERIALS.iter() {
        let moves = match row.state_of_matter {
            StateOfMatter::Empty => "—",
            StateOfMatter::Solid => "solid",
            StateOfMatter::Powder => "powder",
            StateOfMatter::Liquid => "liquid",
            StateOfMatter::Gas => "gas",
        };
        let high = if row.high.exists() {
            format!("{} → {}", degrees(row.high.at), row.high.into.name())
        } else {
            String::from("—")
        };
        let low = if row.low.exists() {
            format!("{} → {}", degrees(row.low.at), row.low.into.name())
        } else {
            String::from("—")
        };
        out += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            row.material.id(),
            row.name,
            row.kind.name(),
            moves,
            row.density,
            row.heat_capacity,
            row.conductivity,
            degrees(row.initial_temperature),
            high,
            low,
            row.description
        );
    }
    out
}

#[test]
fn the_material_table_in_cells_md_matches_properties_rs() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let start = doc.find(BEGIN).expect("docs/CELLS.md lacks the table's begin marker") + BEGIN.len() + 1;
    let end = doc.find(END).expect("docs/CELLS.md lacks the table's end marker");
    let expected = table();
    if std::env::var_os("QS_BLESS").is_some() {
        let blessed = format!("{}{}{}", &doc[..start], expected, &doc[end..]);
        std::fs::write(DOC, blessed).unwrap();
        return;
    }
    assert_eq!(&doc[start..end], expected, "docs/CELLS.md is stale: run with QS_BLESS=1");
}
