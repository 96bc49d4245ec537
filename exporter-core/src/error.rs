//! The one error type of the crate.

use std::fmt;

/// Where in a table a problem was found, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The table title.
    Title,
    /// The header of a column (1-based).
    Header {
        /// 1-based column number.
        column: usize,
    },
    /// A whole column (1-based), as its `columns` entry describes it.
    Column {
        /// 1-based column number.
        column: usize,
    },
    /// A body cell (1-based row and column; row 1 is the first row after the headers).
    Cell {
        /// 1-based row number.
        row: usize,
        /// 1-based column number.
        column: usize,
    },
    /// A font of the options (1-based position in
    /// [`ExportOptions::fonts`](crate::ExportOptions::fonts)).
    Font {
        /// 1-based position of the font.
        index: usize,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Title => f.write_str("title"),
            Location::Header { column } => write!(f, "header of column {column}"),
            Location::Column { column } => write!(f, "column {column}"),
            Location::Cell { row, column } => write!(f, "row {row}, column {column}"),
            Location::Font { index } => write!(f, "font {index}"),
        }
    }
}

/// Everything that can go wrong while reading a table or writing a file.
///
/// Each variant has a stable [`code`](ExportError::code) for programs and a
/// one-line, lower-case message (its `Display`) for people, saying what is
/// wrong, where, and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The input is not valid JSON, or not shaped like a table.
    #[error("invalid table JSON: {message}")]
    InvalidJson {
        /// What the JSON parser reported, with its line and column.
        message: String,
    },
    /// The table has rows but no headers.
    #[error("the table has {rows} rows but no headers; give one header per column")]
    MissingHeaders {
        /// Number of body rows.
        rows: usize,
    },
    /// A cell is an object or an array.
    #[error("{location}: a cell must be a string, number, boolean or null, found {found}")]
    InvalidCell {
        /// Where the cell is.
        location: Location,
        /// What was found instead (`"an object"`, `"an array"`).
        found: String,
    },
    /// A link (`{"text", "url"}`) whose address Rowpress does not write:
    /// not http, https or mailto, too long, or holding spaces.
    #[error("{location}: {message}")]
    InvalidLink {
        /// Where the cell is.
        location: Location,
        /// What is wrong with it.
        message: String,
    },
    /// A row given as an object has a key that no column has (a typo would
    /// otherwise drop the value silently).
    #[error(
        "row {row}: {key:?} is not the key of any column; add a column with that key, or remove it from the row"
    )]
    UnknownKey {
        /// 1-based row number.
        row: usize,
        /// The key.
        key: String,
    },
    /// A row has more cells than there are headers.
    #[error("row {row} has {cells} cells but there are only {headers} headers")]
    RowTooLong {
        /// 1-based row number.
        row: usize,
        /// Number of cells in the row.
        cells: usize,
        /// Number of headers.
        headers: usize,
    },
    /// A number that no format can hold exactly (NaN, infinity, an integer
    /// beyond 2^53, or outside Excel's range).
    #[error("{location}: {message}")]
    InvalidNumber {
        /// Where the number is.
        location: Location,
        /// What is wrong with it.
        message: String,
    },
    /// Text longer than the format allows in one cell.
    #[error(
        "{location}: {length} UTF-16 units ({format} counts an emoji or other character beyond U+FFFF as 2), but {format} holds at most {max} in a cell"
    )]
    CellTooLong {
        /// Where the text is.
        location: Location,
        /// Its length in UTF-16 units (how Excel counts).
        length: usize,
        /// The limit.
        max: usize,
        /// The format's name.
        format: &'static str,
    },
    /// More rows than the format allows.
    #[error("the table has {rows} rows, but {format} holds at most {max} {what}")]
    TooManyRows {
        /// Rows in the table.
        rows: usize,
        /// Most rows allowed for the table body.
        max: usize,
        /// The format's name.
        format: &'static str,
        /// What the limit counts.
        what: &'static str,
    },
    /// More columns than the format allows.
    #[error("the table has {columns} columns, but {format} holds at most {max}")]
    TooManyColumns {
        /// Columns in the table.
        columns: usize,
        /// Most columns allowed.
        max: usize,
        /// The format's name and what holds the columns.
        format: &'static str,
    },
    /// The file would pass a size limit of its container (4 GiB for a
    /// ZIP part without ZIP64).
    #[error("the {format} file would be larger than {limit}; export fewer rows")]
    TooLarge {
        /// The format's name.
        format: &'static str,
        /// The limit passed.
        limit: &'static str,
    },
    /// More cells than a reader accepts (the upload server's limit on a
    /// stored table, [`Table::check_json`](crate::Table::check_json)).
    #[error("the table has more than {max} cells, the most accepted here; split it")]
    TooManyCells {
        /// Most cells accepted.
        max: usize,
    },
    /// A sheet name that Excel refuses.
    #[error("sheet name {name:?} {reason}")]
    InvalidSheetName {
        /// The name given.
        name: String,
        /// Why Excel refuses it.
        reason: String,
    },
    /// A character that neither the built-in PDF font nor any given font has.
    #[error(
        "{location}: no font has the character {ch:?} (U+{code:04X}); pass a font that covers it (--font FILE, or `fonts` in the options)",
        code = u32::from(*ch)
    )]
    MissingGlyph {
        /// The character.
        ch: char,
        /// Where it is.
        location: Location,
    },
    /// A character the format cannot store (a control character or a
    /// noncharacter in Word), refused under
    /// [`ExportOptions::strict`](crate::ExportOptions::strict); otherwise
    /// it is dropped with a warning.
    #[error("{location}: {format} cannot hold the character U+{code:04X}; remove it")]
    InvalidCharacter {
        /// Where the text is.
        location: Location,
        /// The character's code point.
        code: u32,
        /// The format's name.
        format: &'static str,
    },
    /// Text a spreadsheet would run as a formula, in a CSV file, refused
    /// under [`ExportOptions::strict`](crate::ExportOptions::strict);
    /// otherwise it is written with a leading apostrophe and a warning.
    #[error(
        "{location}: text a spreadsheet would run as a formula; remove the leading character, or export without strict"
    )]
    FormulaText {
        /// Where the text is.
        location: Location,
    },
    /// A cell that is not its column's `type`, refused under
    /// [`ExportOptions::strict`](crate::ExportOptions::strict); otherwise it
    /// is kept as it is, with a warning.
    #[error("{location}: {message}")]
    TypeMismatch {
        /// Where the cell is.
        location: Location,
        /// What it is not.
        message: String,
    },
    /// A column's `format` code that Rowpress cannot show as Excel would,
    /// under [`ExportOptions::strict`](crate::ExportOptions::strict);
    /// otherwise the column is shown as General, with a warning.
    #[error("{location}: {message}")]
    UnsupportedFormat {
        /// The column.
        location: Location,
        /// The code and what is not supported.
        message: String,
    },
    /// A font file that cannot be read.
    #[error("font {index}: {message}")]
    InvalidFont {
        /// 1-based position of the font in the options.
        index: usize,
        /// What is wrong with it.
        message: String,
    },
    /// An option out of its range.
    #[error("option {field}: {message}")]
    InvalidOption {
        /// The option's name.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A workbook without sheets, or two sheets of one name.
    #[error("{message}")]
    InvalidWorkbook {
        /// What is wrong, naming the sheets.
        message: String,
    },
    /// An error in one sheet of a workbook of several: the sheet's
    /// 1-based number (and name) before the error's own message; its
    /// [`code`](ExportError::code) is the inner error's.
    #[error("sheet {sheet}{}: {error}", name.as_ref().map(|n| format!(" ({n:?})")).unwrap_or_default())]
    InSheet {
        /// 1-based sheet number.
        sheet: usize,
        /// The sheet's name, if it has one.
        name: Option<String>,
        /// The error.
        error: Box<ExportError>,
    },
    /// A writer library failed; a bug on our side.
    #[error("internal error while writing the {format} file: {message}")]
    Internal {
        /// The format being written.
        format: &'static str,
        /// What the library reported.
        message: String,
    },
}

