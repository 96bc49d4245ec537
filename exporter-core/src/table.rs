//! The table model: what every format is made from, and how it is read and
//! checked.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::columns::{Column, ColumnStyle, ColumnsSeed, Keys};
use crate::error::{ExportError, Location, Result};
use crate::typed::{Moment, MomentKind};

/// Largest integer a 64-bit float holds exactly (2^53); beyond it JSON
/// integers would silently change on their way into any format.
const MAX_EXACT_INTEGER: u64 = 1 << 53;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Cell {
    /// An empty cell (`null` in JSON, or missing at the end of a short row).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A finite number.
    Number(f64),
    /// Text.
    String(String),
    /// An integer beyond 2^53, as its decimal digits (with a leading `-`
    /// when negative): as a 64-bit float it would lose digits. PDF, DOCX
    /// and CSV write the digits; XLSX writes them as text, with a warning.
    Integer(String),
    /// A date, date and time, or time of day, read from the text of a cell
    /// in a column whose `type` says so.
    Moment(crate::typed::Moment),
    /// A link: `{"text", "url"}` in JSON, or a URL in a `link` column.
    Link(Link),
}

/// A link: the text shown and where it goes (http, https or mailto).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The text shown.
    pub text: String,
    /// The address.
    pub url: String,
}

/// Longest link address, in bytes: Excel keeps at most 2,079 characters.
const MAX_URL: usize = 2_079;

impl Link {
    /// Why `url` is not an address Rowpress writes as a link, if it is not:
    /// only `http:`, `https:` and `mailto:` addresses, without spaces or
    /// control characters, at most 2,079 bytes (Excel's limit).
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::Link;
    /// assert_eq!(Link::check_url("https://example.com/a?b=1"), None);
    /// assert!(Link::check_url("javascript:alert(1)").is_some());
    /// ```
    pub fn check_url(url: &str) -> Option<String> {
        let starts = |scheme: &str| {
            url.as_bytes()
                .get(..scheme.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(scheme.as_bytes()))
        };
        let scheme_ok = starts("http://") || starts("https://") || starts("mailto:");
        if !scheme_ok {
            return Some(format!(
                "{:?} is not an http, https or mailto address",
                crate::text::excerpt(url)
            ));
        }
        if url.len() > MAX_URL {
            return Some(format!(
                "a link address of {} bytes is longer than the {MAX_URL} Excel keeps",
                url.len()
            ));
        }
        // Bytes first: an ASCII address (most) needs no character decoding.
        let spaced = if url.is_ascii() {
            url.bytes()
                .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        } else {
            url.chars().any(|c| c.is_whitespace() || c.is_control())
        };
        if spaced {
            return Some(format!(
                "{:?} holds a space or a control character; encode it (%20)",
                crate::text::excerpt(url)
            ));
        }
        None
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Cell::String(value.to_owned())
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Cell::String(value)
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<i32> for Cell {
    fn from(value: i32) -> Self {
        Cell::Number(f64::from(value))
    }
}

impl From<bool> for Cell {
    fn from(value: bool) -> Self {
        Cell::Bool(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Null, Into::into)
    }
}

static NULL: Cell = Cell::Null;

/// A checked table: headers, rows no longer than the headers, finite numbers.
///
/// # Examples
///
/// ```
/// use exporter_core::{Cell, Table};
/// let table = Table::from_json(
///     r#"{"title": "Quarterly sales", "headers": ["Order", "Qty", "Paid"],
///         "rows": [["A-1", 3, true], ["A-2", null]]}"#,
/// )?;
/// assert_eq!(table.cell(1, 2), &Cell::Null); // short rows are padded
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    title: Option<String>,
    /// The sheet name asked for in a workbook (`name`).
    name: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
    /// The columns' keys, when given with `columns`: rows may then be objects.
    keys: Option<Keys>,
    /// How each column is shown, when given with `columns`; empty otherwise.
    styles: Vec<ColumnStyle>,
}

impl Table {
    /// Builds a table from headers and rows and checks it.
    ///
    /// # Errors
    ///
    /// [`ExportError::MissingHeaders`] when there are rows but no headers,
    /// [`ExportError::RowTooLong`] when a row has more cells than headers, and
    /// [`ExportError::InvalidNumber`] for NaN or an infinity.
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::{Cell, Table};
    /// let table = Table::new(
    ///     vec!["Order".into(), "Qty".into()],
    ///     vec![vec!["A-1".into(), 3.into()]],
    /// )?
    /// .with_title("Orders");
    /// assert_eq!(table.title(), Some("Orders"));
    /// # Ok::<(), exporter_core::ExportError>(())
    /// ```
    pub fn new(headers: Vec<String>, rows: Vec<Vec<Cell>>) -> Result<Table> {
        let table = Table {
            title: None,
            name: None,
            headers,
            rows,
            keys: None,
            styles: Vec::new(),
        };
        table.check()?;
        for (r, row) in table.rows.iter().enumerate() {
            check_numbers(r, row)?;
        }
        Ok(table)
    }

