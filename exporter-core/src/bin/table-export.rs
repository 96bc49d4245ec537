//! `table-export`: turn a table in JSON into a PDF, DOCX, XLSX or CSV file.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Parser, ValueEnum};
use exporter_core::{
    ExportOptions, Exported, Format, JsonRows, Orientation, PageSize, StreamedTable, Workbook,
    export_streamed_with_warnings, export_workbook, system_fonts,
};

/// Turn a table in JSON into a PDF, DOCX, XLSX or CSV file.
///
/// The input is one JSON object:
///
///   {"title": "Quarterly sales", "headers": ["Order", "Qty", "Paid"],
///    "rows": [["A-1", 3, true], ["A-2", null, false]]}
///
/// `title` is optional; each cell is a string, number, boolean or null; a
/// row shorter than `headers` is padded with empty cells. An array of
/// records (as most APIs return) takes `columns` instead of `headers`:
///
///   {"columns": [{"header": "Order", "key": "id"}, {"header": "Qty", "key": "qty"}],
///    "rows": [{"id": "A-1", "qty": 3}, {"id": "A-2"}]}
///
/// A key not given is an empty cell; a key no column has is an error. A
/// column may add "align" (left, center, right) and "width" (characters).
///
/// A workbook holds several tables, each with an optional sheet "name":
///
///   {"title": "2024", "sheets": [{"name": "Sales", "headers": [...], "rows": [...]},
///                                {"name": "Costs", "headers": [...], "rows": [...]}]}
///
/// XLSX writes one worksheet per table; PDF and DOCX write the tables in
/// order, each under its title (else its name) and starting a page; CSV
/// holds one table, so a workbook of several sheets is an error there.
///
/// On any error the program prints one line `error: ...` naming the row,
/// column or option at fault, exits with status 1, and leaves no output
/// file behind.
///
/// A value the format cannot hold as given but that can be kept another
/// way (an integer beyond 2^53 or a number outside Excel's range as text in
/// XLSX, a control character Word cannot hold dropped, text a spreadsheet
/// would run as a formula given a leading apostrophe in CSV) is kept, and one
/// line `warning: row 3, column 2: ...` per value goes to standard error;
/// --strict makes the first of them an error instead.
///
/// Example: table-export sales.json --format pdf --output sales.pdf --font DejaVuSans.ttf
#[derive(Parser, Debug)]
#[command(name = "table-export", version, verbatim_doc_comment)]
struct Cli {
    /// The table (or workbook) as JSON; `-` reads standard input.
    input: String,

    /// The file format to write.
    #[arg(long, short, value_enum)]
    format: CliFormat,

    /// Where to write the file; `-` writes standard output. Written to a
    /// temporary file beside it first and renamed when complete.
    #[arg(long, short)]
    output: String,

    /// Title to use instead of the table's own.
    #[arg(long)]
    title: Option<String>,

    /// Paper size (PDF, DOCX).
    #[arg(long, value_enum, default_value = "a4")]
    page_size: CliPageSize,

    /// Page orientation (PDF, DOCX); `auto` turns the page to landscape when
    /// the columns do not fit across a portrait page.
    #[arg(long, value_enum, default_value = "auto")]
    orientation: CliOrientation,

    /// A TrueType/OpenType font (.ttf, .otf, first face of a .ttc) for text
    /// the built-in PDF font cannot show (Greek, Cyrillic, Arabic, CJK, ...).
    /// Repeat for a fallback chain: each character uses the first font that
    /// has it. Without --font, a PDF whose text needs more than Helvetica
    /// uses fonts installed on this machine that cover it (searched in
    /// $ROWPRESS_FONT_DIRS, colon-separated, else ~/.local/share/fonts,
    /// ~/.fonts, /usr/local/share/fonts and /usr/share/fonts), and says
    /// which on standard error.
    #[arg(long = "font", value_name = "FILE")]
    fonts: Vec<PathBuf>,

    /// Never search the machine for fonts: without --font, a PDF uses only
    /// Helvetica (a character it lacks is drawn as `?`, with a warning).
    #[arg(long)]
    no_system_fonts: bool,

    /// Worksheet name (XLSX) of a table; by default derived from the title.
    /// A workbook's sheets take their `name` instead.
    #[arg(long)]
    sheet_name: Option<String>,

