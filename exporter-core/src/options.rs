//! What the caller chooses: format, page, fonts, names, timestamp.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{ExportError, Result};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// PDF 1.7.
    Pdf,
    /// Word (Office Open XML WordprocessingML).
    Docx,
    /// Excel (Office Open XML SpreadsheetML).
    Xlsx,
    /// Comma-separated values (RFC 4180), UTF-8.
    Csv,
}

impl Format {
    /// All formats, in the order they are usually offered.
    pub const ALL: [Format; 4] = [Format::Pdf, Format::Docx, Format::Xlsx, Format::Csv];

    /// The file extension, without a dot.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(exporter_core::Format::Docx.extension(), "docx");
    /// ```
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    /// The MIME type to send the file with.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(exporter_core::Format::Pdf.mime_type(), "application/pdf");
    /// ```
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = ExportError;

    /// Parses `pdf`, `docx`, `xlsx` or `csv` (any case).
    fn from_str(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "pdf" => Ok(Format::Pdf),
            "docx" => Ok(Format::Docx),
            "xlsx" => Ok(Format::Xlsx),
            "csv" => Ok(Format::Csv),
            _ => Err(invalid(
                "format",
                format!("{s:?} is not one of pdf, docx, xlsx, csv"),
            )),
        }
    }
}

/// A paper size (PDF and DOCX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageSize {
    /// ISO A4, 210 x 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 x 11 in.
    Letter,
    /// US Legal, 8.5 x 14 in.
    Legal,
}

impl PageSize {
    /// Width and height in points (1/72 in), portrait.
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.28, 841.89),
            PageSize::Letter => (612.0, 792.0),
            PageSize::Legal => (612.0, 1008.0),
        }
    }
}

impl FromStr for PageSize {
    type Err = ExportError;

    /// Parses `a4`, `letter` or `legal` (any case).
    fn from_str(s: &str) -> Result<PageSize> {
        match s.to_ascii_lowercase().as_str() {
            "a4" => Ok(PageSize::A4),
            "letter" => Ok(PageSize::Letter),
            "legal" => Ok(PageSize::Legal),
            _ => Err(invalid(
                "pageSize",
                format!("{s:?} is not one of a4, letter, legal"),
            )),
        }
    }
}

/// Page orientation (PDF and DOCX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Portrait, unless the columns do not fit: then landscape.
    #[default]
    Auto,
    /// Always portrait.
    Portrait,
    /// Always landscape.
    Landscape,
}

impl FromStr for Orientation {
    type Err = ExportError;

    /// Parses `auto`, `portrait` or `landscape` (any case).
    fn from_str(s: &str) -> Result<Orientation> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Orientation::Auto),
            "portrait" => Ok(Orientation::Portrait),
            "landscape" => Ok(Orientation::Landscape),
            _ => Err(invalid(
                "orientation",
                format!("{s:?} is not one of auto, portrait, landscape"),
            )),
        }
    }
}

/// Page margins in points (1/72 in).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Top margin.
    pub top: f32,
    /// Right margin.
    pub right: f32,
    /// Bottom margin (the page footer sits inside it).
    pub bottom: f32,
    /// Left margin.
    pub left: f32,
}

impl Margins {
    /// The same margin on all four sides.
    pub fn uniform(points: f32) -> Margins {
        Margins {
            top: points,
            right: points,
            bottom: points,
            left: points,
        }
    }
}

impl Default for Margins {
    /// Half an inch (36 pt) on every side.
    fn default() -> Margins {
        Margins::uniform(36.0)
    }
}