    /// The rows, to change in place (each cell turned into the text it
    /// shows, for PDF and DOCX).
    pub(crate) fn rows_mut(&mut self) -> &mut [Vec<Cell>] {
        &mut self.rows
    }

    /// The table with column `styles` (as read from `columns`).
    pub(crate) fn with_styles(mut self, styles: Vec<ColumnStyle>) -> Table {
        self.styles = styles;
        if self.styles.iter().all(|s| *s == ColumnStyle::default()) {
            // Nothing asked: the same table as one given `headers`.
            self.styles.clear();
        }
        self
    }

    /// Sets the title.
    pub fn with_title(mut self, title: impl Into<String>) -> Table {
        self.title = Some(title.into());
        self
    }

    /// Sets the name of its sheet in a workbook (XLSX's sheet tab; PDF and
    /// DOCX show it above a sheet without a title).
    pub fn with_name(mut self, name: impl Into<String>) -> Table {
        self.name = Some(name.into());
        self
    }

    /// The name of its sheet in a workbook, if given (`name`).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Reads a table from its JSON form:
    /// `{"title"?: string, "headers": [string], "rows": [[string|number|boolean|null]]}`,
    /// or with `"columns": [{"header": string, "key"?: string}]` instead of
    /// `headers`, when rows may also be objects keyed by the columns' keys
    /// (`{"id": "A-1", "qty": 3}`; a key not given is an empty cell).
    ///
    /// # Errors
    ///
    /// [`ExportError::InvalidJson`] for malformed JSON or a missing field,
    /// [`ExportError::InvalidCell`] for an object or array in a cell,
    /// [`ExportError::UnknownKey`] for a row object's key no column has, and
    /// the errors of [`Table::new`]. An integer beyond 2^53 is kept as its
    /// digits ([`Cell::Integer`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::Table;
    /// let err = Table::from_json(r#"{"headers": ["a"], "rows": [[{"x": 1}]]}"#).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "row 1, column 1: a cell must be a string, number, boolean or null, found an object with \"x\" (the one object a cell may be is a link, {\"text\", \"url\"})"
    /// );
    /// ```
    pub fn from_json(json: &str) -> Result<Table> {
        let json = without_bom(json);
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let table = Table::from_deserializer(&mut deserializer)?;
        deserializer.end().map_err(|err| ExportError::InvalidJson {
            message: err.to_string(),
        })?;
        Ok(table)
    }

    /// Reads a table from any serde deserializer (the wasm binding passes
    /// JavaScript objects through this); same rules and errors as
    /// [`Table::from_json`].
    ///
    /// # Errors
    ///
    /// As [`Table::from_json`].
    pub fn from_deserializer<'de, D>(deserializer: D) -> Result<Table>
    where
        D: Deserializer<'de>,
        D::Error: fmt::Display,
    {
        let found = RefCell::new(None);
        let parsed = deserializer.deserialize_map(TableVisitor { found: &found });
        match parsed {
            Ok(table) => {
                table.check()?;
                Ok(table)
            }
            Err(err) => Err(recorded(&found, &err)),
        }
    }