    /// Creation time written into the file, in seconds since 1970-01-01 UTC;
    /// the same time and input give the same bytes. Defaults to
    /// $SOURCE_DATE_EPOCH, else the current time.
    #[arg(
        long,
        env = "SOURCE_DATE_EPOCH",
        value_name = "UNIX_SECONDS",
        allow_negative_numbers = true
    )]
    created_at: Option<i64>,

    /// Start a CSV file with a UTF-8 byte order mark (Excel needs it to
    /// read UTF-8).
    #[arg(long)]
    bom: bool,

    /// CSV: write the cells of typed columns as displayed, through their
    /// formats (`1,132.80`, `18 Oct 2024`), instead of as a program reads
    /// them back (`1132.8`, `2024-10-18`).
    #[arg(long)]
    as_displayed: bool,

    /// Give each column whose every cell reads as one type (ISO dates and
    /// times, numbers with thousands separators, percents, currency
    /// amounts, booleans) that type and a format from what was seen: for
    /// tables of text such as converted CSV.
    #[arg(long)]
    infer_types: bool,

    /// Refuse, as an error, any value the format cannot hold as given,
    /// instead of keeping it another way with a warning.
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CliFormat {
    Pdf,
    Docx,
    Xlsx,
    Csv,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CliPageSize {
    A4,
    Letter,
    Legal,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CliOrientation {
    Auto,
    Portrait,
    Landscape,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            let text = err.to_string();
            eprintln!(
                "{}",
                text.lines().next().unwrap_or("error: invalid arguments")
            );
            return ExitCode::from(2);
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<(), String> {
    let json = if cli.input == "-" {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        s
    } else {
        fs::read_to_string(&cli.input).map_err(|e| format!("cannot read {}: {e}", cli.input))?
    };
    let format = match cli.format {
        CliFormat::Pdf => Format::Pdf,
        CliFormat::Docx => Format::Docx,
        CliFormat::Xlsx => Format::Xlsx,
        CliFormat::Csv => Format::Csv,
    };
    let created_at = match cli.created_at {
        Some(t) => t,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| format!("the system clock is before 1970: {e}"))?
            .as_secs()
            .try_into()
            .map_err(|_| "the system clock is past the year 292 billion".to_owned())?,
    };
    let mut options = ExportOptions::new(format)
        .page_size(match cli.page_size {
            CliPageSize::A4 => PageSize::A4,
            CliPageSize::Letter => PageSize::Letter,
            CliPageSize::Legal => PageSize::Legal,
        })
        .orientation(match cli.orientation {
            CliOrientation::Auto => Orientation::Auto,
            CliOrientation::Portrait => Orientation::Portrait,
            CliOrientation::Landscape => Orientation::Landscape,
        })
        .created_at(created_at)
        .strict(cli.strict)
        .csv_bom(cli.bom)
        .csv_as_displayed(cli.as_displayed);
    if let Some(title) = &cli.title {
        options = options.title(title);
    }
    if let Some(name) = &cli.sheet_name {
        options = options.sheet_name(name);
    }
    for path in &cli.fonts {
        let data =
            fs::read(path).map_err(|e| format!("cannot read font {}: {e}", path.display()))?;
        options = options.font(data);
    }

    let out = export(&json, cli, &options).map_err(|e| e.to_string())?;
    for warning in &out.warnings {
        eprintln!("warning: {warning}");
    }
    if let Some(more) = out.more_warnings_line() {
        eprintln!("warning: {more}");
    }
    let bytes = out.bytes;
    if cli.output == "-" {
        let mut out = io::stdout().lock();
        out.write_all(&bytes)
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write standard output: {e}"))
    } else {
        write_atomically(Path::new(&cli.output), &bytes)
    }
}

/// The file for `json`. A table to XLSX or CSV is written from its JSON
/// text, each row parsed as it is written (memory: the text and 16 bytes
/// a row, not the cells); anything else (a workbook, PDF and DOCX, which
/// lay out the whole table, or --infer-types, which reads every column
/// first) is read whole.
fn export(json: &str, cli: &Cli, options: &ExportOptions) -> exporter_core::Result<Exported> {
    let streams = matches!(options.format(), Format::Xlsx | Format::Csv) && !cli.infer_types;
    if streams && let Ok(rows) = JsonRows::from_json(json) {
        let table = StreamedTable::new(rows.head(), &rows)?;
        return export_streamed_with_warnings(&table, options, &mut |_, _| {});
    }
    // Not a table read this way (a workbook, or a fault the whole read
    // names as it always has).
    let book = Workbook::from_json(json)?;
    let book = if cli.infer_types {
        book.map_sheets(exporter_core::infer_types)
    } else {
        book
    };
    if options.format() == Format::Pdf && cli.fonts.is_empty() && !cli.no_system_fonts {
        let mut needed = system_fonts::needed_chars(book.sheets());
        if let Some(title) = &cli.title {
            needed.extend(system_fonts::needed_chars(std::iter::once(
                &exporter_core::Table::new(vec![title.clone()], vec![])?,
            )));
        }
        let found = system_fonts::fonts_for(&needed);
        if !found.is_empty() {
            let names: Vec<String> = found.iter().map(|f| f.path.display().to_string()).collect();
            eprintln!("note: fonts from this machine: {}", names.join(", "));
            let mut options = options.clone();
            for font in found {
                options = options.font(font.data);
            }
            return export_workbook(book, &options, &mut |_, _| {});
        }
    }
    export_workbook(book, options, &mut |_, _| {})
}

/// Writes to a temporary file beside `path` and renames it into place, so a
/// failure never leaves a partial file at `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}
