//! PDF read back with qpdf and poppler: valid, every cell's text there,
//! header on every page, nothing off the page or over other text.

mod common;

use common::*;
use exporter_core::{
    ExportOptions, Format, Orientation, PageSize, Table, export, export_with_warnings,
};

fn write_pdf(
    dir: &Scratch,
    name: &str,
    table: &Table,
    options: &ExportOptions,
) -> std::path::PathBuf {
    let bytes = export(table, options).unwrap();
    let path = dir.path(name);
    std::fs::write(&path, bytes).unwrap();
    qpdf_check(&path);
    path
}

fn fonts(options: ExportOptions) -> ExportOptions {
    options
        .font(std::fs::read(DEJAVU).expect("fonts-dejavu-core"))
        .font(std::fs::read(NOTO_CJK).expect("fonts-noto-cjk"))
}

#[test]
fn three_thousand_rows_have_every_cell_and_a_header_on_every_page() {
    let dir = Scratch::new("pdf-3000");
    let table = sample_table(3000, 5).with_title("Three thousand rows");
    let path = write_pdf(&dir, "t.pdf", &table, &ExportOptions::new(Format::Pdf));
    let pages = pdf_pages_text(&path);
    assert!(pages.len() > 20, "{} pages", pages.len());
    let total = pages.len();
    for (i, page) in pages.iter().enumerate() {
        for h in table.headers() {
            assert!(page.contains(h.as_str()), "page {} lacks header {h}", i + 1);
        }
        assert!(
            page.contains(&format!("Page {} of {total}", i + 1)),
            "page {} footer",
            i + 1
        );
    }
    assert!(pages[0].contains("Three thousand rows"));
    let all: Vec<&str> = pages.iter().flat_map(|p| words(p)).collect();
    let mut expected = Vec::new();
    let cells: Vec<String> = (0..table.row_count())
        .flat_map(|r| (0..5).map(move |c| (r, c)))
        .map(|(r, c)| shown(table.cell(r, c)))
        .collect();
    for text in &cells {
        expected.extend(words(text));
    }
    let mut present = std::collections::HashSet::new();
    present.extend(all.iter().copied());
    for w in &expected {
        assert!(present.contains(w), "{w} is not in the PDF text");
    }
    assert_words_inside_and_apart(&path);
}

#[test]
fn sixty_columns_continue_on_following_pages_never_cut() {
    let dir = Scratch::new("pdf-60");
    let sample = sample_table(40, 60);
    let headers = (1..=60).map(|c| format!("Hdr{c}")).collect();
    let rows = (0..40).map(|r| sample.row(r).to_vec()).collect();
    let table = Table::new(headers, rows).unwrap();
    let path = write_pdf(&dir, "t.pdf", &table, &ExportOptions::new(Format::Pdf));
    let (pages, boxes) = pdf_word_boxes(&path);
    assert!(
        pages[0].0 > pages[0].1,
        "auto orientation should turn the page"
    );
    assert!(pages.len() >= 2, "60 columns cannot fit one page");
    // Each page shows the headers of its column group: a page either
    // repeats the previous page's headers (more rows) or starts the next
    // columns; the first column repeats everywhere to identify rows.
    let per_page: Vec<Vec<&str>> = (0..pages.len())
        .map(|p| {
            boxes
                .iter()
                .filter(|b| b.page == p && b.text.starts_with("Hdr"))
                .map(|b| b.text.as_str())
                .collect()
        })
        .map(|mut h: Vec<&str>| {
            h.sort_unstable();
            h
        })
        .collect();
    let mut seen = Vec::new();
    for (p, headers) in per_page.iter().enumerate() {
        assert!(
            headers.contains(&"Hdr1"),
            "page {} lacks the first column",
            p + 1
        );
        if p == 0 || headers != &per_page[p - 1] {
            for h in headers.iter().filter(|h| **h != "Hdr1") {
                assert!(!seen.contains(h), "{h} printed in two column groups");
                seen.push(*h);
            }
        }
    }
    assert_eq!(seen.len(), 59, "every column appears: {seen:?}");
    let text = pdf_pages_text(&path).join("\n");
    for r in 0..table.row_count() {
        for c in 0..60 {
            for w in words(&shown(table.cell(r, c))) {
                assert!(text.contains(w), "row {r} column {c}: {w} missing");
            }
        }
    }
    assert_words_inside_and_apart(&path);
}

#[test]
fn a_four_hundred_word_cell_wraps_and_reads_in_order() {
    let dir = Scratch::new("pdf-400");
    let long: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
    let long = long.join(" ");
    let table = Table::new(
        vec!["Id".into(), "Essay".into(), "Score".into()],
        vec![
            vec!["a".into(), long.clone().into(), 1.into()],
            vec!["b".into(), "short".into(), 2.into()],
        ],
    )
    .unwrap();
    let path = write_pdf(&dir, "t.pdf", &table, &ExportOptions::new(Format::Pdf));
    let text = pdf_pages_text(&path).join("\n");
    assert!(
        is_subsequence(&words(&long), &words(&text)),
        "the long cell lost or reordered words"
    );
    assert_words_inside_and_apart(&path);
}