    /// Checks a table's JSON as [`Table::from_json`] reads it, with the
    /// same errors, without keeping its rows: memory stays that of one row
    /// (a server checks a table it stores as text this way). Stops with
    /// [`ExportError::TooManyCells`] as soon as the rows hold more than
    /// `max_cells` cells.
    ///
    /// # Errors
    ///
    /// As [`Table::from_json`], and [`ExportError::TooManyCells`].
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::Table;
    /// let shape = Table::check_json(r#"{"headers": ["a", "b"], "rows": [[1, 2], [3]]}"#, 100)?;
    /// assert_eq!((shape.columns, shape.rows, shape.cells), (2, 2, 3));
    /// let err = Table::check_json(r#"{"headers": ["a"], "rows": [[1], [2]]}"#, 1).unwrap_err();
    /// assert_eq!(err.code(), "TOO_MANY_CELLS");
    /// # Ok::<(), exporter_core::ExportError>(())
    /// ```
    pub fn check_json(json: &str, max_cells: usize) -> Result<TableShape> {
        let found = RefCell::new(None);
        let visitor = ShapeVisitor {
            found: &found,
            max_cells,
        };
        let (shape, highs) = read_object(json, &found, visitor)?;
        shape_checked(shape, &highs)
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.headers.is_empty() && !self.rows.is_empty() {
            return Err(ExportError::MissingHeaders {
                rows: self.rows.len(),
            });
        }
        for (r, row) in self.rows.iter().enumerate() {
            if row.len() > self.headers.len() {
                return Err(ExportError::RowTooLong {
                    row: r + 1,
                    cells: row.len(),
                    headers: self.headers.len(),
                });
            }
        }
        Ok(())
    }

    /// Reads one body row for a [`StreamedTable`](crate::StreamedTable)
    /// headed by this table into `cells` (cleared first): an array, or,
    /// when this table was given `columns` with keys, an object keyed by
    /// them. `row` is 0-based. Same rules and errors as
    /// [`Table::from_json`].
    ///
    /// # Errors
    ///
    /// As [`read_row`](crate::read_row), and [`ExportError::UnknownKey`].
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::{Cell, Table};
    /// let head = Table::from_json(r#"{"columns": [{"header": "Id", "key": "id"}, {"header": "Qty", "key": "qty"}], "rows": []}"#)?;
    /// let mut cells = Vec::new();
    /// head.read_body_row(&mut serde_json::Deserializer::from_str(r#"{"qty": 3}"#), 0, &mut cells)?;
    /// assert_eq!(cells, [Cell::Null, Cell::from(3)]);
    /// # Ok::<(), exporter_core::ExportError>(())
    /// ```
    pub fn read_body_row<'de, D>(
        &self,
        deserializer: D,
        row: usize,
        cells: &mut Vec<Cell>,
    ) -> Result<()>
    where
        D: Deserializer<'de>,
        D::Error: fmt::Display,
    {
        cells.clear();
        read_row_with(deserializer, row + 1, self.keys.as_ref(), cells)
    }

    /// How column `column` (0-based) is shown, as its `columns` entry
    /// asked; the default (the format decides) for tables given `headers`.
    pub fn column_style(&self, column: usize) -> ColumnStyle {
        self.styles.get(column).cloned().unwrap_or_default()
    }

    /// The columns' keys by position (`None` for a column without one),
    /// when rows may be objects keyed by them (`columns` with keys).
    pub fn column_keys(&self) -> Option<Vec<Option<String>>> {
        let keys = self.keys.as_ref()?;
        let mut by_column = vec![None; self.headers.len()];
        for (key, column) in keys.iter() {
            if let Some(slot) = by_column.get_mut(column) {
                *slot = Some(key.to_owned());
            }
        }
        Some(by_column)
    }

    /// The title, if any.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The column headers.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Number of columns (the number of headers).
    pub fn column_count(&self) -> usize {
        self.headers.len()
    }

    /// Number of body rows.
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// The cells of row `row` (0-based) as given; it may be shorter than the headers.
    pub fn row(&self, row: usize) -> &[Cell] {
        &self.rows[row]
    }

    /// The cell at `row`, `column` (0-based); [`Cell::Null`] past the end of a short row.
    ///
    /// # Panics
    ///
    /// When `row` is not below [`Table::row_count`].
    pub fn cell(&self, row: usize, column: usize) -> &Cell {
        self.rows[row].get(column).unwrap_or(&NULL)
    }

