//! The type of an imported or exported item, and how it reads in a report.

use std::fmt;

use wasmparser::{FuncType, GlobalType, MemoryType, TableType, ValType};

use super::contract::{self, WASM_PAGE_BYTES};

/// What an import or export is, with its full type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityType {
    /// A function; `None` when its type index does not name a function type
    /// (only possible for GC types, which the ABI never uses).
    Func(Option<FuncType>),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    Tag,
}

impl EntityType {
    /// The kind as the text format spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            EntityType::Func(_) => "func",
            EntityType::Table(_) => "table",
            EntityType::Memory(_) => "memory",
            EntityType::Global(_) => "global",
            EntityType::Tag => "tag",
        }
    }

    /// The value types of a function's signature that cannot cross the host
    /// boundary (anything but i32/i64/f32/f64). Empty for non-functions.
    pub fn non_numeric_types(&self) -> Vec<ValType> {
        match self {
            EntityType::Func(Some(signature)) => signature
                .params()
                .iter()
                .chain(signature.results())
                .copied()
                .filter(|ty| !contract::is_numeric(*ty))
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityType::Func(Some(signature)) => {
                write!(f, "{}", Signature(signature.params(), signature.results()))
            }
            EntityType::Func(None) => f.write_str("(not a function type)"),
            EntityType::Table(table) => {
                write!(f, "{} {}", table.element_type, Limits(table.initial, table.maximum))
            }
            EntityType::Memory(memory) => write!(f, "{}", MemoryDescription(memory)),
            EntityType::Global(global) => write!(f, "{}", GlobalDescription(global)),
            EntityType::Tag => f.write_str("exception tag"),
        }
    }
}

/// `(i32, i32) -> i32`.
pub struct Signature<'a>(pub &'a [ValType], pub &'a [ValType]);

impl fmt::Display for Signature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}) -> ", TypeList(self.0))?;
        match self.1 {
            [single] => write!(f, "{single}"),
            results => write!(f, "({})", TypeList(results)),
        }
    }
}

struct TypeList<'a>(&'a [ValType]);

impl fmt::Display for TypeList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, ty) in self.0.iter().enumerate() {
            if position > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{ty}")?;
        }
        Ok(())
    }
}

/// `17..16384` or `17..` (no maximum).
struct Limits(u64, Option<u64>);

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(maximum) => write!(f, "{}..{maximum}", self.0),
            None => write!(f, "{}..", self.0),
        }
    }
}

/// `shared i32 17..16384 pages`.
pub struct MemoryDescription<'a>(pub &'a MemoryType);

impl fmt::Display for MemoryDescription<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let memory = self.0;
        let sharing = if memory.shared { "shared" } else { "unshared" };
        write!(f, "{sharing} {} {} pages", memory.index_type(), Limits(memory.initial, memory.maximum))?;
        if u64::from(memory.page_size()) != WASM_PAGE_BYTES {
            write!(f, " of {} bytes", memory.page_size())?;
        }
        Ok(())
    }
}

/// `mut i32` or `i32`.
pub struct GlobalDescription<'a>(pub &'a GlobalType);

impl fmt::Display for GlobalDescription<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let global = self.0;
        if global.shared {
            f.write_str("shared ")?;
        }
        if global.mutable {
            f.write_str("mut ")?;
        }
        write!(f, "{}", global.content_type)
    }
}
