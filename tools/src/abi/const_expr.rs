//! Evaluating global initializers.
//!
//! wasm-ld writes every exported address global as a single `i32.const`, but
//! wasm-opt may rewrite one in terms of another global (`global.get`) or with
//! extended-constant arithmetic. The report wants the number either way, and
//! the expression itself when it was not a plain constant.

use wasmparser::{ConstExpr, Operator};

/// The value of a constant expression, where it could be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstValue {
    I32(i32),
    I64(i64),
}

impl ConstValue {
    /// The value as an unsigned number: addresses and sizes are unsigned.
    pub fn as_unsigned(self) -> u64 {
        match self {
            // Reinterpreting the bits is the point: i32.const -1 is 0xffff_ffff.
            ConstValue::I32(value) => u64::from(value as u32),
            ConstValue::I64(value) => value as u64,
        }
    }
}

/// A global's initializer: its text and, if computable, its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluatedExpr {
    /// The instructions, written as in the text format, e.g. `i32.const 1024`.
    pub text: String,
    pub value: Option<ConstValue>,
    /// Whether the expression is one `i32.const`/`i64.const`, the form
    /// wasm-ld emits.
    pub is_plain_constant: bool,
}

/// Evaluates `expr`; `global_values` holds the values of the globals that
/// precede it (`None` for imported or non-computable globals).
pub fn evaluate(expr: &ConstExpr<'_>, global_values: &[Option<ConstValue>]) -> EvaluatedExpr {
    let mut reader = expr.get_operators_reader();
    let mut words: Vec<String> = Vec::new();
    let mut stack: Vec<ConstValue> = Vec::new();
    let mut computable = true;
    let mut only_constants = true;

    while !reader.eof() {
        let Ok(operator) = reader.read() else {
            computable = false;
            break;
        };
        if matches!(operator, Operator::End) {
            continue;
        }
        only_constants &= matches!(operator, Operator::I32Const { .. } | Operator::I64Const { .. });
        words.push(describe(&operator));
        if computable {
            computable = step(&operator, &mut stack, global_values).is_some();
        }
    }

    let value = match (computable, stack.as_slice()) {
        (true, [single]) => Some(*single),
        _ => None,
    };
    EvaluatedExpr { text: words.join(" "), value, is_plain_constant: only_constants && words.len() == 1 }
}

/// Applies one instruction; `None` when the value cannot be computed.
fn step(operator: &Operator<'_>, stack: &mut Vec<ConstValue>, global_values: &[Option<ConstValue>]) -> Option<()> {
    let value = match *operator {
        Operator::I32Const { value } => ConstValue::I32(value),
        Operator::I64Const { value } => ConstValue::I64(value),
        Operator::GlobalGet { global_index } => {
            let index = usize::try_from(global_index).ok()?;
            (*global_values.get(index)?)?
        }
        Operator::I32Add | Operator::I32Sub | Operator::I32Mul => {
            let (ConstValue::I32(right), ConstValue::I32(left)) = (stack.pop()?, stack.pop()?) else {
                return None;
            };
            ConstValue::I32(match operator {
                Operator::I32Add => left.wrapping_add(right),
                Operator::I32Sub => left.wrapping_sub(right),
                _ => left.wrapping_mul(right),
            })
        }
        Operator::I64Add | Operator::I64Sub | Operator::I64Mul => {
            let (ConstValue::I64(right), ConstValue::I64(left)) = (stack.pop()?, stack.pop()?) else {
                return None;
            };
            ConstValue::I64(match operator {
                Operator::I64Add => left.wrapping_add(right),
                Operator::I64Sub => left.wrapping_sub(right),
                _ => left.wrapping_mul(right),
            })
        }
        _ => return None,
    };
    stack.push(value);
    Some(())
}

/// One instruction in text-format spelling.
fn describe(operator: &Operator<'_>) -> String {
    match operator {
        Operator::I32Const { value } => format!("i32.const {value}"),
        Operator::I64Const { value } => format!("i64.const {value}"),
        Operator::GlobalGet { global_index } => format!("global.get {global_index}"),
        Operator::I32Add => "i32.add".to_owned(),
        Operator::I32Sub => "i32.sub".to_owned(),
        Operator::I32Mul => "i32.mul".to_owned(),
        Operator::I64Add => "i64.add".to_owned(),
        Operator::I64Sub => "i64.sub".to_owned(),
        Operator::I64Mul => "i64.mul".to_owned(),
        other => format!("{other:?}"),
    }
}
