//! The `.qsreplay` codec on its own (docs/REPLAY_FORMAT.md): round trips,
//! and every kind of damage a file can have, each refused with an error
//! (or, where the damage still makes a valid file, decoded), never a panic.

mod replay_support;

use quicksand_sim::sand::{REPLAY_FINAL_STEP_OFFSET, REPLAY_MAX_BODY_BYTES, REPLAY_MAX_SEGMENTS};
use quicksand_tools::replay::format::{self, fix_checksum};
use quicksand_tools::replay::json::to_json;
use quicksand_tools::replay::varint::BodyWriter;
use quicksand_tools::replay::{decode, encode, Replay, ReplayError, Segment, SegmentStart, HEADER_BYTES};
use replay_support::*;

/// A tiny deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[test]
fn a_hand_made_replay_round_trips_exactly() {
    let replay = hand_made_replay();
    let file = encode(&replay).expect("encodes");
    assert_eq!(&file[..8], b"QSREPLAY");
    let decoded = decode(&file).expect("decodes");
    assert_eq!(decoded, replay);
    // And the bytes are a fixed point of decode → encode.
    assert_eq!(encode(&decoded).expect("encodes again"), file);
}

#[test]
fn random_replays_round_trip() {
    use quicksand_tools::replay::{Brush, Command, Event, ShapeKind};
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..200 {
        let mut step = 0u64;
        let mut events = Vec::new();
        for _ in 0..rng.below(200) {
            step += rng.below(3);
            let coordinate = |rng: &mut Rng| match rng.below(4) {
                0 => rng.next() as i32,
                _ => rng.below(300) as i32 - 50,
            };
            let brush =
                Brush { radius: rng.below(65) as u32, material: rng.below(20) as u32, mask: rng.below(20) as i32 - 2 };
            let command = match rng.below(8) {
                0..=2 => Command::Shape {
                    shape: [ShapeKind::Stroke, ShapeKind::RectFilled, ShapeKind::RectOutline][rng.below(3) as usize],
                    from: (coordinate(&mut rng), coordinate(&mut rng)),
                    to: (coordinate(&mut rng), coordinate(&mut rng)),
                    brush,
                },
                3 => Command::Fill { at: (coordinate(&mut rng), coordinate(&mut rng)), material: rng.next() as u32 },
                4 => Command::BeginStroke { id: rng.next() as u32 },
                5 => Command::Undo { effective: rng.below(2) == 0 },
                6 => Command::Redo { effective: rng.below(2) == 0 },
                _ => Command::Scene { scene: rng.below(6) as u32 },
            };
            events.push(Event { step, command });
        }
        let duration = step + rng.below(10);
        let replay = Replay {
            rules_id: rng.next(),
            final_hash: rng.next(),
            final_step: duration,
            segments: vec![Segment {
                start: SegmentStart::Fresh {
                    width: 1 + rng.below(4096) as u32,
                    height: 1,
                    seed: rng.next() as u32,
                    scene: 1,
                },
                duration,
                events,
            }],
        };
        let file = encode(&replay).unwrap_or_else(|error| panic!("round {round}: {error}"));
        assert_eq!(decode(&file).as_ref(), Ok(&replay), "round {round}");
    }
}

#[test]
fn the_encoder_refuses_what_the_format_cannot_hold() {
    let mut replay = hand_made_replay();
    replay.final_step += 1;
    assert!(matches!(encode(&replay), Err(ReplayError::Unencodable { .. })));

    let mut replay = hand_made_replay();
    replay.segments[0].start = SegmentStart::Reload;
    assert!(matches!(encode(&replay), Err(ReplayError::Unencodable { .. })));

    let mut replay = hand_made_replay();
    replay.segments[0].events.swap(2, 4);
    assert!(matches!(encode(&replay), Err(ReplayError::Unencodable { .. })), "events out of order");

    let mut replay = hand_made_replay();
    replay.segments[0].events[0].step = 41;
    assert!(matches!(encode(&replay), Err(ReplayError::Unencodable { .. })), "an event after the end");

    let empty = Replay { rules_id: 0, final_hash: 0, final_step: 0, segments: vec![] };
    assert!(matches!(encode(&empty), Err(ReplayError::Unencodable { .. })));
}

#[test]
fn every_truncation_of_a_real_replay_is_refused() {
    let file = fixture_bytes();
    assert!(decode(&file).is_ok(), "the fixture itself decodes");
    for len in 0..file.len() {
        let result = decode(&file[..len]);
        assert!(result.is_err(), "{len} of {} bytes decoded", file.len());
    }
    // The messages name what is wrong.
    assert_eq!(decode(&file[..10]), Err(ReplayError::Short { len: 10 }));
    assert!(matches!(decode(&file[..file.len() - 1]), Err(ReplayError::Checksum { .. })));
}

