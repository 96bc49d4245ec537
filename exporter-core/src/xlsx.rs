//! XLSX: a SpreadsheetML package (ECMA-376 Part 1, 18) written directly and
//! streamed row by row through deflate: typed cells, a bold frozen header
//! with an autofilter, the title merged across the columns, fitted widths.
//!
//! rust_xlsxwriter did this first; measured in wasm it kept the whole sheet
//! in memory (296 MB added for 100,000 x 10 cells, against a target of a
//! third of SheetJS's) and made up half the wasm build (docs/decisions.md).
//! Strings are written inline (`t="inlineStr"`): no shared-string table to
//! hold in memory; Excel converts them when it saves.

use std::collections::HashMap;

use crate::columns::{Align, ColumnStyle};
use crate::error::{ExportError, Location, Result};
use crate::numfmt::{self, NumberFormat};
use crate::options::ExportOptions;
use crate::rows::Rows;
use crate::table::Cell;
use crate::text::{self, is_xml_char};
use crate::typed::{self, ColumnType, MomentKind};
use crate::warning::{Warning, Warnings};
use crate::xml::Xml;
use crate::zip_parts::Package;
use crate::{Book, Progress, Sheet, layout, opc};

const FORMAT: &str = "Excel";
const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
const MAX_CELL_TEXT: usize = 32_767;
const MAX_SHEET_NAME: usize = 31;
/// Excel's largest and smallest positive numbers (Excel specifications and
/// limits); beyond them a value would change when Excel reads it.
const MAX_NUMBER: f64 = 9.999_999_999_999_99e307;
const MIN_NUMBER: f64 = 2.225_073_858_507_201e-308;
/// Column widths in Excel character units: no column narrower or wider.
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;

/// What a cell format styles: body cells, the header row or the title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Body,
    Header,
    Title,
    /// A link's text: blue, underlined.
    Link,
}

/// A cell format (`xf`) of styles.xml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Xf {
    num_fmt: u32,
    role: Role,
    align: Option<Align>,
    wrap: bool,
    /// Right to left (`readingOrder="2"`): text whose first strong
    /// character is Hebrew, Arabic, ...
    rtl: bool,
}

/// The number formats and cell formats a workbook uses, each once, in the
/// order first asked for; cell format 0 is the plain default.
struct Styles {
    num_fmts: Vec<String>,
    xfs: Vec<Xf>,
    index: HashMap<Xf, u32>,
}

/// The first id of a custom number format (ids below are Excel's own).
const FIRST_NUM_FMT: u32 = 164;

impl Styles {
    fn new() -> Styles {
        let mut styles = Styles {
            num_fmts: Vec::new(),
            xfs: Vec::new(),
            index: HashMap::new(),
        };
        styles.xf(0, Role::Body, None, false, false);
        styles
    }

    /// The id of number format `code` (`General` is Excel's 0).
    fn num_fmt(&mut self, code: &str) -> u32 {
        if code.eq_ignore_ascii_case("general") {
            return 0;
        }
        let at = match self.num_fmts.iter().position(|c| c == code) {
            Some(at) => at,
            None => {
                self.num_fmts.push(code.to_owned());
                self.num_fmts.len() - 1
            }
        };
        FIRST_NUM_FMT + u32::try_from(at).unwrap_or(0)
    }

    /// The index of the cell format with these properties.
    fn xf(&mut self, num_fmt: u32, role: Role, align: Option<Align>, wrap: bool, rtl: bool) -> u32 {
        let xf = Xf {
            num_fmt,
            role,
            align,
            wrap,
            rtl,
        };
        *self.index.entry(xf).or_insert_with(|| {
            self.xfs.push(xf);
            u32::try_from(self.xfs.len() - 1).unwrap_or(0)
        })
    }