/// How to export a table: a plain value built by chaining.
///
/// # Examples
///
/// ```
/// use exporter_core::{ExportOptions, Format, Orientation, PageSize};
/// let options = ExportOptions::new(Format::Pdf)
///     .title("Q3")
///     .page_size(PageSize::Letter)
///     .orientation(Orientation::Landscape)
///     .created_at(1_700_000_000);
/// assert_eq!(options.format(), Format::Pdf);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOptions {
    pub(crate) format: Format,
    pub(crate) title: Option<String>,
    pub(crate) page_size: PageSize,
    pub(crate) orientation: Orientation,
    pub(crate) margins: Margins,
    pub(crate) fonts: Vec<Arc<[u8]>>,
    pub(crate) sheet_name: Option<String>,
    pub(crate) created_at: Option<i64>,
    pub(crate) strict: bool,
    pub(crate) csv_bom: bool,
    pub(crate) csv_as_displayed: bool,
}

impl ExportOptions {
    /// Default options for `format`: A4, automatic orientation, half-inch
    /// margins, the built-in PDF font only, no timestamp.
    pub fn new(format: Format) -> ExportOptions {
        ExportOptions {
            format,
            title: None,
            page_size: PageSize::default(),
            orientation: Orientation::default(),
            margins: Margins::default(),
            fonts: Vec::new(),
            sheet_name: None,
            created_at: None,
            strict: false,
            csv_bom: false,
            csv_as_displayed: false,
        }
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Sets the format.
    pub fn with_format(mut self, format: Format) -> ExportOptions {
        self.format = format;
        self
    }

    /// Uses `title` instead of the table's own title.
    pub fn title(mut self, title: impl Into<String>) -> ExportOptions {
        self.title = Some(title.into());
        self
    }

    /// Sets the paper size (PDF, DOCX).
    pub fn page_size(mut self, page_size: PageSize) -> ExportOptions {
        self.page_size = page_size;
        self
    }

    /// Sets the orientation (PDF, DOCX).
    pub fn orientation(mut self, orientation: Orientation) -> ExportOptions {
        self.orientation = orientation;
        self
    }

    /// Sets the margins (PDF, DOCX).
    pub fn margins(mut self, margins: Margins) -> ExportOptions {
        self.margins = margins;
        self
    }

    /// Adds a TrueType/OpenType font (`.ttf`, `.otf`, or the first face of a
    /// `.ttc`) to the PDF fallback chain: each character is drawn with the
    /// first added font that has it, then with the built-in Helvetica.
    pub fn font(mut self, data: impl Into<Arc<[u8]>>) -> ExportOptions {
        self.fonts.push(data.into());
        self
    }

    /// Names the worksheet (XLSX); by default it is derived from the title.
    pub fn sheet_name(mut self, name: impl Into<String>) -> ExportOptions {
        self.sheet_name = Some(name.into());
        self
    }

    /// Sets the creation time written into the file's properties, in seconds
    /// since the Unix epoch (UTC). With the same time, the same input gives
    /// the same bytes; without one no creation time is written (XLSX, which
    /// requires one, uses 1980-01-01).
    pub fn created_at(mut self, unix_seconds: i64) -> ExportOptions {
        self.created_at = Some(unix_seconds);
        self
    }

    /// Refuses what would otherwise be a warning: a value the format cannot
    /// hold as given is then the error of the warning's code instead of
    /// being kept another way (see [`Warning`](crate::Warning)).
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::{export, ExportOptions, Format, Table};
    /// let table = Table::from_json(r#"{"headers": ["id"], "rows": [[12345678901234567890]]}"#)?;
    /// assert!(export(&table, &ExportOptions::new(Format::Xlsx)).is_ok());
    /// let err = export(&table, &ExportOptions::new(Format::Xlsx).strict(true)).unwrap_err();
    /// assert_eq!(err.code(), "INVALID_NUMBER");
    /// # Ok::<(), exporter_core::ExportError>(())
    /// ```
    pub fn strict(mut self, strict: bool) -> ExportOptions {
        self.strict = strict;
        self
    }

    /// Starts a CSV file with a UTF-8 byte order mark, which Excel needs to
    /// read it as UTF-8 (other programs do not).
    pub fn csv_bom(mut self, bom: bool) -> ExportOptions {
        self.csv_bom = bom;
        self
    }

    /// Writes the cells of typed columns in a CSV file as the PDF, DOCX and
    /// Excel show them (`1,132.80`, `18 Oct 2024`) rather than as a
    /// program reads them back (`1132.8`, `2024-10-18`).
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::{export, ExportOptions, Format, Table};
    /// let table = Table::from_json(r##"{"columns": [{"header": "Amount", "type": "number", "format": "#,##0.00"}], "rows": [[1132.8]]}"##)?;
    /// let plain = export(&table, &ExportOptions::new(Format::Csv))?;
    /// assert_eq!(plain, b"Amount\r\n1132.8\r\n");
    /// let shown = export(&table, &ExportOptions::new(Format::Csv).csv_as_displayed(true))?;
    /// assert_eq!(shown, b"Amount\r\n\"1,132.80\"\r\n");
    /// # Ok::<(), exporter_core::ExportError>(())
    /// ```
    pub fn csv_as_displayed(mut self, displayed: bool) -> ExportOptions {
        self.csv_as_displayed = displayed;
        self
    }

    /// The title that wins: this option's, else the table's.
    pub(crate) fn effective_title<'a>(&'a self, table_title: Option<&'a str>) -> Option<&'a str> {
        self.title
            .as_deref()
            .or(table_title)
            .filter(|t| !t.is_empty())
    }

    /// Page width and height in points after orientation, for `landscape`.
    pub(crate) fn page_points(&self, landscape: bool) -> (f32, f32) {
        let (w, h) = self.page_size.points();
        if landscape { (h, w) } else { (w, h) }
    }

    /// Checks the options that apply to pages.
    pub(crate) fn check_page(&self) -> Result<()> {
        let m = self.margins;
        for (field, v) in [
            ("margins.top", m.top),
            ("margins.right", m.right),
            ("margins.bottom", m.bottom),
            ("margins.left", m.left),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(invalid(
                    field,
                    format!("{v} is not a non-negative number of points"),
                ));
            }
        }
        let (w, h) = self.page_size.points();
        let short = w.min(h);
        if m.left + m.right > short - 144.0 || m.top + m.bottom > short - 144.0 {
            return Err(invalid(
                "margins",
                format!(
                    "they leave less than 2 inches (144 pt) of a {short:.0} pt page for the table"
                ),
            ));
        }
        Ok(())
    }