#[test]
fn a_truncated_body_with_its_checksum_fixed_is_still_refused() {
    let file = fixture_bytes();
    for len in HEADER_BYTES..file.len() {
        let mut cut = file[..len].to_vec();
        fix_checksum(&mut cut);
        let result = decode(&cut);
        assert!(
            matches!(result, Err(ReplayError::Inflate { .. }) | Err(ReplayError::BodyLength { .. })),
            "{len} bytes: {result:?}"
        );
    }
}

#[test]
fn every_bit_flip_without_a_fixed_checksum_is_refused() {
    let file = fixture_bytes();
    for bit in 0..file.len() * 8 {
        let mut flipped = file.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        assert!(decode(&flipped).is_err(), "bit {bit} flipped still decodes");
    }
}

#[test]
fn header_bit_flips_with_the_checksum_fixed_are_refused_or_change_only_their_field() {
    let file = fixture_bytes();
    let original = decode(&file).expect("the fixture decodes");
    for bit in 0..HEADER_BYTES * 8 {
        let byte = bit / 8;
        let mut flipped = file.clone();
        flipped[byte] ^= 1 << (bit % 8);
        fix_checksum(&mut flipped);
        let result = decode(&flipped);
        match byte {
            // Magic, version, flags: refused.
            0..=11 => assert!(result.is_err(), "byte {byte}: {result:?}"),
            // The checksum field itself: fixed up again, so nothing changed.
            12..=15 => assert_eq!(result.as_ref(), Ok(&original), "byte {byte}"),
            // Rules id and final hash: a valid file that says something else.
            16..=31 => {
                let decoded = result.unwrap_or_else(|error| panic!("byte {byte}: {error}"));
                assert_ne!((decoded.rules_id, decoded.final_hash), (original.rules_id, original.final_hash));
                assert_eq!(decoded.segments, original.segments);
            }
            // Final step: no longer the last segment's end.
            32..=39 => assert!(matches!(result, Err(ReplayError::FinalStep { .. })), "byte {byte}: {result:?}"),
            // Body length: another length than the body inflates to, or above the limit.
            _ => assert!(
                matches!(result, Err(ReplayError::BodyLength { .. }) | Err(ReplayError::BodyTooLong { .. })),
                "byte {byte}: {result:?}"
            ),
        }
    }
}

#[test]
fn compressed_body_bit_flips_with_the_checksum_fixed_never_panic() {
    let file = fixture_bytes();
    let original = decode(&file).expect("the fixture decodes");
    let body_bits = (file.len() - HEADER_BYTES) * 8;
    let mut rng = Rng(7);
    let (mut refused, mut decoded_same) = (0, 0);
    // Every bit of the first 256 body bytes, and a sample of the rest.
    let bits: Vec<usize> =
        (0..body_bits.min(256 * 8)).chain((0..2000).map(|_| rng.below(body_bits as u64) as usize)).collect();
    for bit in bits {
        let mut flipped = file.clone();
        flipped[HEADER_BYTES + bit / 8] ^= 1 << (bit % 8);
        fix_checksum(&mut flipped);
        match decode(&flipped) {
            Err(_) => refused += 1,
            Ok(replay) if replay == original => decoded_same += 1,
            Ok(_) => {}
        }
    }
    // Most flips break the deflate stream or the body; a flip that leaves
    // the same replay can only be in padding bits.
    assert!(refused > 0, "no flip was refused");
    assert!(decoded_same < 100, "{decoded_same} flips changed nothing");
}

/// Mutates `body` `rounds` times (flips, overwrites, cuts, insertions, runs
/// of 0xff) and returns how many of the forged files were refused; none may
/// panic.
fn refused_mutations(header: &format::Header, body: &[u8], rounds: u32, seed: u64) -> u32 {
    let mut rng = Rng(seed);
    let mut refused = 0;
    for round in 0..rounds {
        let mut mutated = body.to_vec();
        match round % 5 {
            0 => {
                let at = rng.below(mutated.len() as u64) as usize;
                mutated[at] ^= 1 << rng.below(8);
            }
            1 => {
                let at = rng.below(mutated.len() as u64) as usize;
                mutated[at] = rng.next() as u8;
            }
            2 => mutated.truncate(rng.below(mutated.len() as u64) as usize),
            3 => {
                let at = rng.below(mutated.len() as u64 + 1) as usize;
                mutated.insert(at, rng.next() as u8);
            }
            _ => {
                // A run of 0xff: huge varints and counts.
                let at = rng.below(mutated.len() as u64) as usize;
                let end = (at + 1 + rng.below(12) as usize).min(mutated.len());
                mutated[at..end].fill(0xff);
            }
        }
        if decode(&with_body(header, &mutated)).is_err() {
            refused += 1;
        }
    }
    refused
}