    /// `xl/styles.xml`. Fonts: 0 plain, 1 bold (header), 2 bold 14 pt
    /// (title); fills: the two Excel reserves, then the header's. No colour
    /// or font refers to the theme: the package has no theme part, and
    /// Excel reports a problem with files whose styles name theme colours
    /// without one (exceljs/exceljs#425).
    fn xml(&self) -> Vec<u8> {
        let mut x = Xml::new();
        x.start("styleSheet").attr(
            "xmlns",
            "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        );
        if !self.num_fmts.is_empty() {
            x.start("numFmts").num("count", self.num_fmts.len());
            for (i, code) in self.num_fmts.iter().enumerate() {
                x.start("numFmt")
                    .num("numFmtId", FIRST_NUM_FMT + u32::try_from(i).unwrap_or(0))
                    .attr("formatCode", code)
                    .end();
            }
            x.end();
        }
        x.start("fonts").num("count", 4);
        for (bold, size, link) in [
            (false, "11", false),
            (true, "11", false),
            (true, "14", false),
            (false, "11", true),
        ] {
            x.start("font");
            if bold {
                x.start("b").end();
            }
            if link {
                x.start("u").end();
            }
            x.empty("sz", &[("val", size)]);
            if link {
                // Office's hyperlink blue.
                x.empty("color", &[("rgb", "FF0563C1")]);
            }
            x.empty("name", &[("val", "Calibri")]);
            x.empty("family", &[("val", "2")]);
            x.end();
        }
        x.end();
        x.start("fills").num("count", 3);
        for pattern in ["none", "gray125"] {
            x.start("fill")
                .empty("patternFill", &[("patternType", pattern)])
                .end();
        }
        x.start("fill")
            .start("patternFill")
            .attr("patternType", "solid");
        x.empty("fgColor", &[("rgb", "FFD9E2F3")]);
        x.empty("bgColor", &[("indexed", "64")]);
        x.end().end().end();
        x.start("borders").num("count", 2);
        for bottom in [false, true] {
            x.start("border");
            for side in ["left", "right", "top"] {
                x.start(side).end();
            }
            if bottom {
                x.start("bottom").attr("style", "thin");
                x.empty("color", &[("auto", "1")]);
                x.end();
            } else {
                x.start("bottom").end();
            }
            x.start("diagonal").end();
            x.end();
        }
        x.end();
        x.start("cellStyleXfs").num("count", 1);
        x.empty(
            "xf",
            &[
                ("numFmtId", "0"),
                ("fontId", "0"),
                ("fillId", "0"),
                ("borderId", "0"),
            ],
        );
        x.end();
        x.start("cellXfs").num("count", self.xfs.len());
        for xf in &self.xfs {
            let (font, fill, border) = match xf.role {
                Role::Body => (0, 0, 0),
                Role::Header => (1, 2, 1),
                Role::Title => (2, 0, 0),
                Role::Link => (3, 0, 0),
            };
            x.start("xf")
                .num("numFmtId", xf.num_fmt)
                .num("fontId", font)
                .num("fillId", fill)
                .num("borderId", border)
                .num("xfId", 0);
            if xf.num_fmt != 0 {
                x.attr("applyNumberFormat", "1");
            }
            if font != 0 {
                x.attr("applyFont", "1");
            }
            if xf.role == Role::Header {
                x.attr("applyFill", "1").attr("applyBorder", "1");
            }
            if xf.align.is_some() || xf.wrap || xf.rtl {
                x.attr("applyAlignment", "1").start("alignment");
                if let Some(align) = xf.align {
                    x.attr(
                        "horizontal",
                        match align {
                            Align::Left => "left",
                            Align::Center => "center",
                            Align::Right => "right",
                        },
                    );
                }
                if xf.wrap {
                    x.attr("wrapText", "1");
                }
                if xf.rtl {
                    x.attr("readingOrder", "2");
                }
                x.end();
            }
            x.end();
        }
        x.end();
        x.start("cellStyles").num("count", 1);
        x.empty(
            "cellStyle",
            &[("name", "Normal"), ("xfId", "0"), ("builtinId", "0")],
        );
        x.end();
        x.empty("dxfs", &[("count", "0")]);
        x.empty(
            "tableStyles",
            &[
                ("count", "0"),
                ("defaultTableStyle", "TableStyleMedium2"),
                ("defaultPivotStyle", "PivotStyleLight16"),
            ],
        );
        x.finish()
    }
}

/// A sheet's links: each cell with one, and each address once (a sheet
/// relationship, external).
struct Links {
    /// Each link's 0-based row and column in the sheet, and its address's number.
    cells: Vec<(u32, u32, u32)>,
    addresses: opc::Hyperlinks,
}

impl Links {
    fn new() -> Links {
        Links {
            cells: Vec::new(),
            addresses: opc::Hyperlinks::starting_at(1),
        }
    }

    /// A link at 1-based sheet row `row`, 0-based column `column`.
    fn add(&mut self, row: usize, column: usize, url: &str) {
        let n = self.addresses.number(url);
        // Excel's rows, columns and a sheet's links all fit in u32.
        #[allow(clippy::cast_possible_truncation)]
        self.cells.push((row as u32, column as u32, n as u32));
    }

    /// `<hyperlinks>`, between the merged cells and the page margins;
    /// `refs` are the columns' letters.
    fn push_hyperlinks(&self, out: &mut Vec<u8>, refs: &[String]) {
        if self.cells.is_empty() {
            return;
        }
        out.extend_from_slice(b"<hyperlinks>");
        let mut row = itoa::Buffer::new();
        for &(r, c, n) in &self.cells {
            push(
                out,
                &[
                    "<hyperlink ref=\"",
                    &refs[c as usize],
                    row.format(r),
                    "\" r:id=\"",
                ],
            );
            self.addresses.push_rid(out, n as usize);
            out.extend_from_slice(b"\"/>");
        }
        out.extend_from_slice(b"</hyperlinks>");
    }

