//! One event's command: what the sim applied, in the form the body stores
//! (docs/REPLAY_FORMAT.md, "Events"), and its conversion to and from the
//! eight ring words of a command-log entry and of `qs_world_command`.

use quicksand_sim::sand::{
    COMMAND_BEGIN_STROKE, COMMAND_FILL, COMMAND_PAINT, COMMAND_RECT_FILLED, COMMAND_RECT_OUTLINE, COMMAND_REDO,
    COMMAND_SCENE, COMMAND_UNDO, PAINT_MASK_DEFAULT,
};

/// What a stroke or rectangle puts down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Brush {
    pub radius: u32,
    pub material: u32,
    pub mask: i32,
}

impl Brush {
    /// The brush a segment starts with.
    pub const INITIAL: Brush = Brush { radius: 0, material: 0, mask: PAINT_MASK_DEFAULT };
}

/// The commands drawn from one point to another with a brush.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
    Stroke,
    RectFilled,
    RectOutline,
}

impl ShapeKind {
    pub fn kind(self) -> u32 {
        match self {
            ShapeKind::Stroke => COMMAND_PAINT,
            ShapeKind::RectFilled => COMMAND_RECT_FILLED,
            ShapeKind::RectOutline => COMMAND_RECT_OUTLINE,
        }
    }
}

/// One applied command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// A stroke or a rectangle from (x0, y0) to (x1, y1).
    Shape { shape: ShapeKind, from: (i32, i32), to: (i32, i32), brush: Brush },
    /// A flood fill from (x, y).
    Fill { at: (i32, i32), material: u32 },
    /// The strokes from here on are stroke `id` (0: none).
    BeginStroke { id: u32 },
    /// `effective`: it undid an entry of the history.
    Undo { effective: bool },
    /// `effective`: it redid an entry of the history.
    Redo { effective: bool },
    /// A scene replacing every cell, recorded for undo.
    Scene { scene: u32 },
}

/// The eight ring words of a command: kind, x0, y0, x1, y1, radius,
/// material, mask (a log entry's words 2..=9, `qs_world_command`'s arguments).
pub type CommandWords = [i32; 8];

impl Command {
    /// The `COMMAND_*` kind.
    pub fn kind(&self) -> u32 {
        match self {
            Command::Shape { shape, .. } => shape.kind(),
            Command::Fill { .. } => COMMAND_FILL,
            Command::BeginStroke { .. } => COMMAND_BEGIN_STROKE,
            Command::Undo { .. } => COMMAND_UNDO,
            Command::Redo { .. } => COMMAND_REDO,
            Command::Scene { .. } => COMMAND_SCENE,
        }
    }

    /// The name abi.js gives the kind (`COMMAND.PAINT`, ...).
    pub fn kind_name(&self) -> &'static str {
        kind_name(self.kind()).unwrap_or("?")
    }

    /// Its eight ring words, as the sim's log writes them: fields a kind
    /// does not have are 0.
    pub fn words(&self) -> CommandWords {
        let kind = self.kind() as i32;
        let argument = |value: u32| [kind, value as i32, 0, 0, 0, 0, 0, 0];
        match *self {
            Command::Shape { from, to, brush, .. } => {
                [kind, from.0, from.1, to.0, to.1, brush.radius as i32, brush.material as i32, brush.mask]
            }
            Command::Fill { at, material } => [kind, at.0, at.1, 0, 0, 0, material as i32, 0],
            Command::BeginStroke { id } => argument(id),
            Command::Undo { .. } | Command::Redo { .. } => argument(0),
            Command::Scene { scene } => argument(scene),
        }
    }

    /// The log entry's result word: 1 for an effective undo or redo.
    pub fn result(&self) -> u32 {
        match *self {
            Command::Undo { effective } | Command::Redo { effective } => u32::from(effective),
            _ => 0,
        }
    }

    /// The command of a log entry's eight words and result word; `None`
    /// for a kind the format does not know.
    pub fn from_log(words: CommandWords, result: u32) -> Option<Command> {
        let [kind, x0, y0, x1, y1, radius, material, mask] = words;
        let shape = |shape| Command::Shape {
            shape,
            from: (x0, y0),
            to: (x1, y1),
            brush: Brush { radius: radius as u32, material: material as u32, mask },
        };
        Some(match kind as u32 {
            COMMAND_PAINT => shape(ShapeKind::Stroke),
            COMMAND_RECT_FILLED => shape(ShapeKind::RectFilled),
            COMMAND_RECT_OUTLINE => shape(ShapeKind::RectOutline),
            COMMAND_FILL => Command::Fill { at: (x0, y0), material: material as u32 },
            COMMAND_BEGIN_STROKE => Command::BeginStroke { id: x0 as u32 },
            COMMAND_UNDO => Command::Undo { effective: result != 0 },
            COMMAND_REDO => Command::Redo { effective: result != 0 },
            COMMAND_SCENE => Command::Scene { scene: x0 as u32 },
            _ => return None,
        })
    }
}

/// abi.js's name of a `COMMAND_*` kind.
pub fn kind_name(kind: u32) -> Option<&'static str> {
    Some(match kind {
        COMMAND_PAINT => "PAINT",
        COMMAND_BEGIN_STROKE => "BEGIN_STROKE",
        COMMAND_UNDO => "UNDO",
        COMMAND_REDO => "REDO",
        COMMAND_SCENE => "SCENE",
        COMMAND_RECT_FILLED => "RECT_FILLED",
        COMMAND_RECT_OUTLINE => "RECT_OUTLINE",
        COMMAND_FILL => "FILL",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_words_round_trip_for_every_kind() {
        let brush = Brush { radius: 5, material: 3, mask: -2 };
        let commands = [
            Command::Shape { shape: ShapeKind::Stroke, from: (-3, 4), to: (100, 200), brush },
            Command::Shape { shape: ShapeKind::RectFilled, from: (1, 2), to: (3, 4), brush },
            Command::Shape { shape: ShapeKind::RectOutline, from: (1, 2), to: (3, 4), brush },
            Command::Fill { at: (7, 8), material: 9 },
            Command::BeginStroke { id: u32::MAX },
            Command::Undo { effective: true },
            Command::Redo { effective: false },
            Command::Scene { scene: 5 },
        ];
        for command in commands {
            assert_eq!(Command::from_log(command.words(), command.result()), Some(command));
            assert!(kind_name(command.kind()).is_some());
        }
        assert_eq!(Command::from_log([8, 0, 0, 0, 0, 0, 0, 0], 0), None);
    }
}