impl ExportError {
    /// A stable, upper-case code for programs (`ROW_TOO_LONG`, `MISSING_GLYPH`, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::Table;
    /// let err = Table::from_json(r#"{"headers": ["a"], "rows": [[1, 2]]}"#).unwrap_err();
    /// assert_eq!(err.code(), "ROW_TOO_LONG");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::InvalidJson { .. } => "INVALID_JSON",
            ExportError::MissingHeaders { .. } => "MISSING_HEADERS",
            ExportError::InvalidCell { .. } | ExportError::InvalidLink { .. } => "INVALID_CELL",
            ExportError::UnknownKey { .. } => "UNKNOWN_KEY",
            ExportError::RowTooLong { .. } => "ROW_TOO_LONG",
            ExportError::InvalidNumber { .. } => "INVALID_NUMBER",
            ExportError::CellTooLong { .. } => "CELL_TOO_LONG",
            ExportError::TooManyRows { .. } => "TOO_MANY_ROWS",
            ExportError::TooManyColumns { .. } => "TOO_MANY_COLUMNS",
            ExportError::TooLarge { .. } => "TOO_LARGE",
            ExportError::TooManyCells { .. } => "TOO_MANY_CELLS",
            ExportError::InvalidSheetName { .. } => "INVALID_SHEET_NAME",
            ExportError::MissingGlyph { .. } => "MISSING_GLYPH",
            ExportError::InvalidCharacter { .. } => "INVALID_CHARACTER",
            ExportError::FormulaText { .. } => "FORMULA_TEXT",
            ExportError::TypeMismatch { .. } => "TYPE_MISMATCH",
            ExportError::UnsupportedFormat { .. } => "UNSUPPORTED_FORMAT",
            ExportError::InvalidFont { .. } => "INVALID_FONT",
            ExportError::InvalidOption { .. } => "INVALID_OPTION",
            ExportError::InvalidWorkbook { .. } => "INVALID_WORKBOOK",
            ExportError::InSheet { error, .. } => error.code(),
            ExportError::Internal { .. } => "INTERNAL",
        }
    }

    /// The error without the sheet that [`ExportError::InSheet`] names.
    pub fn innermost(&self) -> &ExportError {
        match self {
            ExportError::InSheet { error, .. } => error.innermost(),
            other => other,
        }
    }

    /// The 1-based sheet of a workbook the error is in, if named.
    pub fn sheet(&self) -> Option<usize> {
        match self {
            ExportError::InSheet { sheet, .. } => Some(*sheet),
            _ => None,
        }
    }

    /// This error, said of sheet `sheet` (1-based) named `name`.
    pub(crate) fn in_sheet(self, sheet: usize, name: Option<&str>) -> ExportError {
        ExportError::InSheet {
            sheet,
            name: name.map(str::to_owned),
            error: Box::new(self),
        }
    }

    /// This error, said of sheet `sheet` when there is one (a workbook's
    /// sheets are numbered, a table's one sheet is not).
    pub(crate) fn in_sheet_if(self, sheet: Option<usize>, name: Option<&str>) -> ExportError {
        match sheet {
            Some(n) => self.in_sheet(n, name),
            None => self,
        }
    }

    pub(crate) fn internal(format: &'static str, err: impl fmt::Display) -> Self {
        ExportError::Internal {
            format,
            message: err.to_string(),
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = ExportError> = std::result::Result<T, E>;
