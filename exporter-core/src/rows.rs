//! Tables whose rows stay where the caller keeps them and are read one at a
//! time as the file is written: the wasm binding reads a JavaScript array
//! this way, so an XLSX export holds one row converted, not the whole table
//! (docs/decisions.md, "Rows read from JavaScript one at a time").

use serde::Deserializer;

use crate::columns::ColumnStyle;
use crate::error::{ExportError, Result};
use crate::table::{Cell, Table, check_numbers, read_row_with};

/// Where the rows of a [`StreamedTable`] come from.
///
/// A source is read from the first row to the last, possibly more than
/// once (a format may measure the rows before it writes them), so reading
/// must not consume it.
pub trait RowSource {
    /// Number of body rows.
    fn row_count(&self) -> usize;

    /// Reads row `row` (0-based) into `cells`, which holds the previous
    /// row's cells and is to be cleared first.
    ///
    /// # Errors
    ///
    /// The first thing wrong with the row, naming it; [`read_row`] gives
    /// the errors of [`Table::from_json`].
    fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> Result<()>;
}

/// A table in memory is a source of its own rows (handy for tests, and for
/// checking a source against the table it came from).
impl RowSource for Table {
    fn row_count(&self) -> usize {
        Table::row_count(self)
    }

    fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> Result<()> {
        cells.clear();
        cells.extend_from_slice(self.row(row));
        Ok(())
    }
}

/// Reads one row from a serde deserializer into `cells` (cleared first),
/// with the rules and messages of [`Table::from_json`]; `row` is 0-based.
///
/// # Errors
///
/// [`ExportError::InvalidCell`], [`ExportError::InvalidNumber`], or
/// [`ExportError::InvalidJson`] when the row is not an array.
///
/// # Examples
///
/// ```
/// use exporter_core::{read_row, Cell};
/// let mut cells = Vec::new();
/// let mut json = serde_json::Deserializer::from_str(r#"["A-1", 3, null]"#);
/// read_row(&mut json, 0, &mut cells)?;
/// assert_eq!(cells, [Cell::from("A-1"), Cell::from(3), Cell::Null]);
/// let mut json = serde_json::Deserializer::from_str(r#"["A-1", [3]]"#);
/// let err = read_row(&mut json, 6, &mut cells).unwrap_err();
/// assert_eq!(err.to_string(), "row 7, column 2: a cell must be a string, number, boolean or null, found an array");
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn read_row<'de, D>(deserializer: D, row: usize, cells: &mut Vec<Cell>) -> Result<()>
where
    D: Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    cells.clear();
    read_row_with(deserializer, row + 1, None, cells)
}

/// A table's title and headers, with its rows read from a [`RowSource`]
/// as they are written. Exported by [`export_streamed`](crate::export_streamed).
pub struct StreamedTable<'a> {
    title: Option<String>,
    headers: Vec<String>,
    styles: Vec<ColumnStyle>,
    rows: &'a dyn RowSource,
}

impl<'a> StreamedTable<'a> {
    /// The title and headers of `head` (its own rows, if any, are not
    /// used) with the rows of `rows`.
    ///
    /// # Errors
    ///
    /// [`ExportError::MissingHeaders`] when there are rows but no headers.
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::{Cell, RowSource, StreamedTable, Table};
    /// struct Squares;
    /// impl RowSource for Squares {
    ///     fn row_count(&self) -> usize { 3 }
    ///     fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> exporter_core::Result<()> {
    ///         cells.clear();
    ///         cells.push(Cell::Number((row * row) as f64));
    ///         Ok(())
    ///     }
    /// }
    /// let head = Table::new(vec!["n²".into()], vec![])?;
    /// let table = StreamedTable::new(&head, &Squares)?;
    /// assert_eq!(table.to_table()?.cell(2, 0), &Cell::Number(4.0));
    /// # Ok::<(), exporter_core::ExportError>(())
    /// ```
    pub fn new(head: &Table, rows: &'a dyn RowSource) -> Result<StreamedTable<'a>> {
        if head.headers().is_empty() && rows.row_count() > 0 {
            return Err(ExportError::MissingHeaders {
                rows: rows.row_count(),
            });
        }
        Ok(StreamedTable {
            title: head.title().map(str::to_owned),
            headers: head.headers().to_vec(),
            styles: (0..head.column_count())
                .map(|c| head.column_style(c))
                .collect(),
            rows,
        })
    }

    /// Reads every row into an ordinary [`Table`].
    ///
    /// # Errors
    ///
    /// The first error of a row, as [`Table::from_json`] would report it.
    pub fn to_table(&self) -> Result<Table> {
        let mut rows = Vec::with_capacity(self.rows.row_count());
        Rows::each_row(self, &mut |_, cells| {
            rows.push(cells.to_vec());
            Ok(())
        })?;
        let table = Table::new(self.headers.clone(), rows)?.with_styles(self.styles.clone());
        Ok(match &self.title {
            Some(title) => table.with_title(title.clone()),
            None => table,
        })
    }
}

/// A table left in its JSON text, its rows parsed one at a time as they
/// are written: memory holds the text and a slice per row (16 bytes), not
/// the cells (the `table-export` program exports XLSX and CSV this way).
/// Same rules and messages as [`Table::from_json`]; a fault in a row is
/// found when the row is read.
///
/// # Examples
///
/// ```
/// use exporter_core::{export_streamed, ExportOptions, Format, JsonRows, StreamedTable};
/// let json = r#"{"title": "T", "headers": ["a", "b"], "rows": [["x", 1], ["y", 2]]}"#;
/// let rows = JsonRows::from_json(json)?;
/// let table = StreamedTable::new(rows.head(), &rows)?;
/// let csv = export_streamed(&table, &ExportOptions::new(Format::Csv), &mut |_, _| {})?;
/// assert_eq!(csv, b"a,b\r\nx,1\r\ny,2\r\n");
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub struct JsonRows<'a> {
    head: Table,
    rows: Vec<&'a serde_json::value::RawValue>,
}

