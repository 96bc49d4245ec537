//! Workbooks: several tables exported as one file (sheets of an XLSX,
//! tables one after another in a PDF or DOCX).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::columns::Keys;
use crate::error::{ExportError, Result};
use crate::table::{
    CheckRowsSeed, Found, Head, Highs, RowsSeed, ShapeVisitor, Table, TableFields, TableShape,
    TableVisitor, fail, read_object, recorded, shape_checked, without_bom,
};

/// Tables exported together: the sheets of one XLSX file, or the tables,
/// each starting a page, of one PDF or DOCX.
///
/// Its JSON form is `{"title"?: string, "sheets": [table, ...]}`, each
/// table as [`Table::from_json`] reads it with an optional `name` (the
/// sheet's tab in Excel; PDF and DOCX show it above a sheet without a
/// title). [`Workbook::from_json`] also reads a plain table, as a workbook
/// of that one table, so a caller can take either.
///
/// # Examples
///
/// ```
/// use exporter_core::Workbook;
/// let book = Workbook::from_json(r#"{"title": "2024", "sheets": [
///     {"name": "Sales", "headers": ["Order"], "rows": [["A-1"]]},
///     {"name": "Costs", "headers": ["Item"], "rows": []}]}"#)?;
/// assert_eq!((book.title(), book.sheets().len()), (Some("2024"), 2));
/// assert_eq!(book.sheets()[1].name(), Some("Costs"));
///
/// let table = Workbook::from_json(r#"{"headers": ["a"], "rows": [[1]]}"#)?;
/// assert!(!table.is_workbook());
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    title: Option<String>,
    sheets: Vec<Table>,
    /// Given as a workbook (`sheets`), not as one table.
    book: bool,
}

impl Workbook {
    /// A workbook of `sheets`, titled `title`.
    ///
    /// # Errors
    ///
    /// [`ExportError::InvalidWorkbook`] when there is no sheet.
    pub fn new(title: Option<String>, sheets: Vec<Table>) -> Result<Workbook> {
        if sheets.is_empty() {
            return Err(no_sheets());
        }
        Ok(Workbook {
            title,
            sheets,
            book: true,
        })
    }

    /// Reads a workbook, `{"title"?, "sheets": [table, ...]}`, or a plain
    /// table as a workbook of one.
    ///
    /// # Errors
    ///
    /// Those of [`Table::from_json`], said of the sheet they are in
    /// ([`ExportError::InSheet`]: `sheet 2: row 3, column 1: ...`), and
    /// [`ExportError::InvalidWorkbook`] for a workbook without sheets or
    /// with a table's fields beside `sheets`.
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::Workbook;
    /// let err = Workbook::from_json(r#"{"sheets": [
    ///     {"headers": ["a"], "rows": [[1]]},
    ///     {"headers": ["b"], "rows": [[1, 2]]}]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "sheet 2: row 1 has 2 cells but there are only 1 headers");
    /// assert_eq!(err.code(), "ROW_TOO_LONG");
    /// ```
    pub fn from_json(json: &str) -> Result<Workbook> {
        let mut deserializer = serde_json::Deserializer::from_str(without_bom(json));
        let book = Workbook::from_deserializer(&mut deserializer)?;
        deserializer.end().map_err(|err| ExportError::InvalidJson {
            message: err.to_string(),
        })?;
        Ok(book)
    }

    /// Checks a workbook's (or a table's) JSON as [`Workbook::from_json`]
    /// reads it, with the same errors, without keeping its rows (as
    /// [`Table::check_json`] does for a table); stops with
    /// [`ExportError::TooManyCells`] as soon as the sheets hold more than
    /// `max_cells` cells together.
    ///
    /// # Errors
    ///
    /// As [`Workbook::from_json`], and [`ExportError::TooManyCells`].
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::Workbook;
    /// let json = r#"{"title": "t", "sheets": [{"headers": ["a"], "rows": [[1], [2]]}, {"headers": ["b"], "rows": [[3]]}]}"#;
    /// let shape = Workbook::check_json(json, 100)?;
    /// assert_eq!((shape.title.as_deref(), shape.sheets.len(), shape.sheets[0].rows), (Some("t"), 2, 2));
    /// assert_eq!(Workbook::check_json(json, 2).unwrap_err().code(), "TOO_MANY_CELLS");
    /// # Ok::<(), exporter_core::ExportError>(())
    /// ```
    pub fn check_json(json: &str, max_cells: usize) -> Result<WorkbookShape> {
        let found = RefCell::new(None);
        let visitor = BookShapeVisitor {
            found: &found,
            max_cells,
        };
        read_object(json, &found, visitor)
    }