    /// The sheet's relationships part, when it has links.
    fn relationships(&self) -> Option<Vec<u8>> {
        (!self.addresses.is_empty()).then(|| self.addresses.relationships(&[]))
    }
}

/// The cell formats of one column, worked out before its cells are written.
struct ColumnXfs {
    /// Text, left to right and right to left.
    text: [u32; 2],
    /// Text with line breaks, wrapped, left to right and right to left.
    wrapped: [u32; 2],
    /// Numbers (with the column's format, if any).
    number: u32,
    /// Dates, date-times and times, by [`MomentKind`].
    moments: [u32; 3],
    /// Links, left to right and right to left.
    link: [u32; 2],
}

impl ColumnXfs {
    fn of(style: &ColumnStyle, styles: &mut Styles) -> ColumnXfs {
        let align = style.align;
        let format = style.number_format();
        let num_fmt = format.map_or(0, |f| styles.num_fmt(f.code()));
        let text_formatted = format.is_some_and(NumberFormat::has_text_section);
        let text_fmt = if text_formatted { num_fmt } else { 0 };
        let text = [false, true].map(|rtl| styles.xf(text_fmt, Role::Body, align, false, rtl));
        // Only date, date-time and time columns hold dates and times.
        let moments = [MomentKind::Date, MomentKind::DateTime, MomentKind::Time].map(|kind| {
            let id = match (style.kind, format) {
                (Some(ColumnType::Date | ColumnType::DateTime | ColumnType::Time), None) => {
                    styles.num_fmt(numfmt::default_moment_code(kind))
                }
                (Some(ColumnType::Date | ColumnType::DateTime | ColumnType::Time), Some(_)) => {
                    num_fmt
                }
                _ => return text[0],
            };
            styles.xf(id, Role::Body, align, false, false)
        });
        ColumnXfs {
            link: [false, true].map(|rtl| styles.xf(0, Role::Link, align, false, rtl)),
            text,
            wrapped: [false, true].map(|rtl| styles.xf(text_fmt, Role::Body, align, true, rtl)),
            number: styles.xf(num_fmt, Role::Body, align, false, false),
            moments,
        }
    }

    /// The format of text `s`: wrapped when it holds a line break (Excel
    /// shows a break only in a wrapped cell).
    fn text(&self, s: &str) -> u32 {
        let rtl = usize::from(layout::is_rtl(s));
        if s.contains(['\n', '\r']) {
            self.wrapped[rtl]
        } else {
            self.text[rtl]
        }
    }

