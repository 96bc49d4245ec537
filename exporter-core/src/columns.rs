//! Columns given as objects (`{"header", "key"}`) instead of bare headers,
//! and the keys by which rows given as objects are read.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::numfmt::{NumberFormat, Unsupported};
use crate::table::Cell;
use crate::typed::ColumnType;

/// A column of a table given with `columns`: its header, the key its
/// cells have in rows given as objects, and how it is shown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub(crate) header: String,
    pub(crate) key: Option<String>,
    pub(crate) style: ColumnStyle,
}

/// How a column's text sits in its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

impl Align {
    /// The name `align` gives it: `left`, `center`, `right`.
    pub fn name(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        }
    }
}

/// How a column is shown, as its `columns` entry asks: alignment of its
/// header and cells, and width in characters (the width of `0`, as Excel
/// counts). `None` leaves each to the format (numbers right, text left;
/// widths fitted to the content).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnStyle {
    /// Alignment of the header and every cell.
    pub align: Option<Align>,
    /// Width in characters, 1 to 255.
    pub width: Option<f32>,
    /// What the cells are (`type`); `None` keeps each cell as given.
    pub kind: Option<ColumnType>,
    /// How the cells are shown (`format`, an Excel number-format code).
    pub format: Option<Arc<ColumnFormat>>,
}

impl ColumnStyle {
    /// Where the column's header and cells sit: as asked, else right for
    /// numbers, dates and times; `None` leaves each cell to its kind
    /// (numbers right, text left) and the header left.
    pub fn column_align(&self) -> Option<Align> {
        self.align.or(match self.kind {
            Some(
                ColumnType::Number | ColumnType::Date | ColumnType::DateTime | ColumnType::Time,
            ) => Some(Align::Right),
            _ => None,
        })
    }

    /// Where `cell`, a body cell of this column, sits: as the column says
    /// ([`column_align`](Self::column_align)), else numbers, long integers
    /// and dates right, as in a spreadsheet; `None` is flush left.
    pub(crate) fn cell_align(&self, cell: &Cell) -> Option<Align> {
        let numeric = matches!(cell, Cell::Number(_) | Cell::Integer(_) | Cell::Moment(_));
        self.column_align().or(numeric.then_some(Align::Right))
    }

    /// The column's number format, when it has one Rowpress can show (an
    /// unsupported code is shown as General, with a warning).
    pub fn number_format(&self) -> Option<&NumberFormat> {
        self.format.as_ref().and_then(|f| f.parsed.as_ref().ok())
    }
}

/// A column's `format`: the code as given and what Rowpress reads of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnFormat {
    /// The Excel number-format code, as given.
    pub code: String,
    /// The code read, or why it cannot be shown as Excel shows it.
    pub parsed: std::result::Result<NumberFormat, Unsupported>,
}

/// Widest column, in characters (Excel's limit).
const MAX_WIDTH: f64 = 255.0;
/// Longest format code, in bytes (Excel's is 255 characters).
const MAX_FORMAT: usize = 255;

/// The keys of a table's columns, for reading rows given as objects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Keys {
    index: HashMap<String, usize>,
}

impl Keys {
    /// Each key and its 0-based column.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, usize)> {
        self.index.iter().map(|(k, &c)| (k.as_str(), c))
    }

    /// The keys of `columns`; `None` when no column has one.
    ///
    /// # Errors
    ///
    /// A message naming the 1-based column whose key repeats an earlier one.
    pub(crate) fn of(columns: &[Column]) -> Result<Option<Keys>, (usize, String)> {
        let mut index = HashMap::new();
        for (c, column) in columns.iter().enumerate() {
            if let Some(key) = &column.key
                && let Some(first) = index.insert(key.clone(), c)
            {
                return Err((
                    c + 1,
                    format!(
                        "key {key:?} is also the key of column {}; keys must differ",
                        first + 1
                    ),
                ));
            }
        }
        Ok((!index.is_empty()).then_some(Keys { index }))
    }

    /// The 0-based column of `key`.
    pub(crate) fn column(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }
}