    /// Every header and text cell with its location (1-based), for checks
    /// that apply to all text of a table (the title is checked apart, as
    /// the options may replace it).
    pub(crate) fn for_each_text(
        &self,
        mut f: impl FnMut(&str, Location) -> Result<()>,
    ) -> Result<()> {
        for (c, header) in self.headers.iter().enumerate() {
            f(header, Location::Header { column: c + 1 })?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Cell::String(s) | Cell::Link(Link { text: s, .. }) = cell {
                    f(
                        s,
                        Location::Cell {
                            row: r + 1,
                            column: c + 1,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// Checks that every number of row `row` (0-based) is finite.
pub(crate) fn check_numbers(row: usize, cells: &[Cell]) -> Result<()> {
    for (c, cell) in cells.iter().enumerate() {
        if let Cell::Number(n) = cell {
            check_number(
                *n,
                Location::Cell {
                    row: row + 1,
                    column: c + 1,
                },
            )?;
        }
    }
    Ok(())
}

fn check_number(n: f64, location: Location) -> Result<()> {
    if n.is_finite() {
        Ok(())
    } else {
        Err(ExportError::InvalidNumber {
            location,
            message: format!("{n} is not a finite number; use null or a string"),
        })
    }
}

/// `json` without a leading UTF-8 byte order mark, which Windows editors
/// (and Excel's "CSV UTF-8") write and JSON parsers refuse.
pub(crate) fn without_bom(json: &str) -> &str {
    json.strip_prefix('\u{FEFF}').unwrap_or(json)
}

pub(crate) type Found<'a> = &'a RefCell<Option<ExportError>>;

/// Reads the JSON object `json` (a byte order mark ignored) through
/// `visitor`, which records its errors in `found`; nothing may follow it.
pub(crate) fn read_object<'de, V: Visitor<'de>>(
    json: &'de str,
    found: Found<'_>,
    visitor: V,
) -> Result<V::Value> {
    let mut deserializer = serde_json::Deserializer::from_str(without_bom(json));
    (&mut deserializer)
        .deserialize_map(visitor)
        .and_then(|read| deserializer.end().map(|()| read))
        .map_err(|err| recorded(found, &err))
}

/// The error a read failed with: the one recorded in `found` (with its
/// code and where), else serde's message `err` as invalid JSON.
pub(crate) fn recorded(found: Found<'_>, err: &dyn fmt::Display) -> ExportError {
    found
        .borrow_mut()
        .take()
        .unwrap_or_else(|| ExportError::InvalidJson {
            message: err.to_string(),
        })
}

/// Records a structured error for [`Table::from_deserializer`] and hands
/// serde a custom error with the same message.
pub(crate) fn fail<E: de::Error>(found: Found<'_>, err: ExportError) -> E {
    let message = err.to_string();
    *found.borrow_mut() = Some(err);
    E::custom(message)
}

pub(crate) struct TableVisitor<'a> {
    pub(crate) found: Found<'a>,
}

impl<'de> Visitor<'de> for TableVisitor<'_> {
    type Value = Table;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table object with `headers` and `rows`")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Table, A::Error> {
        let found = self.found;
        let head = visit_table(map, found, |map, keys| {
            map.next_value_seed(RowsSeed { found, keys })
        })?;
        Ok(head.into_table())
    }
}

impl<R> Head<R> {
    /// The fields without their rows (a table's head), and the rows.
    fn split(self) -> (Head<Vec<Vec<Cell>>>, R) {
        let rows = self.rows;
        let head = Head {
            title: self.title,
            name: self.name,
            headers: self.headers,
            keys: self.keys,
            styles: self.styles,
            rows: Vec::new(),
        };
        (head, rows)
    }
}

/// Reads a table's JSON text into its head (a [`Table`] without rows)
/// and each row's text, unparsed: for [`JsonRows`](crate::JsonRows).
pub(crate) fn head_and_raw_rows(json: &str) -> Result<(Table, Vec<&serde_json::value::RawValue>)> {
    struct RawVisitor<'a> {
        found: Found<'a>,
    }
    impl<'de> Visitor<'de> for RawVisitor<'_> {
        type Value = (Table, Vec<&'de serde_json::value::RawValue>);

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a table object with `headers` and `rows`")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let head = visit_table(map, self.found, |map, _| map.next_value())?;
            let (head, rows) = head.split();
            Ok((head.into_table(), rows))
        }
    }
    let found = RefCell::new(None);
    let (head, rows) = read_object(json, &found, RawVisitor { found: &found })?;
    if head.headers.is_empty() && !rows.is_empty() {
        return Err(ExportError::MissingHeaders { rows: rows.len() });
    }
    Ok((head, rows))
}

impl Head<Vec<Vec<Cell>>> {
    /// The table these fields make (unchecked).
    pub(crate) fn into_table(self) -> Table {
        Table {
            title: self.title,
            name: self.name,
            headers: self.headers,
            rows: self.rows,
            keys: self.keys,
            styles: Vec::new(),
        }
        .with_styles(self.styles)
    }
}

/// A table object's fields, read in any order.
pub(crate) struct Head<R> {
    title: Option<String>,
    name: Option<String>,
    headers: Vec<String>,
    keys: Option<Keys>,
    styles: Vec<ColumnStyle>,
    rows: R,
}

/// Reads the fields of a table object: `title`, `name`, `headers` or
/// `columns`, and `rows` through `read_rows`, which gets the keys of
/// columns read before it (rows given as objects need them). Other fields
/// are ignored.
fn visit_table<'de, A, R>(
    mut map: A,
    found: Found<'_>,
    mut read_rows: impl FnMut(&mut A, Option<&Keys>) -> Result<R, A::Error>,
) -> Result<Head<R>, A::Error>
where
    A: MapAccess<'de>,
{
    let mut fields = TableFields::default();
    while let Some(field) = map.next_key::<String>()? {
        if !fields.read(&field, &mut map, found, &mut read_rows)? {
            map.next_value::<de::IgnoredAny>()?;
        }
    }
    fields.finish()
}