impl<'a> JsonRows<'a> {
    /// Reads the title, headers or columns of `json`, and where each row
    /// is; checks the JSON's syntax, not the cells.
    ///
    /// # Errors
    ///
    /// [`ExportError::InvalidJson`] for malformed JSON or a missing field,
    /// and the errors of the columns.
    pub fn from_json(json: &'a str) -> Result<JsonRows<'a>> {
        let (head, rows) = crate::table::head_and_raw_rows(json)?;
        Ok(JsonRows { head, rows })
    }

    /// The table's title, headers and columns (without rows).
    pub fn head(&self) -> &Table {
        &self.head
    }
}

impl RowSource for JsonRows<'_> {
    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> Result<()> {
        let mut json = serde_json::Deserializer::from_str(self.rows[row].get());
        self.head.read_body_row(&mut json, row, cells)
    }
}

/// What a writer reads: a [`Table`] in memory or a [`StreamedTable`].
pub(crate) trait Rows {
    fn title(&self) -> Option<&str>;
    /// The sheet name asked for, if any.
    fn name(&self) -> Option<&str> {
        None
    }
    fn headers(&self) -> &[String];
    /// How column `c` (0-based) is shown.
    fn column_style(&self, c: usize) -> ColumnStyle;
    fn row_count(&self) -> usize;
    /// Calls `f` with each row's 0-based index and cells, in order; a row
    /// may be shorter than the headers, never longer.
    fn each_row(&self, f: &mut dyn FnMut(usize, &[Cell]) -> Result<()>) -> Result<()>;
}

impl Rows for Table {
    fn title(&self) -> Option<&str> {
        Table::title(self)
    }

    fn name(&self) -> Option<&str> {
        Table::name(self)
    }

    fn headers(&self) -> &[String] {
        Table::headers(self)
    }

    fn column_style(&self, c: usize) -> ColumnStyle {
        Table::column_style(self, c)
    }

    fn row_count(&self) -> usize {
        Table::row_count(self)
    }

    fn each_row(&self, f: &mut dyn FnMut(usize, &[Cell]) -> Result<()>) -> Result<()> {
        (0..Table::row_count(self)).try_for_each(|r| f(r, self.row(r)))
    }
}

impl Rows for StreamedTable<'_> {
    fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn column_style(&self, c: usize) -> ColumnStyle {
        self.styles.get(c).cloned().unwrap_or_default()
    }

    fn row_count(&self) -> usize {
        self.rows.row_count()
    }

    fn each_row(&self, f: &mut dyn FnMut(usize, &[Cell]) -> Result<()>) -> Result<()> {
        let mut cells = Vec::with_capacity(self.headers.len());
        for r in 0..self.rows.row_count() {
            self.rows.read_row(r, &mut cells)?;
            // A source may be any code: hold it to what a Table guarantees.
            if cells.len() > self.headers.len() {
                return Err(ExportError::RowTooLong {
                    row: r + 1,
                    cells: cells.len(),
                    headers: self.headers.len(),
                });
            }
            check_numbers(r, &cells)?;
            f(r, &cells)?;
        }
        Ok(())
    }
}