#[test]
fn mutations_of_the_inflated_body_are_refused_or_decoded_never_a_panic() {
    // The fixture's body is mostly its SAVE segment's bytes, which the codec
    // passes through (the sim checks a save when it loads it), so many of
    // its mutations decode; the hand-made replay's body is nearly all events.
    let fixture = fixture_bytes();
    let (header, body) = format::read_file(&fixture).expect("the fixture reads");
    let rounds = 3000;
    let refused = refused_mutations(&header, &body, rounds, 42);
    assert!(refused > rounds / 10, "only {refused} of {rounds} fixture mutations were refused");
    // The unmutated body through the same path decodes: the forging works.
    assert!(decode(&with_body(&header, &body)).is_ok());

    let hand_made = encode(&hand_made_replay()).expect("encodes");
    let (header, body) = format::read_file(&hand_made).expect("reads");
    let refused = refused_mutations(&header, &body, rounds, 43);
    assert!(refused > rounds / 2, "only {refused} of {rounds} hand-made mutations were refused");
    assert!(decode(&with_body(&header, &body)).is_ok());
}

fn body_error(header: &format::Header, body: &[u8]) -> String {
    match decode(&with_body(header, body)) {
        Err(ReplayError::Body { reason, .. }) => reason,
        other => panic!("expected a body error, got {other:?}"),
    }
}

#[test]
fn malformed_bodies_are_refused_with_their_reason() {
    let file = encode(&hand_made_replay()).expect("encodes");
    let (header, body) = format::read_file(&file).expect("reads");

    let mut trailing = body.clone();
    trailing.push(0);
    assert!(body_error(&header, &trailing).contains("follow the last segment"));

    let header_at_zero = format::Header { final_step: 0, ..header };
    let mut zero = BodyWriter::new();
    zero.varint(0);
    assert!(body_error(&header_at_zero, &zero.finish()).contains("segment count is 0"));

    let mut many = BodyWriter::new();
    many.varint(u64::from(REPLAY_MAX_SEGMENTS) + 1);
    assert!(body_error(&header, &many.finish()).contains("segment count"));

    // A count far beyond the bytes left is refused before allocating.
    let mut huge = BodyWriter::new();
    huge.varint(1);
    huge.u8(0);
    for field in [16u64, 16, 0, 0, 0] {
        huge.varint(field);
    }
    huge.varint(u64::MAX / 2);
    assert!(body_error(&header_at_zero, &huge.finish()).contains("cannot fit"));

    let mut reload_first = BodyWriter::new();
    reload_first.varint(1);
    reload_first.u8(2);
    reload_first.varint(0);
    reload_first.varint(0);
    assert!(body_error(&header_at_zero, &reload_first.finish()).contains("RELOAD"));

    let fresh = |width: u64, scene: u64, head: Option<u8>| {
        let mut body = BodyWriter::new();
        body.varint(1);
        body.u8(0);
        for field in [width, 8, 1, scene, 0] {
            body.varint(field);
        }
        match head {
            Some(head) => {
                body.varint(1);
                body.varint(0);
                body.u8(head);
            }
            None => body.varint(0),
        }
        body.finish()
    };
    assert!(body_error(&header_at_zero, &fresh(0, 0, None)).contains("outside"));
    assert!(body_error(&header_at_zero, &fresh(4097, 0, None)).contains("outside"));
    assert!(body_error(&header_at_zero, &fresh(8, 99, None)).contains("not a scene"));
    assert!(body_error(&header_at_zero, &fresh(8, 0, Some(0x08))).contains("not a command kind"));
    // BEGIN_STROKE has no flags; FILL neither; PAINT has no 0x40.
    assert!(body_error(&header_at_zero, &fresh(8, 0, Some(0x11))).contains("flags"));
    assert!(body_error(&header_at_zero, &fresh(8, 0, Some(0x17))).contains("flags"));
    assert!(body_error(&header_at_zero, &fresh(8, 0, Some(0x40))).contains("flags"));
    // A valid head whose fields are missing.
    assert!(body_error(&header_at_zero, &fresh(8, 0, Some(0x00))).contains("ends in the middle"));
}