    /// Reads a workbook (or a table) from any serde deserializer, with the
    /// rules and errors of [`Workbook::from_json`].
    ///
    /// # Errors
    ///
    /// As [`Workbook::from_json`].
    pub fn from_deserializer<'de, D>(deserializer: D) -> Result<Workbook>
    where
        D: Deserializer<'de>,
        D::Error: fmt::Display,
    {
        let found = RefCell::new(None);
        let parsed = deserializer.deserialize_map(BookVisitor { found: &found });
        let book = parsed.map_err(|err| recorded(&found, &err))?;
        if !book.book {
            book.sheets[0].check()?;
        }
        Ok(book)
    }

    /// The workbook's title (the document's, in its properties), if any.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The sheets, in order.
    pub fn sheets(&self) -> &[Table] {
        &self.sheets
    }

    /// Whether it was given as a workbook (`sheets`) rather than a table.
    pub fn is_workbook(&self) -> bool {
        self.book
    }

    /// The workbook with each sheet replaced by `f` of it (for example
    /// [`infer_types`](crate::infer_types)).
    #[must_use]
    pub fn map_sheets(mut self, f: impl FnMut(Table) -> Table) -> Workbook {
        self.sheets = self.sheets.into_iter().map(f).collect();
        self
    }

    /// Its title, sheets, and whether it was given as a workbook.
    pub(crate) fn into_parts(self) -> (Option<String>, Vec<Table>, bool) {
        (self.title, self.sheets, self.book)
    }
}

/// A table is a workbook of one sheet, exported as the table.
impl From<Table> for Workbook {
    fn from(table: Table) -> Workbook {
        Workbook {
            title: None,
            sheets: vec![table],
            book: false,
        }
    }
}

/// What [`Workbook::check_json`] found: a valid workbook's title and the
/// size of each sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkbookShape {
    /// The workbook's title (a table's, when given a table).
    pub title: Option<String>,
    /// Each sheet's title and size.
    pub sheets: Vec<TableShape>,
    /// Whether it was a workbook (`sheets`) rather than a table.
    pub is_workbook: bool,
}

fn no_sheets() -> ExportError {
    ExportError::InvalidWorkbook {
        message: "the workbook has no sheets; give at least one table in `sheets`".into(),
    }
}

struct BookVisitor<'a> {
    found: Found<'a>,
}

impl<'de> Visitor<'de> for BookVisitor<'_> {
    type Value = Workbook;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a workbook object with `sheets`, or a table object with `headers` and `rows`")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Workbook, A::Error> {
        let found = self.found;
        let read = visit_book(
            map,
            found,
            |map, keys| map.next_value_seed(RowsSeed { found, keys }),
            |map| map.next_value_seed(SheetsSeed { found }),
        )?;
        Ok(match read {
            BookFields::Table(head) => Workbook::from(head.into_table()),
            BookFields::Book(title, sheets) => Workbook {
                title,
                sheets,
                book: true,
            },
        })
    }
}

/// What a workbook object's fields were.
enum BookFields<R, S> {
    /// A table's (no `sheets`): its head and rows as `read_rows` read them.
    Table(Head<R>),
    /// A workbook's title and sheets (at least one).
    Book(Option<String>, Vec<S>),
}

/// Reads the fields of a workbook object, or of a table given instead:
/// `sheets` through `read_sheets`, a table's fields as
/// [`Table::from_json`] reads them (its rows through `read_rows`). A
/// table's fields beside `sheets`, or no sheet in it, is an error.
fn visit_book<'de, A, R, S>(
    mut map: A,
    found: Found<'_>,
    mut read_rows: impl FnMut(&mut A, Option<&Keys>) -> Result<R, A::Error>,
    mut read_sheets: impl FnMut(&mut A) -> Result<Vec<S>, A::Error>,
) -> Result<BookFields<R, S>, A::Error>
where
    A: MapAccess<'de>,
{
    let mut fields = TableFields::<R>::default();
    let mut sheets = None;
    while let Some(field) = map.next_key::<String>()? {
        if field == "sheets" {
            if sheets.is_some() {
                return Err(de::Error::custom("duplicate field `sheets`"));
            }
            sheets = Some(read_sheets(&mut map)?);
        } else if !fields.read(&field, &mut map, found, &mut read_rows)? {
            map.next_value::<de::IgnoredAny>()?;
        }
    }
    let Some(sheets) = sheets else {
        return Ok(BookFields::Table(fields.finish()?));
    };
    if fields.any_table_field() {
        return Err(fail(
            found,
            ExportError::InvalidWorkbook {
                message: "a workbook's tables go in `sheets`; give `name`, `headers`, `columns` and `rows` inside each sheet, not beside `sheets`".into(),
            },
        ));
    }
    if sheets.is_empty() {
        return Err(fail(found, no_sheets()));
    }
    Ok(BookFields::Book(fields.take_title(), sheets))
}