/// Reads `columns`: an array of `{"header": string, "key"?: string,
/// "type"?, "format"?, "align"?, "width"?}`. Fields a later version reads
/// are refused by name rather than ignored, so a table does not silently
/// export differently than it asks.
pub(crate) struct ColumnsSeed;

impl<'de> DeserializeSeed<'de> for ColumnsSeed {
    type Value = Vec<Column>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Column>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ColumnsSeed {
    type Value = Vec<Column>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`columns` as an array of {\"header\", \"key\", \"type\", \"format\", \"align\", \"width\"} objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Column>, A::Error> {
        let mut columns = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 14));
        while let Some(column) = seq.next_element_seed(ColumnSeed {
            column: columns.len() + 1,
        })? {
            columns.push(column);
        }
        Ok(columns)
    }
}

struct ColumnSeed {
    /// 1-based, for messages.
    column: usize,
}

impl<'de> DeserializeSeed<'de> for ColumnSeed {
    type Value = Column;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Column, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ColumnSeed {
    type Value = Column;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "column {} as an object with a `header` string",
            self.column
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Column, A::Error> {
        let column = self.column;
        let mut header: Option<String> = None;
        let mut key: Option<Option<String>> = None;
        let mut align: Option<Option<String>> = None;
        let mut width: Option<Option<f64>> = None;
        let mut kind: Option<Option<String>> = None;
        let mut format: Option<Option<String>> = None;
        while let Some(field) = map.next_key::<String>()? {
            match field.as_str() {
                "header" if header.is_none() => header = Some(map.next_value()?),
                "key" if key.is_none() => key = Some(map.next_value()?),
                "align" if align.is_none() => align = Some(map.next_value()?),
                "width" if width.is_none() => width = Some(map.next_value()?),
                "type" if kind.is_none() => kind = Some(map.next_value()?),
                "format" if format.is_none() => format = Some(map.next_value()?),
                "header" | "key" | "align" | "width" | "type" | "format" => {
                    return Err(de::Error::custom(format_args!(
                        "column {column}: duplicate field `{field}`"
                    )));
                }
                _ => {
                    return Err(de::Error::custom(format_args!(
                        "column {column}: unknown field `{field}`; a column has `header`, `key`, `type`, `format`, `align` and `width`"
                    )));
                }
            }
        }
        let header = header.ok_or_else(|| {
            de::Error::custom(format_args!("column {column}: missing field `header`"))
        })?;
        let align = match align.flatten().as_deref() {
            None => None,
            Some("left") => Some(Align::Left),
            Some("center") => Some(Align::Center),
            Some("right") => Some(Align::Right),
            Some(other) => {
                return Err(de::Error::custom(format_args!(
                    "column {column}: align {other:?} is not one of left, center, right"
                )));
            }
        };
        let width = match width.flatten() {
            None => None,
            Some(w) if (1.0..=MAX_WIDTH).contains(&w) => {
                // Within 1..=255: exact enough as f32.
                #[allow(clippy::cast_possible_truncation)]
                Some(w as f32)
            }
            Some(w) => {
                return Err(de::Error::custom(format_args!(
                    "column {column}: width {w} is not a number of characters from 1 to 255"
                )));
            }
        };
        let kind = match kind.flatten().as_deref() {
            None => None,
            Some(name) => Some(ColumnType::parse(name).ok_or_else(|| {
                de::Error::custom(format_args!(
                    "column {column}: type {name:?} is not one of text, number, boolean, date, datetime, time, link"
                ))
            })?),
        };
        let format = match format.flatten() {
            None => None,
            Some(_) if kind.is_none() => {
                return Err(de::Error::custom(format_args!(
                    "column {column}: `format` needs a `type` (number, date, datetime, time, text or boolean) to say what it formats"
                )));
            }
            Some(code) if code.is_empty() || code.len() > MAX_FORMAT => {
                return Err(de::Error::custom(format_args!(
                    "column {column}: format must be 1 to {MAX_FORMAT} characters"
                )));
            }
            Some(code) => Some(Arc::new(ColumnFormat {
                parsed: NumberFormat::parse(&code),
                code,
            })),
        };
        Ok(Column {
            header,
            key: key.flatten(),
            style: ColumnStyle {
                align,
                width,
                kind,
                format,
            },
        })
    }
}