/// The fields of a table object read so far.
pub(crate) struct TableFields<R> {
    title: Option<Option<String>>,
    name: Option<Option<String>>,
    headers: Option<Vec<String>>,
    columns: Option<Vec<Column>>,
    keys: Option<Keys>,
    rows: Option<R>,
}

impl<R> Default for TableFields<R> {
    fn default() -> Self {
        TableFields {
            title: None,
            name: None,
            headers: None,
            columns: None,
            keys: None,
            rows: None,
        }
    }
}

impl<R> TableFields<R> {
    /// Whether any field of a table's own (not the title) was read.
    pub(crate) fn any_table_field(&self) -> bool {
        self.name.is_some()
            || self.headers.is_some()
            || self.columns.is_some()
            || self.rows.is_some()
    }

    /// Takes the title read, for a workbook's.
    pub(crate) fn take_title(&mut self) -> Option<String> {
        self.title.take().flatten()
    }

    /// Reads the value of `field` when it is a table's; `false` for a
    /// field that is not (its value is then still to read).
    pub(crate) fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: &str,
        map: &mut A,
        found: Found<'_>,
        read_rows: &mut impl FnMut(&mut A, Option<&Keys>) -> Result<R, A::Error>,
    ) -> Result<bool, A::Error> {
        match field {
            "title" if self.title.is_none() => self.title = Some(map.next_value()?),
            "name" if self.name.is_none() => self.name = Some(map.next_value()?),
            "headers" if self.headers.is_none() => {
                self.headers = Some(map.next_value_seed(HeadersSeed)?);
            }
            "columns" if self.columns.is_none() => {
                let read = map.next_value_seed(ColumnsSeed)?;
                self.keys = Keys::of(&read).map_err(|(column, message)| {
                    fail(
                        found,
                        ExportError::InvalidJson {
                            message: format!("column {column}: {message}"),
                        },
                    )
                })?;
                self.columns = Some(read);
            }
            "rows" if self.rows.is_none() => self.rows = Some(read_rows(map, self.keys.as_ref())?),
            "title" | "name" | "headers" | "columns" | "rows" => {
                return Err(de::Error::custom(format_args!("duplicate field `{field}`")));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The table's fields, once all are read.
    pub(crate) fn finish<E: de::Error>(self) -> Result<Head<R>, E> {
        let mut styles = Vec::new();
        let headers = match (self.headers, self.columns) {
            (Some(headers), None) => headers,
            (None, Some(columns)) => {
                styles = columns.iter().map(|c| c.style.clone()).collect();
                columns.into_iter().map(|c| c.header).collect()
            }
            (Some(_), Some(_)) => {
                return Err(de::Error::custom(
                    "give either `headers` or `columns`, not both",
                ));
            }
            (None, None) => return Err(de::Error::missing_field("headers")),
        };
        Ok(Head {
            title: self.title.flatten(),
            name: self.name.flatten(),
            headers,
            keys: self.keys,
            styles,
            rows: self.rows.ok_or_else(|| de::Error::missing_field("rows"))?,
        })
    }
}

/// `shape` once its rows are known to fit its headers (`highs`: the row
/// lengths that passed every earlier one), with the errors `from_json`
/// gives.
pub(crate) fn shape_checked(shape: TableShape, highs: &Highs) -> Result<TableShape> {
    if shape.columns == 0 && shape.rows > 0 {
        return Err(ExportError::MissingHeaders { rows: shape.rows });
    }
    // The first row longer than the headers is the first record length
    // that passes them: the error `from_json` gives.
    if let Some(&(row, cells)) = highs.iter().find(|(_, len)| *len > shape.columns) {
        return Err(ExportError::RowTooLong {
            row,
            cells,
            headers: shape.columns,
        });
    }
    Ok(shape)
}

/// What [`Table::check_json`] found: a valid table's title and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    /// The title, if any.
    pub title: Option<String>,
    /// Number of columns (headers).
    pub columns: usize,
    /// Number of body rows.
    pub rows: usize,
    /// Number of cells the rows hold (short rows count what they hold).
    pub cells: usize,
}

/// Row lengths that pass every earlier one, with their 1-based row.
pub(crate) type Highs = Vec<(usize, usize)>;

pub(crate) struct ShapeVisitor<'a> {
    pub(crate) found: Found<'a>,
    pub(crate) max_cells: usize,
}