/// Reads `sheets`, each a table; an error names its sheet.
struct SheetsSeed<'a> {
    found: Found<'a>,
}

impl<'de> DeserializeSeed<'de> for SheetsSeed<'_> {
    type Value = Vec<Table>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Table>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SheetsSeed<'_> {
    type Value = Vec<Table>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`sheets` as an array of table objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Table>, A::Error> {
        let found = self.found;
        let mut sheets = Vec::new();
        loop {
            let sheet = sheets.len() + 1;
            match seq.next_element_seed(SheetSeed { found }) {
                Ok(Some(table)) => {
                    if let Err(err) = table.check() {
                        return Err(fail(found, err.in_sheet(sheet, table.name())));
                    }
                    sheets.push(table);
                }
                Ok(None) => return Ok(sheets),
                Err(err) => return Err(sheet_error(found, sheet, &err)),
            }
        }
    }
}

/// The error reading sheet `sheet` (1-based) failed with: the one its
/// table's reading recorded (else serde's), said of the sheet.
fn sheet_error<E: de::Error>(found: Found<'_>, sheet: usize, err: &E) -> E {
    let error = match recorded(found, err) {
        // The cells are counted across the sheets: no one sheet is at fault.
        inner @ ExportError::TooManyCells { .. } => inner,
        other => other.in_sheet(sheet, None),
    };
    fail(found, error)
}

struct SheetSeed<'a> {
    found: Found<'a>,
}

impl<'de> DeserializeSeed<'de> for SheetSeed<'_> {
    type Value = Table;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Table, D::Error> {
        d.deserialize_map(TableVisitor { found: self.found })
    }
}

/// [`BookVisitor`] without keeping rows, for [`Workbook::check_json`].
struct BookShapeVisitor<'a> {
    found: Found<'a>,
    max_cells: usize,
}

impl<'de> Visitor<'de> for BookShapeVisitor<'_> {
    type Value = WorkbookShape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a workbook object with `sheets`, or a table object with `headers` and `rows`")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WorkbookShape, A::Error> {
        let (found, max_cells) = (self.found, self.max_cells);
        let read = visit_book(
            map,
            found,
            |map, keys| {
                map.next_value_seed(CheckRowsSeed {
                    found,
                    max_cells,
                    keys,
                })
            },
            |map| map.next_value_seed(SheetShapesSeed { found, max_cells }),
        )?;
        Ok(match read {
            BookFields::Table(head) => {
                let (shape, highs) = head.into_shape();
                let shape = shape_checked(shape, &highs).map_err(|e| fail(found, e))?;
                WorkbookShape {
                    title: shape.title.clone(),
                    sheets: vec![shape],
                    is_workbook: false,
                }
            }
            BookFields::Book(title, sheets) => WorkbookShape {
                title,
                sheets,
                is_workbook: true,
            },
        })
    }
}

/// Checks `sheets`, each a table, the cells of all within `max_cells`.
struct SheetShapesSeed<'a> {
    found: Found<'a>,
    max_cells: usize,
}

impl<'de> DeserializeSeed<'de> for SheetShapesSeed<'_> {
    type Value = Vec<TableShape>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<TableShape>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SheetShapesSeed<'_> {
    type Value = Vec<TableShape>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`sheets` as an array of table objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<TableShape>, A::Error> {
        let found = self.found;
        let mut left = self.max_cells;
        let mut sheets = Vec::new();
        loop {
            let sheet = sheets.len() + 1;
            let seed = SheetShapeSeed {
                found,
                max_cells: left,
            };
            match seq.next_element_seed(seed) {
                Ok(Some((shape, highs))) => {
                    let shape = shape_checked(shape, &highs)
                        .map_err(|e| fail(found, e.in_sheet(sheet, None)))?;
                    left -= shape.cells;
                    sheets.push(shape);
                }
                Ok(None) => return Ok(sheets),
                Err(err) => return Err(sheet_error(found, sheet, &err)),
            }
        }
    }
}

struct SheetShapeSeed<'a> {
    found: Found<'a>,
    max_cells: usize,
}

impl<'de> DeserializeSeed<'de> for SheetShapeSeed<'_> {
    type Value = (TableShape, Highs);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(ShapeVisitor {
            found: self.found,
            max_cells: self.max_cells,
        })
    }
}
