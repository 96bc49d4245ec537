//! Helpers for reading our files back with readers we did not write.
#![allow(dead_code)]

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use exporter_core::{Cell, Table};

pub const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
pub const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// A scratch directory removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("rowpress-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs an installed tool; a missing tool fails the test (scripts/setup.sh installs them).
pub fn run(program: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is not runnable ({e}); run scripts/setup.sh"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `qpdf --check` passes.
pub fn qpdf_check(path: &Path) {
    let (ok, out, err) = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(ok, "qpdf --check failed:\n{out}\n{err}");
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
}

/// The text of each page, as poppler's pdftotext reads it.
pub fn pdf_pages_text(path: &Path) -> Vec<String> {
    let (ok, out, err) = run("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(ok, "pdftotext failed: {err}");
    let mut pages: Vec<String> = out.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// A word's box on a page, in points from the top left.
#[derive(Debug, Clone)]
pub struct WordBox {
    pub page: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

/// Page sizes and word boxes from `pdftotext -bbox`.
pub fn pdf_word_boxes(path: &Path) -> (Vec<(f64, f64)>, Vec<WordBox>) {
    let (ok, out, err) = run("pdftotext", &["-bbox", path.to_str().unwrap(), "-"]);
    assert!(ok, "pdftotext -bbox failed: {err}");
    let attr = |line: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let start = line.find(&key).unwrap() + key.len();
        let end = line[start..].find('"').unwrap() + start;
        line[start..end].parse().unwrap()
    };
    let mut pages = Vec::new();
    let mut words = Vec::new();
    for line in out.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            pages.push((attr(line, "width"), attr(line, "height")));
        } else if line.starts_with("<word ") {
            let text_start = line.find('>').unwrap() + 1;
            let text_end = line.rfind("</word>").unwrap();
            words.push(WordBox {
                page: pages.len() - 1,
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text: line[text_start..text_end].to_owned(),
            });
        }
    }
    (pages, words)
}

/// Asserts no word leaves its page or overlaps another word.
pub fn assert_words_inside_and_apart(path: &Path) {
    let (pages, words) = pdf_word_boxes(path);
    assert!(!pages.is_empty());
    for w in &words {
        let (pw, ph) = pages[w.page];
        assert!(
            w.x0 >= 0.0 && w.y0 >= 0.0 && w.x1 <= pw && w.y1 <= ph,
            "word outside page {}: {w:?} (page {pw}x{ph})",
            w.page + 1
        );
    }
    for page in 0..pages.len() {
        let on: Vec<&WordBox> = words.iter().filter(|w| w.page == page).collect();
        for (i, a) in on.iter().enumerate() {
            for b in &on[i + 1..] {
                let x = a.x1.min(b.x1) - a.x0.max(b.x0);
                let y = a.y1.min(b.y1) - a.y0.max(b.y0);
                assert!(
                    x <= 0.5 || y <= 0.5,
                    "words overlap on page {}: {a:?} and {b:?}",
                    page + 1
                );
            }
        }
    }
}

/// The entries of a zip: name, compression method, and bytes.
pub fn unzip(bytes: &[u8]) -> Vec<(String, zip::CompressionMethod, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), f.compression(), data)
        })
        .collect()
}

/// The part `name` of a package, as text.
pub fn part(bytes: &[u8], name: &str) -> String {
    unzip(bytes)
        .into_iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, _, d)| String::from_utf8(d).unwrap())
        .unwrap_or_else(|| panic!("no part {name}"))
}

/// LibreOffice converts `path` to PDF without error; returns the PDF's path.
pub fn libreoffice_to_pdf(path: &Path, outdir: &Path) -> PathBuf {
    libreoffice_convert(path, outdir, "pdf", "pdf")
}

/// LibreOffice converts `path` with `filter` (`--convert-to`) into a file
/// ending `extension` in `outdir`, without error; returns its path.
pub fn libreoffice_convert(path: &Path, outdir: &Path, filter: &str, extension: &str) -> PathBuf {
    let profile = format!("file://{}/lo-profile", outdir.display());
    let (ok, out, err) = run(
        "soffice",
        &[
            &format!("-env:UserInstallation={profile}"),
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
            outdir.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
    );
    let converted = outdir.join(path.with_extension(extension).file_name().unwrap());
    assert!(
        ok && converted.exists(),
        "LibreOffice could not convert {}:\n{out}\n{err}",
        path.display()
    );
    converted
}

/// What calamine should read back from an XLSX cell holding `cell`: the
/// value, with line ends (CRLF, CR) as LF, as Excel's own cells hold them.
pub fn calamine_value(cell: &Cell) -> calamine::Data {
    match cell {
        Cell::Null => calamine::Data::Empty,
        Cell::Bool(b) => calamine::Data::Bool(*b),
        Cell::Number(n) => calamine::Data::Float(*n),
        Cell::String(s) if s.is_empty() => calamine::Data::Empty,
        Cell::String(s) => calamine::Data::String(s.replace("\r\n", "\n").replace('\r', "\n")),
        // Beyond 2^53: its digits, as text.
        Cell::Integer(digits) => calamine::Data::String(digits.clone()),
        other => panic!("no XLSX value known for {other:?}"),
    }
}

/// The text a cell should show in PDF and DOCX.
pub fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Bool(b) => b.to_string(),
        Cell::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{}", *n as i64)
            } else {
                format!("{n}")
            }
        }
        Cell::String(s) | Cell::Integer(s) => s.clone(),
        other => panic!("no text known for {other:?}"),
    }
}

/// A table of `rows` x `columns` mixing words, numbers, booleans and nulls,
/// the same every time.
pub fn sample_table(rows: usize, columns: usize) -> Table {
    let headers = (0..columns).map(|c| format!("Column {}", c + 1)).collect();
    let rows = (0..rows)
        .map(|r| {
            (0..columns)
                .map(|c| match (r + c) % 5 {
                    0 => Cell::from(format!("item-{r}-{c}")),
                    1 => Cell::Number((r * 7 + c) as f64 * 1.5),
                    2 => Cell::from(format!("word{r} text{c}")),
                    3 => Cell::Bool(r % 2 == 0),
                    _ => Cell::Null,
                })
                .collect()
        })
        .collect();
    Table::new(headers, rows).unwrap()
}

/// Words of `text` in order.
pub fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// Whether `needle` occurs in order inside `hay` (not necessarily contiguously).
pub fn is_subsequence(needle: &[&str], hay: &[&str]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|n| it.any(|h| h == n))
}