impl<'de> Visitor<'de> for ShapeVisitor<'_> {
    type Value = (TableShape, Highs);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table object with `headers` and `rows`")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let (found, max_cells) = (self.found, self.max_cells);
        let head = visit_table(map, found, |map, keys| {
            map.next_value_seed(CheckRowsSeed {
                found,
                max_cells,
                keys,
            })
        })?;
        Ok(head.into_shape())
    }
}

impl Head<(usize, usize, Highs)> {
    /// The shape these fields describe (unchecked), and the row lengths
    /// that passed every earlier one.
    pub(crate) fn into_shape(self) -> (TableShape, Highs) {
        let (rows, cells, highs) = self.rows;
        let shape = TableShape {
            title: self.title,
            columns: self.headers.len(),
            rows,
            cells,
        };
        (shape, highs)
    }
}

/// Reads `rows` one at a time into one reused buffer: counts rows and
/// cells, keeps the record row lengths.
pub(crate) struct CheckRowsSeed<'a, 'k> {
    pub(crate) found: Found<'a>,
    pub(crate) max_cells: usize,
    pub(crate) keys: Option<&'k Keys>,
}

impl<'de> DeserializeSeed<'de> for CheckRowsSeed<'_, '_> {
    type Value = (usize, usize, Highs);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CheckRowsSeed<'_, '_> {
    type Value = (usize, usize, Highs);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`rows` as an array of arrays of cells")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let (mut rows, mut total, mut highs) = (0usize, 0usize, Highs::new());
        let mut cells = Vec::new();
        loop {
            cells.clear();
            let seed = RowSeed {
                found: self.found,
                row: rows + 1,
                keys: self.keys,
                cells: &mut cells,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok((rows, total, highs));
            }
            rows += 1;
            total += cells.len();
            if total > self.max_cells {
                return Err(fail(
                    self.found,
                    ExportError::TooManyCells {
                        max: self.max_cells,
                    },
                ));
            }
            if highs.last().is_none_or(|&(_, len)| cells.len() > len) {
                highs.push((rows, cells.len()));
            }
        }
    }
}

struct HeadersSeed;