#[test]
fn a_cell_taller_than_a_page_continues_on_the_next() {
    let dir = Scratch::new("pdf-tall");
    let lines: Vec<String> = (0..150).map(|i| format!("line{i}")).collect();
    let table = Table::new(
        vec!["Id".into(), "Log".into()],
        vec![vec!["x".into(), lines.join("\n").into()]],
    )
    .unwrap();
    let path = write_pdf(&dir, "t.pdf", &table, &ExportOptions::new(Format::Pdf));
    let pages = pdf_pages_text(&path);
    assert!(pages.len() >= 2);
    for p in &pages {
        assert!(p.contains("Log"), "header repeated");
    }
    assert!(is_subsequence(
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
        &words(&pages.join("\n"))
    ));
    assert_words_inside_and_apart(&path);
}

#[test]
fn greek_cyrillic_and_cjk_are_embedded_searchable_text() {
    let dir = Scratch::new("pdf-unicode");
    let table = Table::from_json(
        r#"{"title": "Отчёт — 報告", "headers": ["Имя", "Город", "備考"],
            "rows": [["Σωκράτης", "Αθήνα", "東京都渋谷区の説明"], ["Пётр", "Москва", "中文测试 한국어"], ["Plain", "Latin", "€ and ü"]]}"#,
    )
    .unwrap();
    let path = write_pdf(
        &dir,
        "u.pdf",
        &table,
        &fonts(ExportOptions::new(Format::Pdf)),
    );
    let text = pdf_pages_text(&path).join("\n");
    for w in [
        "Отчёт",
        "報告",
        "Имя",
        "Город",
        "備考",
        "Σωκράτης",
        "Αθήνα",
        "東京都渋谷区の説明",
        "Пётр",
        "Москва",
        "中文测试",
        "한국어",
        "€",
        "ü",
    ] {
        assert!(text.contains(w), "{w} not recoverable from:\n{text}");
    }
    let (ok, fonts, _) = run("pdffonts", &[path.to_str().unwrap()]);
    assert!(ok);
    let embedded: Vec<&str> = fonts.lines().filter(|l| l.contains("Identity-H")).collect();
    assert_eq!(embedded.len(), 2, "{fonts}");
    for l in embedded {
        let cols: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "emb sub uni: {l}"
        );
    }
    assert_words_inside_and_apart(&path);
}

#[test]
fn missing_glyph_is_a_replacement_and_a_warning_or_under_strict_an_error() {
    let table =
        Table::from_json(r#"{"headers": ["a", "b"], "rows": [["ok", "ok"], ["ok", "Привет"]]}"#)
            .unwrap();
    let strict = ExportOptions::new(Format::Pdf).strict(true);
    let err = export(&table, &strict).unwrap_err();
    assert_eq!(err.code(), "MISSING_GLYPH");
    assert_eq!(
        err.to_string(),
        "row 2, column 2: no font has the character 'П' (U+041F); pass a font that covers it (--font FILE, or `fonts` in the options)"
    );
    let dejavu_only = ExportOptions::new(Format::Pdf).font(std::fs::read(DEJAVU).unwrap());
    let cjk = Table::from_json(r#"{"headers": ["漢"], "rows": [["a漢b"]]}"#).unwrap();
    let err = export(&cjk, &dejavu_only.clone().strict(true)).unwrap_err();
    assert_eq!(
        err.to_string().split(';').next().unwrap(),
        "header of column 1: no font has the character '漢' (U+6F22)"
    );

    // Not strict: the file is made, each cell missing a glyph is named once,
    // and the character is drawn as a visible replacement, never dropped.
    let dir = Scratch::new("pdf-missing-glyph");
    let out =
        export_with_warnings(&table, &ExportOptions::new(Format::Pdf), &mut |_, _| {}).unwrap();
    let shown: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "row 2, column 2: no font has the character 'П' (U+041F); drawn as '?' (pass a font that covers it: --font FILE, or `fonts` in the options)"
        ]
    );
    assert_eq!(out.warnings[0].code, "MISSING_GLYPH");
    let path = dir.path("latin.pdf");
    std::fs::write(&path, &out.bytes).unwrap();
    qpdf_check(&path);
    assert!(pdf_pages_text(&path)[0].contains("??????"));

    // With a font that has U+FFFD, that is the replacement.
    let out = export_with_warnings(&cjk, &dejavu_only, &mut |_, _| {}).unwrap();
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert!(out.warnings[1].to_string().starts_with(
        "row 1, column 1: no font has the character '漢' (U+6F22); drawn as '\u{fffd}'"
    ));
    let path = dir.path("cjk.pdf");
    std::fs::write(&path, &out.bytes).unwrap();
    qpdf_check(&path);
    assert!(pdf_pages_text(&path)[0].contains("a\u{fffd}b"));
}

