//! The few value types the store's SQL passes in and reads out, the same for every backend:
//! integers are `i64`, times are RFC 3339 text, bytes are blobs. The store's functions bind
//! through `Bind` and read through `Column`, so no backend's types reach their callers.

use std::fmt;

/// A value bound to a placeholder (`?1`, `?2`, … in the store's SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// What can be bound to a placeholder.
pub trait Bind {
    fn value(&self) -> Value<'_>;
}

impl Bind for i64 {
    fn value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}

impl Bind for u32 {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl Bind for usize {
    fn value(&self) -> Value<'_> {
        // A count in memory is far below i64::MAX; saturating keeps this total.
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Bind for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl Bind for str {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl Bind for String {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl Bind for [u8] {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl Bind for Vec<u8> {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl<T: Bind + ?Sized> Bind for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
}

impl<T: Bind> Bind for Option<T> {
    fn value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, Bind::value)
    }
}

/// The values bound to a statement's placeholders, in order.
pub(super) fn values<'p>(params: &'p [&dyn Bind]) -> impl Iterator<Item = Value<'p>> {
    params.iter().map(|p| p.value())
}

/// A column's value as the backend handed it over, before it becomes a Rust type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Raw<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Raw::Null => "NULL",
            Raw::Int(_) => "an integer",
            Raw::Real(_) => "a real number",
            Raw::Text(_) => "text",
            Raw::Blob(_) => "bytes",
        }
    }
}

/// What can be read out of a column.
pub trait Column: Sized {
    /// The type's name for the message when a column holds something else.
    const WANTED: &'static str;
    fn from_raw(raw: Raw<'_>) -> Option<Self>;
}

impl Column for i64 {
    const WANTED: &'static str = "an integer";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        match raw {
            Raw::Int(i) => Some(i),
            _ => None,
        }
    }
}

impl Column for u32 {
    const WANTED: &'static str = "a count (0 to 4294967295)";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        i64::from_raw(raw).and_then(|i| u32::try_from(i).ok())
    }
}

impl Column for u64 {
    const WANTED: &'static str = "a count (0 or more)";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        i64::from_raw(raw).and_then(|i| u64::try_from(i).ok())
    }
}

impl Column for usize {
    const WANTED: &'static str = "a count (0 or more)";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        i64::from_raw(raw).and_then(|i| usize::try_from(i).ok())
    }
}

impl Column for bool {
    const WANTED: &'static str = "0 or 1";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        match raw {
            Raw::Int(0) => Some(false),
            Raw::Int(1) => Some(true),
            _ => None,
        }
    }
}

impl Column for String {
    const WANTED: &'static str = "text";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        match raw {
            Raw::Text(s) => Some(s.to_owned()),
            _ => None,
        }
    }
}

impl Column for Vec<u8> {
    const WANTED: &'static str = "bytes";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        match raw {
            Raw::Blob(b) => Some(b.to_vec()),
            _ => None,
        }
    }
}

impl<T: Column> Column for Option<T> {
    const WANTED: &'static str = T::WANTED;
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        match raw {
            Raw::Null => Some(None),
            other => T::from_raw(other).map(Some),
        }
    }
}

/// A column that held something other than its type: a damaged or foreign database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnError {
    pub index: usize,
    pub wanted: &'static str,
    pub found: String,
}

impl fmt::Display for ColumnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "column {} holds {} where {} belongs",
            self.index, self.found, self.wanted
        )
    }
}

impl std::error::Error for ColumnError {}

/// Reads a text column without copying it (the audit walks millions of rows).
pub(super) fn text(index: usize, raw: Raw<'_>) -> Result<Option<&str>, ColumnError> {
    match raw {
        Raw::Null => Ok(None),
        Raw::Text(s) => Ok(Some(s)),
        other => Err(mismatch::<String>(index, other)),
    }
}

/// Reads a column, naming what it held when that was not a `T`.
pub(super) fn column<T: Column>(index: usize, raw: Raw<'_>) -> Result<T, ColumnError> {
    T::from_raw(raw).ok_or_else(|| mismatch::<T>(index, raw))
}

fn mismatch<T: Column>(index: usize, raw: Raw<'_>) -> ColumnError {
    ColumnError {
        index,
        wanted: T::WANTED,
        found: match raw {
            Raw::Int(i) => format!("the integer {i}"),
            other => other.kind().to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_bind_null_and_read_back() {
        assert_eq!(None::<i64>.value(), Value::Null);
        assert_eq!(Some("x").value(), Value::Text("x"));
        assert_eq!(column::<Option<i64>>(0, Raw::Null), Ok(None));
        assert_eq!(column::<Option<i64>>(0, Raw::Int(4)), Ok(Some(4)));
    }

    #[test]
    fn a_wrong_column_says_what_it_held() {
        let e = column::<bool>(3, Raw::Int(7)).expect_err("7 is no bool");
        assert_eq!(
            e.to_string(),
            "column 3 holds the integer 7 where 0 or 1 belongs"
        );
        let e = column::<u32>(1, Raw::Int(-1)).expect_err("no negative counts");
        assert_eq!(e.wanted, "a count (0 to 4294967295)");
        assert!(column::<String>(0, Raw::Blob(b"x")).is_err());
        assert!(column::<i64>(0, Raw::Null).is_err());
        assert_eq!(text(2, Raw::Text("a")), Ok(Some("a")));
        assert_eq!(text(2, Raw::Null), Ok(None));
        assert_eq!(text(2, Raw::Int(5)).expect_err("no text").wanted, "text");
    }
}