    /// The format of a link that shows `s`.
    fn link(&self, s: &str) -> u32 {
        self.link[usize::from(layout::is_rtl(s))]
    }
}

/// The format of text `s` in `role`: wrapped when it holds a line break,
/// right to left when it starts so.
fn wrapping(styles: &mut Styles, s: &str, role: Role, align: Option<Align>) -> u32 {
    styles.xf(0, role, align, s.contains(['\n', '\r']), layout::is_rtl(s))
}

pub(crate) fn write(
    book: &Book<'_, dyn Rows + '_>,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    let names = sheet_names(book)?;
    let sheets = book.sheets.len();
    // Where each sheet's table sits, for its autofilter.
    let places: Vec<Place> = book.sheets.iter().map(Place::of).collect();

    // Level 1: the sheet XML is repetitive enough that stronger levels buy
    // little size for much time (docs/decisions.md).
    let mut package = Package::new(FORMAT, 1);
    opc::start_package(
        &mut package,
        &content_types(sheets),
        ROOT_RELS,
        book.title,
        options.created_at,
    )?;
    package.part("xl/workbook.xml", &workbook(&names, &places))?;
    package.part("xl/_rels/workbook.xml.rels", &workbook_rels(sheets))?;
    package.part("xl/theme/theme1.xml", opc::THEME.as_bytes())?;
    let mut styles = Styles::new();
    for (i, sheet) in book.sheets.iter().enumerate() {
        book.start(i, progress);
        write_sheet(&mut package, i, sheet, &places[i], &mut styles, progress)
            .map_err(|e| book.in_sheet(i, e))?;
    }
    progress.warnings.sheet = None;
    // Written after the sheets, which asked for the formats they use.
    package.part("xl/styles.xml", &styles.xml())?;
    package.finish()
}

/// Where a sheet's table sits: rows 1-based, the title's row (if any)
/// above the header's.
struct Place {
    header_row: usize,
    last_row: usize,
    last_col: String,
    columns: usize,
}

impl Place {
    fn of(sheet: &Sheet<'_, dyn Rows + '_>) -> Place {
        let columns = sheet.rows.headers().len();
        let header_row = usize::from(sheet.title.is_some()) + 1;
        Place {
            header_row,
            last_row: header_row + sheet.rows.row_count(),
            last_col: if columns == 0 {
                "A".to_owned()
            } else {
                column_name(columns - 1)
            },
            columns,
        }
    }
}

/// Writes sheet `index` (0-based) of the book: `xl/worksheets/sheetN.xml`
/// and, if it has links, its relationships.
fn write_sheet(
    package: &mut Package,
    index: usize,
    sheet: &Sheet<'_, dyn Rows + '_>,
    place: &Place,
    styles: &mut Styles,
    progress: &mut Progress<'_>,
) -> Result<()> {
    let table = sheet.rows;
    let title = sheet.title;
    let header_rows = usize::from(title.is_some());
    check_shape(table, title, header_rows)?;
    // Every cell is checked in this pass, before anything is written, so an
    // error never leaves half a workbook behind.
    let column_styles: Vec<ColumnStyle> = (0..table.headers().len())
        .map(|c| table.column_style(c))
        .collect();
    let widths = measure(table, &column_styles, &mut progress.warnings)?;
    let columns = table.headers().len();
    let mut links = Links::new();
    let xfs: Vec<ColumnXfs> = column_styles
        .iter()
        .map(|style| ColumnXfs::of(style, styles))
        .collect();
    let refs: Vec<String> = (0..columns).map(column_name).collect();
    let (header_row, last_row, last_col) =
        (place.header_row, place.last_row, place.last_col.as_str());
    let part = format!("xl/worksheets/sheet{}.xml", index + 1);
    let selected = if index == 0 { " tabSelected=\"1\"" } else { "" };
    package.streamed_part(&part, |w| {
        let out = &mut w.buf;
        out.extend_from_slice(SHEET_START.as_bytes());
        if columns > 0 {
            push(out, &["<dimension ref=\"A1:", last_col, &last_row.to_string(), "\"/>"]);
            let top = header_row + 1;
            push(out, &[
                "<sheetViews><sheetView",
                selected,
                " workbookViewId=\"0\"><pane ySplit=\"",
                &header_row.to_string(),
                "\" topLeftCell=\"A",
                &top.to_string(),
                "\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A",
                &top.to_string(),
                "\" sqref=\"A",
                &top.to_string(),
                "\"/></sheetView></sheetViews>",
            ]);
        }
        out.extend_from_slice(b"<sheetFormatPr defaultRowHeight=\"15\"/>");
        if columns > 0 {
            out.extend_from_slice(b"<cols>");
            for (c, width) in widths.iter().enumerate() {
                let n = (c + 1).to_string();
                let width = format!("{width:.2}");
                push(out, &["<col min=\"", &n, "\" max=\"", &n, "\" width=\"", &width, "\" customWidth=\"1\"/>"]);
            }
            out.extend_from_slice(b"</cols>");
        }
        out.extend_from_slice(b"<sheetData>");
        if let Some(title) = title.filter(|_| columns > 0) {
            out.extend_from_slice(b"<row r=\"1\" ht=\"20\" customHeight=\"1\">");
            let xf = wrapping(styles, title, Role::Title, None);
            push_string_cell(out, "A1", title, xf);
            out.extend_from_slice(b"</row>");
        }
        if columns > 0 {
            let r = header_row.to_string();
            push(out, &["<row r=\"", &r, "\">"]);
            for (c, header) in table.headers().iter().enumerate() {
                let xf = wrapping(styles, header, Role::Header, column_styles[c].column_align());
                push_string_cell(out, &format!("{}{r}", refs[c]), header, xf);
            }
            out.extend_from_slice(b"</row>");
        }
        let mut number = ryu::Buffer::new();
        let mut integer = itoa::Buffer::new();
        let mut cell_ref = String::with_capacity(16);
        let strict = progress.warnings.strict;
        table.each_row(&mut |row, cells| {
            let out = &mut w.buf;
            let r = integer.format(header_row + 1 + row).to_owned();
            push(out, &["<row r=\"", &r, "\">"]);
            for (c, cell) in cells.iter().enumerate() {
                // Checked again: a source read twice must not slip in a
                // cell the first pass never saw.
                check_cell(cell, row, c)?;
                if strict {
                    // measure() warned of the first pass's cells; a cell
                    // that changed since must not slip past strict.
                    warn_of(cell, row, c, &mut Warnings::strict())?;
                }
                cell_ref.clear();
                cell_ref.push_str(&refs[c]);
                cell_ref.push_str(&r);
                let xf = &xfs[c];
                match cell {
                    Cell::Null => {}
                    Cell::String(s) if s.is_empty() => {}
                    Cell::String(s) => {
                        push_string_cell(out, &cell_ref, s, xf.text(s));
                    }
                    Cell::Bool(b) => {
                        push(out, &["<c r=\"", &cell_ref, "\""]);
                        push_style(out, xf.text[0]);
                        push(out, &[" t=\"b\"><v>", if *b { "1" } else { "0" }, "</v></c>"]);
                    }
                    // Kept as text (measure() warned): as a number Excel
                    // would change it.
                    Cell::Number(n) if !excel_holds(*n) => {
                        push_string_cell(out, &cell_ref, &text::format_number(*n), xf.text[0]);
                    }
                    Cell::Integer(digits) => push_string_cell(out, &cell_ref, digits, xf.text[0]),
                    Cell::Link(link) => {
                        push_string_cell(out, &cell_ref, &link.text, xf.link(&link.text));
                        links.add(header_row + 1 + row, c, &link.url);
                    }
                    // Computed from its fields; before 1900 it is text
                    // (measure() warned).
                    Cell::Moment(m) => match m.excel_serial() {
                        Some(serial) => {
                            push(out, &["<c r=\"", &cell_ref, "\""]);
                            push_style(out, xf.moments[m.kind as usize]);
                            push(out, &["><v>", number.format_finite(serial), "</v></c>"]);
                        }
                        None => push_string_cell(out, &cell_ref, &m.display(), xf.text[0]),
                    },
                    Cell::Number(n) => {
                        // Shortest digits that read back as the same double.
                        #[allow(clippy::cast_possible_truncation)]
                        let digits = if n.fract() == 0.0 && n.abs() < 1e15 {
                            integer.format(*n as i64)
                        } else {
                            number.format_finite(*n)
                        };
                        push(out, &["<c r=\"", &cell_ref, "\""]);
                        push_style(out, xf.number);
                        push(out, &["><v>", digits, "</v></c>"]);
                    }
                }
            }
            out.extend_from_slice(b"</row>");
            w.flush()?;
            progress.rows_done(row + 1);
            Ok(())
        })?;
        let out = &mut w.buf;
        out.extend_from_slice(b"</sheetData>");
        if columns > 0 {
            let last = last_row.to_string();
            let header = header_row.to_string();
            push(out, &["<autoFilter ref=\"A", &header, ":", last_col, &last, "\"/>"]);
            if title.is_some() && columns > 1 {
                push(out, &["<mergeCells count=\"1\"><mergeCell ref=\"A1:", last_col, "1\"/></mergeCells>"]);
            }
        }
        links.push_hyperlinks(out, &refs);
        out.extend_from_slice(
            b"<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>",
        );
        Ok(())
    })?;
    // After the sheet, which found the addresses its links go to.
    if let Some(rels) = links.relationships() {
        package.part(
            &format!("xl/worksheets/_rels/sheet{}.xml.rels", index + 1),
            &rels,
        )?;
    }
    Ok(())
}

fn push(out: &mut Vec<u8>, pieces: &[&str]) {
    for piece in pieces {
        out.extend_from_slice(piece.as_bytes());
    }
}

/// ` s="xf"`, unless `xf` is the default format 0.
fn push_style(out: &mut Vec<u8>, xf: u32) {
    if xf != 0 {
        push(out, &[" s=\"", itoa::Buffer::new().format(xf), "\""]);
    }
}

/// A string cell, written inline.
fn push_string_cell(out: &mut Vec<u8>, cell_ref: &str, s: &str, xf: u32) {
    push(out, &["<c r=\"", cell_ref, "\""]);
    push_style(out, xf);
    out.extend_from_slice(if needs_preserve(s) {
        b" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
    } else {
        b" t=\"inlineStr\"><is><t>"
    });
    push_spreadsheet_text(out, s);
    out.extend_from_slice(b"</t></is></c>");
}

/// Whether text needs `xml:space="preserve"` to be read back as it is:
/// Excel trims whitespace at either end without it, and it is asked for
/// tabs, line breaks and runs of spaces too, as Excel writes it. Most
/// cells need none, and leaving it out takes 21 bytes off each (an eighth
/// of a typical sheet before compression).
fn needs_preserve(s: &str) -> bool {
    if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return true;
    }
    let mut after_space = false;
    for &b in s.as_bytes() {
        match b {
            b'\t' | b'\n' | b'\r' => return true,
            b' ' if after_space => return true,
            _ => {}
        }
        after_space = b == b' ';
    }
    false
}