impl<'de> DeserializeSeed<'de> for HeadersSeed {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for HeadersSeed {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`headers` as an array of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut headers = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(header) = seq.next_element::<HeaderText>()? {
            headers.push(header.0);
        }
        Ok(headers)
    }
}

struct HeaderText(String);

impl<'de> de::Deserialize<'de> for HeaderText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = HeaderText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("each header to be a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<HeaderText, E> {
                Ok(HeaderText(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<HeaderText, E> {
                Ok(HeaderText(v))
            }
        }
        d.deserialize_string(V)
    }
}

pub(crate) struct RowsSeed<'a, 'k> {
    pub(crate) found: Found<'a>,
    pub(crate) keys: Option<&'k Keys>,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_, '_> {
    type Value = Vec<Vec<Cell>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_> {
    type Value = Vec<Vec<Cell>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`rows` as an array of arrays of cells")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        loop {
            let mut cells = Vec::new();
            let seed = RowSeed {
                found: self.found,
                row: rows.len() + 1,
                keys: self.keys,
                cells: &mut cells,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(rows);
            }
            rows.push(cells);
        }
    }
}

/// Reads one row (1-based `row`, for messages) from `deserializer` into
/// `cells`, with the rules and errors of [`Table::from_json`].
pub(crate) fn read_row_with<'de, D>(
    deserializer: D,
    row: usize,
    keys: Option<&Keys>,
    cells: &mut Vec<Cell>,
) -> Result<()>
where
    D: Deserializer<'de>,
    D::Error: fmt::Display,
{
    let found = RefCell::new(None);
    let seed = RowSeed {
        found: &found,
        row,
        keys,
        cells,
    };
    seed.deserialize(deserializer)
        .map_err(|err| recorded(&found, &err))
}

/// Reads a row's cells into `cells`, so a caller reading many rows can
/// reuse one buffer.
struct RowSeed<'a, 'k, 'c> {
    found: Found<'a>,
    row: usize,
    /// The columns' keys, when rows may be objects.
    keys: Option<&'k Keys>,
    cells: &'c mut Vec<Cell>,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        // An array, or an object keyed by the columns' keys.
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.keys.is_some() {
            write!(
                f,
                "row {} as an array of cells or an object keyed by the columns' keys",
                self.row
            )
        } else {
            write!(f, "row {} as an array of cells", self.row)
        }
    }

    /// A row given as an object: each value goes to the column with its
    /// key; a key no column has is an error (a typo must not drop data);
    /// a key not given is an empty cell.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let row = self.row;
        let Some(keys) = self.keys else {
            return Err(fail(
                self.found,
                ExportError::InvalidJson {
                    message: format!(
                        "row {row} is an object, which needs `columns` with a `key` for each of its values, given before `rows`"
                    ),
                },
            ));
        };
        let mut seen: Vec<bool> = Vec::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let Some(c) = keys.column(&key) else {
                return Err(fail(
                    self.found,
                    ExportError::UnknownKey {
                        row,
                        key: key.into_owned(),
                    },
                ));
            };
            if seen.len() <= c {
                seen.resize(c + 1, false);
            }
            if std::mem::replace(&mut seen[c], true) {
                return Err(fail(
                    self.found,
                    ExportError::InvalidJson {
                        message: format!("row {row}: key {key:?} is given twice"),
                    },
                ));
            }
            let cell = map.next_value_seed(CellSeed {
                found: self.found,
                location: Location::Cell { row, column: c + 1 },
            })?;
            if self.cells.len() <= c {
                self.cells.resize(c + 1, Cell::Null);
            }
            self.cells[c] = cell;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        self.cells
            .reserve(seq.size_hint().unwrap_or(0).min(1 << 14));
        loop {
            let location = Location::Cell {
                row: self.row,
                column: self.cells.len() + 1,
            };
            let seed = CellSeed {
                found: self.found,
                location,
            };
            match seq.next_element_seed(seed) {
                Ok(Some(cell)) => self.cells.push(cell),
                Ok(None) => return Ok(()),
                Err(err) => {
                    // The parser's own error inside a cell (a bad escape,
                    // a lone surrogate) names the cell too.
                    if self.found.borrow().is_none() {
                        *self.found.borrow_mut() = Some(ExportError::InvalidJson {
                            message: format!("{location}: {}", explain_parse_error(&err)),
                        });
                    }
                    return Err(err);
                }
            }
        }
    }
}

