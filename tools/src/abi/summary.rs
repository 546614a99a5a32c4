//! Reading a module into the facts the ABI rules and the report need.
//!
//! The module has already passed spec validation when this runs, but every
//! lookup is still checked: a bug here must become an error, not a panic.

use std::collections::BTreeMap;

use wasmparser::{
    CompositeInnerType, DataKind, ExternalKind, FuncType, GlobalType, KnownCustom, MemoryType, Name, Parser, Payload,
    TableType, TypeRef,
};

use super::const_expr::{self, ConstValue, EvaluatedExpr};
use super::entity::EntityType;
use super::spec::Unreadable;

/// Everything the checker knows about one module.
#[derive(Debug, Clone)]
pub struct ModuleSummary {
    /// Size of the whole file in bytes.
    pub size: usize,
    pub sections: Vec<Section>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// The memory index space: imported memories first, then defined ones.
    pub memories: Vec<Memory>,
    /// The global index space.
    pub globals: Vec<Global>,
    /// The function index space.
    pub functions: Vec<Function>,
    pub data_segments: Vec<DataSegment>,
    pub start: Option<StartFunction>,
    pub names: Names,
}

/// One section, by the byte range of its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: u8,
    /// `type`, `import`, ..., or `custom`.
    pub kind: &'static str,
    /// The name of a custom section.
    pub custom_name: Option<String>,
    pub offset: usize,
    pub size: usize,
}

#[derive(Debug, Clone)]
pub struct Import {
    pub module: String,
    pub name: String,
    /// Offset of the import entry in the file.
    pub offset: usize,
    pub ty: EntityType,
}

#[derive(Debug, Clone)]
pub struct Export {
    pub name: String,
    /// Offset of the export entry in the file.
    pub offset: usize,
    /// `func`, `table`, `memory`, `global` or `tag`.
    pub kind: &'static str,
    /// Index into the index space of `kind`.
    pub index: u32,
    /// The exported item's type; `None` only if the index is out of range,
    /// which spec validation rules out.
    pub ty: Option<EntityType>,
}

/// Where an item in an index space comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Imported { module: String, name: String },
    Defined,
}

impl Origin {
    /// Whether this is the import `module.name`.
    pub fn is_import_of(&self, wanted_module: &str, wanted_name: &str) -> bool {
        matches!(self, Origin::Imported { module, name } if module == wanted_module && name == wanted_name)
    }
}

#[derive(Debug, Clone)]
pub struct Memory {
    pub ty: MemoryType,
    pub origin: Origin,
    /// Offset of the import entry or of the memory's definition.
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct Global {
    pub ty: GlobalType,
    /// Offset of the import entry or of the global's definition.
    pub offset: usize,
    /// The initializer of a defined global; `None` for an imported one.
    pub init: Option<EvaluatedExpr>,
}

#[derive(Debug, Clone)]
pub struct Function {
    /// `None` when the type index does not name a function type.
    pub signature: Option<FuncType>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSegment {
    pub index: u32,
    /// Offset of the segment in the file.
    pub offset: usize,
    /// Number of data bytes.
    pub len: usize,
    pub active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartFunction {
    pub function_index: u32,
    /// Offset of the start section's contents.
    pub offset: usize,
}

/// What the `name` custom section says, if there is one.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub status: NamesStatus,
    /// Function names by function index.
    pub functions: BTreeMap<u32, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum NamesStatus {
    Present,
    /// Stripped, e.g. by wasm-opt or `--strip-debug`.
    #[default]
    Missing,
    /// Custom sections are not validated, so a broken one is only reported.
    Malformed(Unreadable),
}

impl ModuleSummary {
    pub fn function(&self, index: u32) -> Option<&Function> {
        self.functions.get(usize::try_from(index).ok()?)
    }

    pub fn global(&self, index: u32) -> Option<&Global> {
        self.globals.get(usize::try_from(index).ok()?)
    }

    pub fn find_export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|export| export.name == name)
    }
}

/// Reads `bytes`, which must already have passed spec validation.
pub fn read(bytes: &[u8]) -> Result<ModuleSummary, Unreadable> {
    let mut builder = Builder::default();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|error| Unreadable::at(error.offset(), error.message()))?;
        builder.add(payload)?;
    }
    Ok(builder.finish(bytes.len()))
}

/// Collects one payload at a time; also the type index space, which only
/// the reader needs.
#[derive(Default)]
struct Builder {
    types: Vec<Option<FuncType>>,
    sections: Vec<Section>,
    imports: Vec<Import>,
    raw_exports: Vec<(usize, String, ExternalKind, u32)>,
    memories: Vec<Memory>,
    globals: Vec<Global>,
    /// Values of the globals so far, for initializers that read them.
    global_values: Vec<Option<ConstValue>>,
    functions: Vec<Function>,
    tables: Vec<TableType>,
    data_segments: Vec<DataSegment>,
    start: Option<StartFunction>,
    names: Names,
}

fn to_unreadable(error: wasmparser::BinaryReaderError) -> Unreadable {
    Unreadable::at(error.offset(), error.message())
}