/// Escapes text the way Excel reads it back exactly: XML's five, then
/// characters XML cannot carry as `_xHHHH_`, and a literal `_xHHHH_`
/// guarded by escaping its underscore (ECMA-376 Part 1, 22.9.2.19
/// ST_Xstring). Line ends (CRLF, CR) are written as LF, as Excel's own
/// cells hold them: `_x000D_` showed raw in openpyxl, exceljs and Gnumeric.
fn push_spreadsheet_text(out: &mut Vec<u8>, s: &str) {
    text::push_escaped(out, s, |rest, out| {
        let code;
        let (rep, len): (&[u8], usize) = match rest[0] {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'\r' if rest.get(1) == Some(&b'\n') => (b"", 1),
            b'\r' => (b"\n", 1),
            b'_' if looks_like_escape(rest) => (b"_x005F_", 1),
            b'\t' | b'\n' => return None,
            c @ 0..0x20 => {
                code = escape_code(u32::from(c));
                (&code, 1)
            }
            0xEF if text::is_noncharacter_fffe(rest) => {
                code = escape_code(0xFF00 | (u32::from(rest[2]) + 0x40));
                (&code, 3)
            }
            _ => return None,
        };
        out.extend_from_slice(rep);
        Some(len)
    });
}

/// `_xHHHH_` for character `code` (below U+10000).
fn escape_code(code: u32) -> [u8; 7] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let digit = |shift: u32| HEX[((code >> shift) & 0xF) as usize];
    [b'_', b'x', digit(12), digit(8), digit(4), digit(0), b'_']
}