    /// Checks the options against a workbook of `sheets` sheets: CSV
    /// holds one table, `sheetName` names one sheet.
    pub(crate) fn check_book(&self, sheets: usize) -> Result<()> {
        if sheets > 1 && self.format == Format::Csv {
            return Err(invalid(
                "format",
                format!(
                    "a CSV file holds one table, and this workbook has {sheets} sheets; export it as xlsx, pdf or docx, or each sheet as a table"
                ),
            ));
        }
        if sheets > 1 && self.sheet_name.is_some() {
            return Err(invalid(
                "sheetName",
                format!(
                    "names the sheet of a table, and this workbook has {sheets}; give each sheet its `name`"
                ),
            ));
        }
        Ok(())
    }

    /// Checks what every format uses: the creation time.
    pub(crate) fn check_common(&self) -> Result<()> {
        if let Some(t) = self.created_at {
            // 1980..=9999: what ZIP timestamps, Excel dates and PDF dates
            // all hold, and the four-digit years of W3CDTF (docProps/core.xml).
            if !(315_532_800..=253_402_300_799).contains(&t) {
                return Err(invalid(
                    "createdAt",
                    format!(
                        "{t} is outside 315532800 to 253402300799 seconds since 1970 (1980-01-01 to 9999-12-31 UTC), the times every format holds"
                    ),
                ));
            }
        }
        Ok(())
    }
}

pub(crate) fn invalid(field: &'static str, message: String) -> ExportError {
    ExportError::InvalidOption { field, message }
}