/// The parser's message, with what to do where it is obscure: serde_json
/// reports a lone UTF-16 surrogate (`"x\ud800y"`, which JavaScript strings
/// can hold) as the end of a hex escape.
fn explain_parse_error(err: &dyn fmt::Display) -> String {
    let message = err.to_string();
    if message.contains("surrogate") || message.contains("end of hex escape") {
        format!(
            "a \\u escape that is not a whole character, such as a lone UTF-16 surrogate (JavaScript strings can hold one, no file can); replace it with U+FFFD or remove it ({message})"
        )
    } else {
        message
    }
}

struct CellSeed<'a> {
    found: Found<'a>,
    location: Location,
}

impl CellSeed<'_> {
    fn integer(magnitude: u64, display: &dyn fmt::Display) -> Cell {
        if magnitude > MAX_EXACT_INTEGER {
            // Kept as its digits: every format can show them exactly.
            return Cell::Integer(display.to_string());
        }
        Cell::Number(magnitude_as_f64(magnitude))
    }

    fn wrong<E: de::Error>(&self, found: &str) -> E {
        fail(
            self.found,
            ExportError::InvalidCell {
                location: self.location,
                found: found.to_owned(),
            },
        )
    }
}

/// Exact for every `magnitude <= 2^53`, which is all this is called with.
#[allow(clippy::cast_precision_loss)]
fn magnitude_as_f64(magnitude: u64) -> f64 {
    magnitude as f64
}

impl<'de> DeserializeSeed<'de> for CellSeed<'_> {
    type Value = Cell;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellSeed<'_> {
    type Value = Cell;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: a string, number, boolean or null", self.location)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cell, E> {
        Ok(Cell::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
        Ok(match CellSeed::integer(v.unsigned_abs(), &v) {
            Cell::Number(n) if v < 0 => Cell::Number(-n),
            other => other,
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
        Ok(CellSeed::integer(v, &v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
        check_number(v, self.location).map_err(|err| fail(self.found, err))?;
        Ok(Cell::Number(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
        Ok(Cell::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Cell, E> {
        Ok(Cell::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
        d.deserialize_any(self)
    }

    /// `{"text": "...", "url": "..."}`: a link (the only object a cell
    /// may be), its address checked here so no writer meets a bad one.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cell, A::Error> {
        let (mut text, mut url): (Option<String>, Option<String>) = (None, None);
        let (found, location) = (self.found, self.location);
        let bad_link =
            |message: String| fail(found, ExportError::InvalidLink { location, message });
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let slot = match key.as_ref() {
                "text" if text.is_none() => &mut text,
                "url" if url.is_none() => &mut url,
                // A date and wall-clock time: what the npm package makes
                // of a JavaScript Date (its local fields), alone in its object.
                "datetime" if text.is_none() && url.is_none() => {
                    let s: String = map.next_value()?;
                    if map.next_key::<std::borrow::Cow<'de, str>>()?.is_some() {
                        return Err(self.wrong("a date-time object with more than `datetime`"));
                    }
                    return Moment::parse(&s, MomentKind::DateTime)
                        .map(Cell::Moment)
                        .ok_or_else(|| {
                            self.wrong(&format!(
                                "a date-time {s:?} outside years 0 to 9999 or not YYYY-MM-DDTHH:MM[:SS[.fff]]"
                            ))
                        });
                }
                _ => {
                    return Err(self.wrong(&format!(
                        "an object with {key:?} (the one object a cell may be is a link, {{\"text\", \"url\"}})"
                    )));
                }
            };
            *slot = Some(
                map.next_value::<String>()
                    .map_err(|_| bad_link(format!("a link's {key:?} must be a string")))?,
            );
        }
        let Some(url) = url else {
            return Err(bad_link("a link needs a \"url\"".into()));
        };
        if let Some(why) = Link::check_url(&url) {
            return Err(bad_link(format!("link url {why}")));
        }
        let text = text
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| url.clone());
        Ok(Cell::Link(Link { text, url }))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Cell, A::Error> {
        Err(self.wrong("an array"))
    }
}