/// Whether `b` starts with `_xHHHH_`.
fn looks_like_escape(b: &[u8]) -> bool {
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

/// `A`, `B`, ... `Z`, `AA`, ... for 0-based column `c`.
fn column_name(c: usize) -> String {
    let mut n = c + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// Checks the limits on rows, columns, the title and the headers.
fn check_shape(table: &dyn Rows, title: Option<&str>, header_rows: usize) -> Result<()> {
    let max_rows = MAX_ROWS - header_rows - 1;
    if table.row_count() > max_rows {
        return Err(ExportError::TooManyRows {
            rows: table.row_count(),
            max: max_rows,
            format: FORMAT,
            what: if header_rows > 0 {
                "rows below the title and headers"
            } else {
                "rows below the headers"
            },
        });
    }
    if table.headers().len() > MAX_COLUMNS {
        return Err(ExportError::TooManyColumns {
            columns: table.headers().len(),
            max: MAX_COLUMNS,
            format: FORMAT,
        });
    }
    if let Some(title) = title {
        check_len(title, Location::Title)?;
    }
    for (c, header) in table.headers().iter().enumerate() {
        check_len(header, Location::Header { column: c + 1 })?;
    }
    Ok(())
}

fn check_len(s: &str, location: Location) -> Result<()> {
    // Excel counts UTF-16 units; a UTF-16 string is never longer than its UTF-8 bytes.
    if s.len() > MAX_CELL_TEXT {
        let length = s.encode_utf16().count();
        if length > MAX_CELL_TEXT {
            return Err(ExportError::CellTooLong {
                location,
                length,
                max: MAX_CELL_TEXT,
                format: FORMAT,
            });
        }
    }
    Ok(())
}

/// Checks one body cell (0-based `row` and `column`) against Excel's limits.
fn check_cell(cell: &Cell, row: usize, column: usize) -> Result<()> {
    match cell {
        Cell::String(s) | Cell::Link(crate::table::Link { text: s, .. }) => check_len(
            s,
            Location::Cell {
                row: row + 1,
                column: column + 1,
            },
        ),
        _ => Ok(()),
    }
}

/// Whether Excel holds `n` as a number unchanged.
fn excel_holds(n: f64) -> bool {
    let a = n.abs();
    a == 0.0 || (MIN_NUMBER..=MAX_NUMBER).contains(&a)
}

/// Warns of a body cell (0-based `row` and `column`) that is written as
/// text because Excel's numbers cannot hold it; when strict, the error.
fn warn_of(cell: &Cell, row: usize, column: usize, warnings: &mut Warnings) -> Result<()> {
    let location = Location::Cell {
        row: row + 1,
        column: column + 1,
    };
    let (message, error) = match cell {
        Cell::Number(n) if !excel_holds(*n) => {
            let shown = text::format_number(*n);
            (
                format!(
                    "{shown} is outside the range Excel holds (±2.2251e-308 to ±9.99999999999999e+307); written as text"
                ),
                format!(
                    "{shown} is outside the range Excel holds (±2.2251e-308 to ±9.99999999999999e+307); pass it as a string"
                ),
            )
        }
        Cell::Integer(digits) => (
            format!(
                "the integer {digits} is beyond 2^53, which Excel's numbers cannot hold exactly; written as text"
            ),
            format!(
                "the integer {digits} is beyond 2^53 and would lose digits as a number in Excel; pass it as a string"
            ),
        ),
        Cell::Moment(m) if m.excel_serial().is_none() => (
            format!(
                "{} is before 1900-01-01, which Excel's calendar does not hold; written as text",
                m.display()
            ),
            format!(
                "{} is before 1900-01-01, which Excel's calendar does not hold",
                m.display()
            ),
        ),
        _ => return Ok(()),
    };
    warnings.keep(
        Warning {
            sheet: None,
            location,
            code: "INVALID_NUMBER",
            message,
        },
        || ExportError::InvalidNumber {
            location,
            message: error,
        },
    )
}

/// A sheet name the caller gave, checked against Excel's rules.
fn checked_sheet_name(name: &str) -> Result<String> {
    let refuse = |reason: &str| ExportError::InvalidSheetName {
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    if name.trim().is_empty() {
        return Err(refuse("is empty"));
    }
    if name.encode_utf16().count() > MAX_SHEET_NAME {
        return Err(refuse("is longer than Excel's 31 characters"));
    }
    if let Some(c) = name.chars().find(|c| "[]:*?/\\".contains(*c)) {
        return Err(refuse(&format!(
            "contains {c:?}, which Excel does not allow in sheet names"
        )));
    }
    if name.starts_with('\'') || name.ends_with('\'') {
        return Err(refuse(
            "starts or ends with an apostrophe, which Excel does not allow",
        ));
    }
    if name.eq_ignore_ascii_case("history") {
        return Err(refuse("is reserved by Excel"));
    }
    if name.chars().any(|c| c.is_control() || !is_xml_char(c)) {
        return Err(refuse("contains a control character"));
    }
    Ok(name.to_owned())
}

/// A sheet name made from `title` within Excel's rules: its allowed
/// characters, cut to 31; `None` when nothing is left.
fn derived_sheet_name(title: Option<&str>) -> Option<String> {
    let mut name = String::new();
    let mut units = 0;
    for c in title.unwrap_or("").chars() {
        let c = if "[]:*?/\\".contains(c) || c.is_control() || !is_xml_char(c) {
            ' '
        } else {
            c
        };
        if units + c.len_utf16() > MAX_SHEET_NAME {
            break;
        }
        units += c.len_utf16();
        name.push(c);
    }
    let name = name.trim().trim_matches('\'').trim();
    (!name.is_empty() && !name.eq_ignore_ascii_case("history")).then(|| name.to_owned())
}

/// The worksheet names of `book`: each sheet's own, checked against
/// Excel's rules, else one made from its title, else `SheetN`. Excel needs
/// them to differ, ignoring case: two sheets given one name is an error; a
/// made name takes ` (2)`, ` (3)`... instead.
fn sheet_names(book: &Book<'_, dyn Rows + '_>) -> Result<Vec<String>> {
    let fold = |name: &str| name.to_lowercase();
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<Option<String>> = Vec::with_capacity(book.sheets.len());
    for (i, sheet) in book.sheets.iter().enumerate() {
        let Some(asked) = sheet.name else {
            names.push(None);
            continue;
        };
        let name = checked_sheet_name(asked).map_err(|e| book.in_sheet(i, e))?;
        if let Some(&j) = taken.get(&fold(&name)) {
            let reason = format!(
                "is also the name of sheet {}; Excel needs each sheet's name to differ, ignoring case",
                j + 1
            );
            return Err(book.in_sheet(i, ExportError::InvalidSheetName { name, reason }));
        }
        taken.insert(fold(&name), i);
        names.push(Some(name));
    }
    for (i, name) in names.iter_mut().enumerate() {
        if name.is_some() {
            continue;
        }
        let base =
            derived_sheet_name(book.sheets[i].title).unwrap_or_else(|| format!("Sheet{}", i + 1));
        let mut made = base.clone();
        let mut k = 2;
        while taken.contains_key(&fold(&made)) {
            let suffix = format!(" ({k})");
            let room = MAX_SHEET_NAME - suffix.len();
            let mut units = 0;
            made = base
                .chars()
                .take_while(|c| {
                    units += c.len_utf16();
                    units <= room
                })
                .collect::<String>()
                .trim_end()
                .to_owned()
                + &suffix;
            k += 1;
        }
        taken.insert(fold(&made), i);
        *name = Some(made);
    }
    Ok(names.into_iter().flatten().collect())
}

/// Checks every body cell, warns of those kept as text, and measures the
/// column widths, in Excel character units, from the longest line in each
/// column.
fn measure(table: &dyn Rows, styles: &[ColumnStyle], warnings: &mut Warnings) -> Result<Vec<f64>> {
    let mut widths: Vec<f64> = table
        .headers()
        .iter()
        .map(|h| text_width(h) + 2.0)
        .collect();
    // Typed cells are measured as Excel will show them, so the column is
    // wide enough (a number too wide for its column shows as ####), but
    // without formatting each: a number's shown width only grows with its
    // magnitude, so its column's extremes are shown once at the end; a
    // date's is that of a sample with every field at its widest.
    let mut extremes: Vec<Extremes> = vec![Extremes::default(); styles.len()];
    let moment_widths: Vec<Option<f64>> = styles
        .iter()
        .map(|style| {
            style
                .number_format()
                .and_then(NumberFormat::widest_moment)
                .map(|s| text_width(&s))
        })
        .collect();
    table.each_row(&mut |r, cells| {
        for (c, cell) in cells.iter().enumerate() {
            check_cell(cell, r, c)?;
            warn_of(cell, r, c, warnings)?;
            let style = &styles[c];
            let w = match cell {
                Cell::Null => 0.0,
                Cell::Number(n) if style.number_format().is_some_and(|f| !f.is_date()) => {
                    extremes[c].add(*n);
                    0.0
                }
                Cell::Moment(m) if style.kind.is_some() => {
                    match (moment_widths[c], style.format.is_none()) {
                        (Some(w), _) => w,
                        // The default codes: `yyyy-mm-dd`, `yyyy-mm-dd hh:mm:ss`, `hh:mm:ss`.
                        (None, true) => match m.kind {
                            MomentKind::Date => 10.0,
                            MomentKind::DateTime => 19.0,
                            MomentKind::Time => 8.0,
                        },
                        (None, false) => text_width(&typed::shown(cell, style)),
                    }
                }
                other if style.kind.is_some() => text_width(&typed::shown(other, style)),
                Cell::String(s) => text_width(s),
                other => text::cell_text(other).len() as f64,
            };
            if w > widths[c] {
                widths[c] = w;
            }
        }
        Ok(())
    })?;
    for (c, extremes) in extremes.iter().enumerate() {
        if let Some(format) = styles[c].number_format() {
            for n in extremes.values() {
                widths[c] = widths[c].max(text_width(&format.number(n)));
            }
        }
    }
    Ok(widths
        .iter()
        .enumerate()
        .map(|(c, w)| match styles[c].width {
            // The width the column asks for, as Excel counts it.
            Some(asked) => f64::from(asked),
            None => (w + 1.0).clamp(MIN_WIDTH, MAX_WIDTH),
        })
        .collect())
}

/// The numbers of a column that show widest: the largest and smallest of
/// each sign (an exponent grows at both ends), and zero.
#[derive(Debug, Clone, Copy, Default)]
struct Extremes {
    positive: Option<(f64, f64)>,
    negative: Option<(f64, f64)>,
    zero: bool,
}

impl Extremes {
    fn add(&mut self, n: f64) {
        let side = match n {
            0.0 => {
                self.zero = true;
                return;
            }
            n if n > 0.0 => &mut self.positive,
            _ => &mut self.negative,
        };
        let (low, high) = side.get_or_insert((n, n));
        *low = low.min(n);
        *high = high.max(n);
    }

    fn values(&self) -> impl Iterator<Item = f64> {
        let ends = |side: Option<(f64, f64)>| side.into_iter().flat_map(|(a, b)| [a, b]);
        ends(self.positive)
            .chain(ends(self.negative))
            .chain(self.zero.then_some(0.0))
    }
}

/// Approximate width in Excel character units: wide (CJK) characters count double.
fn text_width(s: &str) -> f64 {
    // Most cells: ASCII on one line, one character per byte.
    if s.is_ascii() && !s.as_bytes().contains(&b'\n') {
        return s.len().min(MAX_WIDTH as usize + 1) as f64;
    }
    let mut longest = 0usize;
    for line in s.split('\n') {
        let mut w = 0usize;
        for c in line.chars() {
            w += if crate::layout::is_wide(c) { 2 } else { 1 };
            if w as f64 > MAX_WIDTH {
                break;
            }
        }
        longest = longest.max(w);
    }
    longest as f64
}

/// `xl/workbook.xml`: the sheets, and the hidden name Excel keeps for
/// each sheet's autofilter.
fn workbook(names: &[String], places: &[Place]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><bookViews><workbookView xWindow="0" yWindow="0" windowWidth="16384" windowHeight="8192"/></bookViews><sheets>"#);
    for (i, name) in names.iter().enumerate() {
        out.extend_from_slice(b"<sheet name=\"");
        text::push_xml_escaped(&mut out, name);
        out.extend_from_slice(
            format!("\" sheetId=\"{n}\" r:id=\"rId{n}\"/>", n = i + 1).as_bytes(),
        );
    }
    out.extend_from_slice(b"</sheets>");
    let filtered: Vec<usize> = (0..names.len())
        .filter(|&i| places[i].columns > 0)
        .collect();
    if !filtered.is_empty() {
        out.extend_from_slice(b"<definedNames>");
        for i in filtered {
            let Place {
                header_row,
                last_row,
                last_col,
                ..
            } = &places[i];
            // A quoted sheet name, inner apostrophes doubled.
            let quoted = format!("'{}'", names[i].replace('\'', "''"));
            out.extend_from_slice(
                format!(
                    "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" hidden=\"1\">"
                )
                .as_bytes(),
            );
            text::push_xml_escaped(&mut out, &quoted);
            out.extend_from_slice(
                format!("!$A${header_row}:${last_col}${last_row}</definedName>").as_bytes(),
            );
        }
        out.extend_from_slice(b"</definedNames>");
    }
    out.extend_from_slice(b"</workbook>");
    out
}

/// `[Content_Types].xml` for a workbook of `sheets` sheets.
fn content_types(sheets: usize) -> Vec<u8> {
    let mut out = CONTENT_TYPES_START.as_bytes().to_vec();
    for n in 1..=sheets {
        out.extend_from_slice(
            format!("<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>").as_bytes(),
        );
    }
    out.extend_from_slice(CONTENT_TYPES_END.as_bytes());
    out
}

/// `xl/_rels/workbook.xml.rels`: the sheets `rId1`..`rIdN`, then the
/// styles and the theme.
fn workbook_rels(sheets: usize) -> Vec<u8> {
    let mut out = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        .to_vec();
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    for n in 1..=sheets {
        out.extend_from_slice(
            format!("<Relationship Id=\"rId{n}\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>").as_bytes(),
        );
    }
    out.extend_from_slice(
        format!(
            "<Relationship Id=\"rId{}\" Type=\"{rel}/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId{}\" Type=\"{rel}/theme\" Target=\"theme/theme1.xml\"/></Relationships>",
            sheets + 1,
            sheets + 2
        )
        .as_bytes(),
    );
    out
}

const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#;

const CONTENT_TYPES_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#;

const CONTENT_TYPES_END: &str = r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excel_rules() {
        // The name of a table's one sheet, made from its title.
        let name = |title: Option<&str>| {
            let table = crate::Table::new(vec!["a".into()], vec![]).unwrap();
            let table = match title {
                Some(t) => table.with_title(t),
                None => table,
            };
            let options = ExportOptions::new(crate::Format::Xlsx);
            let book = Book::of_table(&table, &options);
            sheet_names(&book.map(|_, s| s.rows as &dyn Rows))
                .unwrap()
                .remove(0)
        };
        assert_eq!(
            name(Some("Q3: sales/returns [draft]")),
            "Q3  sales returns  draft"
        );
        assert_eq!(name(None), "Sheet1");
        assert_eq!(name(Some("'History'")), "Sheet1");
        assert_eq!(name(Some(&"x".repeat(40))).len(), 31);
        let err = checked_sheet_name("a/b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "sheet name \"a/b\" contains '/', which Excel does not allow in sheet names"
        );
        assert_eq!(err.code(), "INVALID_SHEET_NAME");
        assert!(checked_sheet_name(&"y".repeat(32)).is_err());
        assert!(checked_sheet_name("History").is_err());
    }

    #[test]
    fn column_names() {
        let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383]
            .into_iter()
            .map(column_name)
            .collect();
        assert_eq!(
            names,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
        );
    }

    #[test]
    fn xml_space_is_written_where_whitespace_could_be_lost() {
        // openpyxl and XlsxWriter write it for whitespace at either end
        // only; tabs, line breaks and runs of spaces get it too.
        for s in [
            " a",
            "a ",
            "\u{3000}a",
            "a\u{A0}",
            "a\tb",
            "a\nb",
            "a\rb",
            "a  b",
            " ",
        ] {
            assert!(needs_preserve(s), "{s:?}");
        }
        for s in ["", "a", "a b", "Customer 12", "a\u{A0}b", "ORD-000001"] {
            assert!(!needs_preserve(s), "{s:?}");
        }
    }

    #[test]
    fn text_escapes_as_excel_reads_it() {
        let mut out = Vec::new();
        push_spreadsheet_text(
            &mut out,
            "a&b<c>\u{1}\r\n\t_x0041_ _x12_ \u{FFFE}\u{1F}\u{FFFF}\u{FFFD}é\u{7F}",
        );
        let mut lines = Vec::new();
        push_spreadsheet_text(&mut lines, "a\r\nb\rc\n\r\r\nd");
        assert_eq!(String::from_utf8(lines).unwrap(), "a\nb\nc\n\n\nd");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a&amp;b&lt;c&gt;_x0001_\n\t_x005F_x0041_ _x12_ _xFFFE__x001F__xFFFF_\u{FFFD}é\u{7F}"
        );
    }
}