#[test]
fn invisible_format_characters_need_no_glyph() {
    // Bidi controls and isolates, the Arabic letter mark, the Mongolian
    // vowel separator, tag characters (as in the flag of England),
    // variation selectors, ZWSP, ZWJ, ZWNJ, word joiner, BOM: Unicode's
    // default-ignorable code points, which no font needs to draw.
    let cells = [
        "\u{2066}left\u{2069} \u{2067}right\u{2069} \u{2068}first\u{2069}",
        "a\u{061C}b\u{180E}c",
        "flag\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
        "star\u{FE0F}\u{FE0E} x\u{200B}y\u{200D}z\u{200C}w\u{2060}v\u{FEFF}u",
        "\u{200E}mark\u{200F} \u{202A}embed\u{202C} \u{2062}",
    ];
    let rows: Vec<Vec<exporter_core::Cell>> = cells
        .iter()
        .map(|c| vec![exporter_core::Cell::String((*c).into())])
        .collect();
    let table = Table::new(vec!["text".into()], rows).unwrap();
    let dir = Scratch::new("pdf-ignorable");
    for (name, options) in [
        ("builtin.pdf", ExportOptions::new(Format::Pdf).strict(true)),
        (
            "dejavu.pdf",
            fonts(ExportOptions::new(Format::Pdf)).strict(true),
        ),
    ] {
        let path = write_pdf(&dir, name, &table, &options);
        let text = pdf_pages_text(&path).join("");
        for word in [
            "left", "right", "first", "abc", "flag", "star", "xyzwvu", "mark", "embed",
        ] {
            assert!(text.contains(word), "{name}: {word} not in {text:?}");
        }
    }
}

#[test]
fn a_soft_hyphen_shows_only_where_the_line_breaks() {
    let dir = Scratch::new("pdf-shy");
    let word = "Donau\u{AD}dampf\u{AD}schiff\u{AD}fahrts\u{AD}gesell\u{AD}schaft";
    // One line: the soft hyphens are invisible.
    let wide = Table::new(
        vec!["word".into()],
        vec![vec![exporter_core::Cell::String(word.into())]],
    )
    .unwrap();
    let path = write_pdf(&dir, "wide.pdf", &wide, &ExportOptions::new(Format::Pdf));
    let text = pdf_pages_text(&path).join("");
    assert!(
        text.contains("Donaudampfschifffahrtsgesellschaft"),
        "{text:?}"
    );
    assert!(!text.contains('-'), "{text:?}");
    // A narrow column (the other columns take the width): the word
    // breaks at its soft hyphens, each broken line ending in a hyphen.
    let filler = "x ".repeat(400);
    let narrow = Table::new(
        vec!["word".into(), "a".into(), "b".into(), "c".into()],
        vec![vec![
            exporter_core::Cell::String(word.into()),
            exporter_core::Cell::String(filler.clone()),
            exporter_core::Cell::String(filler.clone()),
            exporter_core::Cell::String(filler),
        ]],
    )
    .unwrap();
    let path = write_pdf(
        &dir,
        "narrow.pdf",
        &narrow,
        &ExportOptions::new(Format::Pdf),
    );
    let (_, boxes) = pdf_word_boxes(&path);
    let pieces: Vec<&str> = boxes
        .iter()
        .map(|b| b.text.as_str())
        // Not the filler, the headers or the footer's "Page 1 of 1".
        .filter(|t| t.len() > 1 && !t.starts_with('x') && !["word", "Page", "of"].contains(t))
        .collect();
    assert!(pieces.len() > 1, "{pieces:?}");
    let joined: String = pieces.concat();
    assert_eq!(
        joined.replace('-', ""),
        "Donaudampfschifffahrtsgesellschaft",
        "{pieces:?}"
    );
    for p in &pieces[..pieces.len() - 1] {
        assert!(p.ends_with('-'), "{pieces:?}");
    }
    assert!(!pieces.last().unwrap().ends_with('-'));
}

#[test]
fn page_sizes_and_orientation_are_honoured() {
    let dir = Scratch::new("pdf-sizes");
    let table = sample_table(3, 3);
    for (size, w, h) in [
        (PageSize::A4, 595.28, 841.89),
        (PageSize::Letter, 612.0, 792.0),
        (PageSize::Legal, 612.0, 1008.0),
    ] {
        let path = write_pdf(
            &dir,
            "p.pdf",
            &table,
            &ExportOptions::new(Format::Pdf).page_size(size),
        );
        let (pages, _) = pdf_word_boxes(&path);
        assert!(
            (pages[0].0 - w).abs() < 0.1 && (pages[0].1 - h).abs() < 0.1,
            "{pages:?}"
        );
        let path = write_pdf(
            &dir,
            "l.pdf",
            &table,
            &ExportOptions::new(Format::Pdf)
                .page_size(size)
                .orientation(Orientation::Landscape),
        );
        let (pages, _) = pdf_word_boxes(&path);
        assert!((pages[0].0 - h).abs() < 0.1, "{pages:?}");
    }
}

#[test]
fn content_streams_are_compressed() {
    let bytes = export(&sample_table(2000, 8), &ExportOptions::new(Format::Pdf)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let streams = text.matches("endstream").count();
    let flate = text.matches("/FlateDecode").count();
    assert!(
        streams > 10 && flate >= streams,
        "{flate} of {streams} streams compressed"
    );
}