impl Builder {
    fn add(&mut self, payload: Payload<'_>) -> Result<(), Unreadable> {
        if let Some((id, range)) = payload.as_section() {
            let custom_name = match &payload {
                Payload::CustomSection(reader) => Some(reader.name().to_owned()),
                _ => None,
            };
            self.sections.push(Section {
                id,
                kind: section_kind(id),
                custom_name,
                offset: range.start,
                size: range.len(),
            });
        }

        match payload {
            Payload::TypeSection(reader) => {
                for rec_group in reader {
                    for sub_type in rec_group.map_err(to_unreadable)?.into_types() {
                        self.types.push(match sub_type.composite_type.inner {
                            CompositeInnerType::Func(signature) => Some(signature),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for entry in reader.into_imports_with_offsets() {
                    let (offset, import) = entry.map_err(to_unreadable)?;
                    self.add_import(offset, import.module, import.name, import.ty);
                }
            }
            Payload::FunctionSection(reader) => {
                for type_index in reader {
                    let signature = self.signature(type_index.map_err(to_unreadable)?);
                    self.functions.push(Function { signature, origin: Origin::Defined });
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    self.tables.push(table.map_err(to_unreadable)?.ty);
                }
            }
            Payload::MemorySection(reader) => {
                for entry in reader.into_iter_with_offsets() {
                    let (offset, ty) = entry.map_err(to_unreadable)?;
                    self.memories.push(Memory { ty, origin: Origin::Defined, offset });
                }
            }
            Payload::GlobalSection(reader) => {
                for entry in reader.into_iter_with_offsets() {
                    let (offset, global) = entry.map_err(to_unreadable)?;
                    let init = const_expr::evaluate(&global.init_expr, &self.global_values);
                    self.global_values.push(init.value);
                    self.globals.push(Global { ty: global.ty, offset, init: Some(init) });
                }
            }
            Payload::ExportSection(reader) => {
                for entry in reader.into_iter_with_offsets() {
                    let (offset, export) = entry.map_err(to_unreadable)?;
                    self.raw_exports.push((offset, export.name.to_owned(), export.kind, export.index));
                }
            }
            Payload::StartSection { func, range } => {
                self.start = Some(StartFunction { function_index: func, offset: range.start });
            }
            Payload::DataSection(reader) => {
                for (index, segment) in (0_u32..).zip(reader) {
                    let segment = segment.map_err(to_unreadable)?;
                    self.data_segments.push(DataSegment {
                        index,
                        offset: segment.range.start,
                        len: segment.data.len(),
                        active: matches!(segment.kind, DataKind::Active { .. }),
                    });
                }
            }
            Payload::CustomSection(reader) => {
                if let KnownCustom::Name(names) = reader.as_known() {
                    if self.names.status == NamesStatus::Missing {
                        self.names = read_names(names);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn signature(&self, type_index: u32) -> Option<FuncType> {
        self.types.get(usize::try_from(type_index).ok()?)?.clone()
    }

    fn add_import(&mut self, offset: usize, module: &str, name: &str, ty: TypeRef) {
        let origin = Origin::Imported { module: module.to_owned(), name: name.to_owned() };
        let entity = match ty {
            TypeRef::Func(type_index) | TypeRef::FuncExact(type_index) => {
                let signature = self.signature(type_index);
                self.functions.push(Function { signature: signature.clone(), origin: origin.clone() });
                EntityType::Func(signature)
            }
            TypeRef::Table(table) => {
                self.tables.push(table);
                EntityType::Table(table)
            }
            TypeRef::Memory(memory) => {
                self.memories.push(Memory { ty: memory, origin, offset });
                EntityType::Memory(memory)
            }
            TypeRef::Global(global) => {
                self.global_values.push(None);
                self.globals.push(Global { ty: global, offset, init: None });
                EntityType::Global(global)
            }
            TypeRef::Tag(_) => EntityType::Tag,
        };
        self.imports.push(Import { module: module.to_owned(), name: name.to_owned(), offset, ty: entity });
    }

    fn finish(self, size: usize) -> ModuleSummary {
        let exports = self
            .raw_exports
            .iter()
            .map(|(offset, name, kind, index)| Export {
                name: name.clone(),
                offset: *offset,
                kind: external_kind_name(*kind),
                index: *index,
                ty: self.exported_type(*kind, *index),
            })
            .collect();
        ModuleSummary {
            size,
            sections: self.sections,
            imports: self.imports,
            exports,
            memories: self.memories,
            globals: self.globals,
            functions: self.functions,
            data_segments: self.data_segments,
            start: self.start,
            names: self.names,
        }
    }

    fn exported_type(&self, kind: ExternalKind, index: u32) -> Option<EntityType> {
        let position = usize::try_from(index).ok()?;
        match kind {
            ExternalKind::Func | ExternalKind::FuncExact => {
                self.functions.get(position).map(|function| EntityType::Func(function.signature.clone()))
            }
            ExternalKind::Memory => self.memories.get(position).map(|memory| EntityType::Memory(memory.ty)),
            ExternalKind::Global => self.globals.get(position).map(|global| EntityType::Global(global.ty)),
            ExternalKind::Table => self.tables.get(position).copied().map(EntityType::Table),
            ExternalKind::Tag => Some(EntityType::Tag),
        }
    }
}

fn read_names(reader: wasmparser::NameSectionReader<'_>) -> Names {
    let mut functions = BTreeMap::new();
    for subsection in reader {
        let malformed = |error: wasmparser::BinaryReaderError| Names {
            status: NamesStatus::Malformed(to_unreadable(error)),
            functions: BTreeMap::new(),
        };
        let subsection = match subsection {
            Ok(subsection) => subsection,
            Err(error) => return malformed(error),
        };
        if let Name::Function(map) = subsection {
            for naming in map {
                match naming {
                    Ok(naming) => {
                        functions.insert(naming.index, naming.name.to_owned());
                    }
                    Err(error) => return malformed(error),
                }
            }
        }
    }
    Names { status: NamesStatus::Present, functions }
}

fn section_kind(id: u8) -> &'static str {
    match id {
        0 => "custom",
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "datacount",
        13 => "tag",
        _ => "unknown",
    }
}

fn external_kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "func",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}