#[test]
fn coordinates_and_ids_outside_32_bits_are_refused() {
    let file = encode(&hand_made_replay()).expect("encodes");
    let header = format::Header { final_step: 0, ..header_of(&file) };
    let one_event = |write: &dyn Fn(&mut BodyWriter)| {
        let mut body = BodyWriter::new();
        body.varint(1);
        body.u8(0);
        for field in [8u64, 8, 1, 0, 0, 1, 0] {
            body.varint(field);
        }
        write(&mut body);
        body.finish()
    };
    let paint_far = one_event(&|body| {
        body.u8(0x10);
        body.zigzag(i64::from(i32::MAX) + 1);
        body.zigzag(0);
        body.zigzag(0);
        body.zigzag(0);
    });
    assert!(body_error(&header, &paint_far).contains("does not fit 32 bits"));
    let end_far = one_event(&|body| {
        body.u8(0x10);
        body.zigzag(i64::from(i32::MIN));
        body.zigzag(0);
        body.zigzag(-1);
        body.zigzag(0);
    });
    assert!(body_error(&header, &end_far).contains("x1"));
    let negative_stroke = one_event(&|body| {
        body.u8(0x01);
        body.zigzag(-1);
    });
    assert!(body_error(&header, &negative_stroke).contains("stroke id"));
    let big_radius = one_event(&|body| {
        body.u8(0x20);
        body.zigzag(0);
        body.zigzag(0);
        body.varint(1 << 32);
    });
    assert!(body_error(&header, &big_radius).contains("radius"));
    let late = {
        let mut body = BodyWriter::new();
        body.varint(1);
        body.u8(0);
        for field in [8u64, 8, 1, 0, 0, 1, 1] {
            body.varint(field);
        }
        body.u8(0x02);
        body.finish()
    };
    assert!(body_error(&header, &late).contains("after the segment's end"));
}

#[test]
fn file_level_damage_is_refused_with_its_own_message() {
    let file = fixture_bytes();
    let (header, body) = format::read_file(&file).expect("reads");

    let mut trailing = file.clone();
    trailing.push(0);
    fix_checksum(&mut trailing);
    assert_eq!(decode(&trailing), Err(ReplayError::TrailingCompressed { bytes: 1 }));

    let mut longer = format::write_file(&header, &body).expect("writes");
    let length_at = HEADER_BYTES - 4;
    longer[length_at..HEADER_BYTES].copy_from_slice(&(body.len() as u32 - 1).to_le_bytes());
    fix_checksum(&mut longer);
    assert!(matches!(decode(&longer), Err(ReplayError::BodyLength { .. })));

    let mut shorter = longer.clone();
    shorter[length_at..HEADER_BYTES].copy_from_slice(&(body.len() as u32 + 1).to_le_bytes());
    fix_checksum(&mut shorter);
    assert!(matches!(decode(&shorter), Err(ReplayError::BodyLength { .. })));

    let mut over = longer.clone();
    over[length_at..HEADER_BYTES].copy_from_slice(&(REPLAY_MAX_BODY_BYTES + 1).to_le_bytes());
    fix_checksum(&mut over);
    assert!(matches!(decode(&over), Err(ReplayError::BodyTooLong { .. })));

    for (at, value) in [(8usize, 2u16), (10, 1)] {
        let mut other = file.clone();
        other[at..at + 2].copy_from_slice(&value.to_le_bytes());
        fix_checksum(&mut other);
        assert!(matches!(decode(&other), Err(ReplayError::UnsupportedVersion { .. })), "offset {at}");
    }

    let mut garbage = file[..HEADER_BYTES].to_vec();
    garbage.extend_from_slice(&[0xff; 64]);
    fix_checksum(&mut garbage);
    assert!(matches!(decode(&garbage), Err(ReplayError::Inflate { .. })));

    let mut step = file.clone();
    let at = REPLAY_FINAL_STEP_OFFSET as usize;
    step[at] ^= 1;
    fix_checksum(&mut step);
    assert!(matches!(decode(&step), Err(ReplayError::FinalStep { .. })));
}

#[test]
fn foreign_files_are_not_replays() {
    let save = std::fs::read(repo_root().join("tests/fixtures/save-v1-mixed-96x64.qsand")).expect("the save fixture");
    assert_eq!(decode(&save), Err(ReplayError::NotAReplay));
    assert_eq!(decode(b""), Err(ReplayError::Short { len: 0 }));
    assert_eq!(decode(b"QSREPLAY"), Err(ReplayError::Short { len: 8 }));
    assert_eq!(decode(b"PK\x03\x04"), Err(ReplayError::NotAReplay));
    let mut rng = Rng(3);
    for len in [1usize, 43, 44, 45, 1000, 100_000] {
        let noise: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert_eq!(decode(&noise), Err(ReplayError::NotAReplay), "{len} random bytes");
    }
    // Messages say what the file is not.
    assert!(ReplayError::NotAReplay.to_string().contains("QSREPLAY"));
}

#[test]
fn the_fixture_still_decodes_to_its_json() {
    let replay = decode(&fixture_bytes()).expect("the fixture decodes");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture_json_path()).expect("the fixture's JSON"))
            .expect("the fixture's JSON parses");
    assert_eq!(to_json(&replay).expect("JSON"), expected);
    // Negative control: another replay is not that JSON.
    assert_ne!(to_json(&hand_made_replay()).expect("JSON"), expected);
}
