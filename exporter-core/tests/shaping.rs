//! Complex scripts in the PDF, against HarfBuzz itself: the glyphs drawn
//! (as `mutool trace` reads them) are the glyphs `hb-shape` picks for the
//! same text and font, in the same places; right-to-left text runs right
//! to left and sits at the right of its cell; pdftotext and PDFium give
//! back the logical text.

mod common;

use common::*;
use exporter_core::{Cell, ExportOptions, Format, Table, export};

const NOTO: &str = "/usr/share/fonts/truetype/noto";

fn noto(name: &str) -> String {
    format!("{NOTO}/{name}")
}

/// A one-cell table (header `x`, which Helvetica draws) with `text`,
/// exported with `font` alone; the PDF's path.
fn one_cell(dir: &Scratch, name: &str, text: &str, font: &str) -> std::path::PathBuf {
    let table = Table::new(vec!["x".into()], vec![vec![Cell::String(text.into())]]).unwrap();
    let options = ExportOptions::new(Format::Pdf)
        .font(std::fs::read(font).expect("fonts-noto-core"))
        .strict(true);
    let path = dir.path(name);
    std::fs::write(&path, export(&table, &options).unwrap()).unwrap();
    qpdf_check(&path);
    path
}

/// A glyph as `mutool trace` shows it: name, origin in points (y down),
/// and the text it reads as.
#[derive(Debug)]
struct Traced {
    font: String,
    glyph: Option<String>,
    unicode: String,
    x: f64,
    y: f64,
}

fn attr(line: &str, name: &str) -> Option<String> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + line[start..].find('"')?;
    Some(line[start..end].to_owned())
}

fn trace(path: &std::path::Path) -> Vec<Traced> {
    let (ok, out, err) = run("mutool", &["trace", path.to_str().unwrap()]);
    assert!(ok, "mutool trace: {err}");
    let mut font = String::new();
    let mut glyphs = Vec::new();
    for line in out.lines() {
        if line.trim_start().starts_with("<span ") {
            font = attr(line, "font").unwrap_or_default();
        } else if line.trim_start().starts_with("<g ") {
            glyphs.push(Traced {
                font: font.clone(),
                glyph: attr(line, "glyph"),
                unicode: attr(line, "unicode").unwrap_or_default(),
                x: attr(line, "x").unwrap().parse().unwrap(),
                y: attr(line, "y").unwrap().parse().unwrap(),
            });
        }
    }
    glyphs
}

/// `hb-shape`'s glyphs: name, offset and advance in font units.
fn hb_shape(font: &str, text: &str) -> Vec<(String, f64, f64, f64)> {
    let (ok, out, err) = run(
        "hb-shape",
        &["--remove-default-ignorables", "--no-clusters", font, text],
    );
    assert!(ok, "hb-shape: {err}");
    let body = out.trim().trim_start_matches('[').trim_end_matches(']');
    body.split('|')
        .map(|g| {
            let (name, rest) = g.split_once(['@', '+']).unwrap();
            let (offset, advance) = if let Some(offset) = g.split_once('@').map(|(_, r)| r) {
                let (offset, advance) = offset.split_once('+').unwrap();
                (offset.to_owned(), advance.to_owned())
            } else {
                ("0,0".to_owned(), rest.to_owned())
            };
            let (dx, dy) = offset.split_once(',').unwrap();
            (
                name.to_owned(),
                dx.parse().unwrap(),
                dy.parse().unwrap(),
                advance.parse().unwrap(),
            )
        })
        .collect()
}

/// The font's units per em, from its `head` table.
fn units_per_em(font: &str) -> f64 {
    let data = std::fs::read(font).unwrap();
    let tables = u16::from_be_bytes([data[4], data[5]]) as usize;
    for t in 0..tables {
        let record = &data[12 + 16 * t..28 + 16 * t];
        if &record[..4] == b"head" {
            let offset = u32::from_be_bytes(record[8..12].try_into().unwrap()) as usize;
            return f64::from(u16::from_be_bytes([data[offset + 18], data[offset + 19]]));
        }
    }
    panic!("{font} has no head table");
}

#[test]
fn glyphs_are_the_ones_harfbuzz_picks_in_the_same_places() {
    let dir = Scratch::new("shaping-hb");
    let cases = [
        // Arabic: joining forms, the lam-alef ligature.
        ("NotoSansArabic-Regular.ttf", "السلام عليكم"),
        ("NotoSansArabic-Regular.ttf", "لا إله إلا"),
        // Persian, with a zero-width non-joiner inside a word.
        ("NotoSansArabic-Regular.ttf", "می\u{200C}خواهم کتاب"),
        // Hebrew with and without points.
        ("NotoSansHebrew-Regular.ttf", "שָׁלוֹם עוֹלָם"),
        ("NotoSansHebrew-Regular.ttf", "שלום עולם"),
        // Devanagari: conjuncts, the i-matra before its consonant.
        ("NotoSansDevanagari-Regular.ttf", "क्षत्रिय हिन्दी किताब"),
        // Thai: marks above and below.
        ("NotoSansThai-Regular.ttf", "สวัสดีครับ ภาษาไทย"),
    ];
    for (n, (font, text)) in cases.iter().enumerate() {
        let font = noto(font);
        let path = one_cell(&dir, &format!("{n}.pdf"), text, &font);
        let drawn: Vec<Traced> = trace(&path)
            .into_iter()
            // The cell's glyphs, not the footer's (drawn in the body's font
            // too, near the page's foot).
            .filter(|g| g.font.contains("Noto") && g.glyph.is_some() && g.y > 100.0)
            .collect();
        let expected = hb_shape(&font, text);
        let names: Vec<&str> = drawn.iter().map(|g| g.glyph.as_deref().unwrap()).collect();
        let hb_names: Vec<&str> = expected.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(names, hb_names, "{text}: glyphs");
        // Where each glyph sits, relative to the first, at 9 pt.
        let scale = 9.0 / units_per_em(&font);
        let mut pen = 0.0;
        let origins: Vec<(f64, f64)> = expected
            .iter()
            .map(|(_, dx, dy, advance)| {
                let at = (pen + dx, *dy);
                pen += advance;
                at
            })
            .collect();
        for (k, (g, (ox, oy))) in drawn.iter().zip(&origins).enumerate() {
            let x = (g.x - drawn[0].x) - (ox - origins[0].0) * scale;
            let y = (g.y - drawn[0].y) + (oy - origins[0].1) * scale;
            assert!(
                x.abs() < 0.02 && y.abs() < 0.02,
                "{text}: glyph {k} ({:?}) is {x:.3} pt, {y:.3} pt from where HarfBuzz puts it",
                g.glyph
            );
        }
    }
}

#[test]
fn right_to_left_runs_right_to_left_and_reads_back_in_logical_order() {
    let dir = Scratch::new("shaping-rtl");
    let arabic = noto("NotoSansArabic-Regular.ttf");
    let hebrew = noto("NotoSansHebrew-Regular.ttf");
    let devanagari = noto("NotoSansDevanagari-Regular.ttf");
    // Text that reads back whole through pdftotext and PDFium.
    let thai = noto("NotoSansThai-Regular.ttf");
    for (font, text) in [
        (&arabic, "السلام عليكم لا إله"),
        (&hebrew, "שלום עולם"),
        (&hebrew, "שָׁלוֹם עוֹלָם"),
        (&devanagari, "क्षत्रिय हिन्दी किताब"),
        (&thai, "สวัสดีครับ ภาษาไทย"),
    ] {
        let path = one_cell(&dir, "back.pdf", text, font);
        let poppler: String = pdf_pages_text(&path)
            .join("")
            .chars()
            // pdftotext marks embeddings (U+202A-202E) around runs.
            .filter(|c| !('\u{202A}'..='\u{202E}').contains(c))
            .collect();
        assert!(
            poppler.contains(text),
            "pdftotext: {poppler:?} lacks {text:?}"
        );
    }

    // A right-to-left paragraph with numbers, brackets and Latin: the
    // runs go right to left, each in its own direction, and the cell's
    // text ends at its right edge.
    let text = "مرحبا 123 (نص) abc";
    let path = one_cell(&dir, "mixed.pdf", text, &arabic);
    // The cell's line: Arabic and digits from Noto, Latin and brackets
    // from Helvetica.
    let all = trace(&path);
    let line = all.iter().find(|g| g.unicode == "م").unwrap().y;
    let glyphs: Vec<&Traced> = all.iter().filter(|g| (g.y - line).abs() < 1.0).collect();
    let x_of = |s: &str| -> f64 {
        glyphs
            .iter()
            .find(|g| g.unicode == s)
            .unwrap_or_else(|| panic!("{s} not drawn: {glyphs:?}"))
            .x
    };
    // Visual order, left to right: abc (نص) 123 مرحبا
    assert!(
        x_of("a") < x_of("b") && x_of("b") < x_of("c"),
        "abc runs left to right"
    );
    assert!(x_of("c") < x_of("ن"), "abc is left of نص");
    assert!(
        x_of("1") < x_of("2") && x_of("2") < x_of("3"),
        "digits run left to right"
    );
    assert!(x_of("ص") < x_of("ن"), "نص runs right to left");
    assert!(x_of("ن") < x_of("1"), "نص is left of 123");
    assert!(x_of("3") < x_of("م"), "123 is left of مرحبا");
    // Brackets are mirrored right to left: the glyph left of نص is `(`,
    // the one right of it `)`, as the reader sees them.
    let mut brackets: Vec<&&Traced> = glyphs
        .iter()
        .filter(|g| g.unicode == "(" || g.unicode == ")")
        .collect();
    brackets.sort_by(|a, b| a.x.total_cmp(&b.x));
    let shapes: Vec<&str> = brackets.iter().map(|g| g.unicode.as_str()).collect();
    assert_eq!(shapes, ["(", ")"]);
    assert!(brackets[0].x < x_of("ص") && x_of("ن") < brackets[1].x);
    // Right-aligned: the cell's rightmost glyph ends near the column's
    // right edge (the page's right margin, with one column).
    let (sizes, words) = pdf_word_boxes(&path);
    let right = words
        .iter()
        .filter(|w| w.text != "x" && !w.text.starts_with("Page") && w.text != "of" && w.text != "1")
        .map(|w| w.x1)
        .fold(0.0, f64::max);
    let left_of_x = words.iter().find(|w| w.text == "x").unwrap().x0;
    let page_width = sizes[0].0;
    assert!(
        (page_width - right) - left_of_x < 12.0,
        "right edge at {right} of {page_width}, left margin {left_of_x}"
    );
}

#[test]
fn shaped_text_in_a_narrow_column_stays_inside_it() {
    // Many cells of Arabic and Devanagari in narrow columns: every word
    // inside its page and apart from the others (as for Latin text).
    let dir = Scratch::new("shaping-narrow");
    let row = |i: usize| {
        vec![
            Cell::String(format!("السلام عليكم ورحمة الله وبركاته {i}")),
            Cell::String(format!("क्षत्रिय हिन्दी किताब पुस्तकालय {i}")),
            Cell::String("שָׁלוֹם עוֹלָם ומה שלומך היום".into()),
        ]
    };
    let table = Table::new(
        vec!["عربي".into(), "हिन्दी".into(), "עברית".into()],
        (0..60).map(row).collect(),
    )
    .unwrap();
    let options = ExportOptions::new(Format::Pdf)
        .font(std::fs::read(noto("NotoSansArabic-Regular.ttf")).unwrap())
        .font(std::fs::read(noto("NotoSansDevanagari-Regular.ttf")).unwrap())
        .font(std::fs::read(noto("NotoSansHebrew-Regular.ttf")).unwrap())
        .strict(true)
        .margins(exporter_core::Margins::uniform(200.0));
    let path = dir.path("narrow.pdf");
    std::fs::write(&path, export(&table, &options).unwrap()).unwrap();
    qpdf_check(&path);
    // pdftotext's word boxes span each font's whole ascent and descent,
    // which for these fonts is near twice the line height; words on one
    // line must not overlap, nor leave the page.
    let (pages, words) = pdf_word_boxes(&path);
    for w in &words {
        let (pw, ph) = pages[w.page];
        assert!(
            w.x0 >= 0.0 && w.x1 <= pw && w.y0 >= 0.0 && w.y1 <= ph,
            "{w:?}"
        );
    }
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            let same_line = a.page == b.page && ((a.y0 + a.y1) - (b.y0 + b.y1)).abs() < 4.0;
            let x = a.x1.min(b.x1) - a.x0.max(b.x0);
            assert!(!same_line || x <= 0.5, "words overlap: {a:?} and {b:?}");
        }
    }
    assert!(words.len() > 60 * 10, "{} words", words.len());
}

#[test]
fn headers_use_the_bold_face_given_and_stroke_only_without_one() {
    let dir = Scratch::new("shaping-bold");
    let dejavu = "/usr/share/fonts/truetype/dejavu";
    let table = Table::from_json(
        r#"{"headers": ["Имя", "Город"], "rows": [["Привет", "Москва"], ["Ёж", "Тверь"]]}"#,
    )
    .unwrap();
    let font = |name: &str| std::fs::read(format!("{dejavu}/{name}")).unwrap();
    // The bold face given first: it draws the headers, and only them.
    let options = ExportOptions::new(Format::Pdf)
        .font(font("DejaVuSans-Bold.ttf"))
        .font(font("DejaVuSans.ttf"))
        .strict(true);
    let path = dir.path("bold.pdf");
    std::fs::write(&path, export(&table, &options).unwrap()).unwrap();
    qpdf_check(&path);
    let glyphs = trace(&path);
    let font_of = |text: &str| -> Vec<&str> {
        let first = text.chars().next().unwrap().to_string();
        glyphs
            .iter()
            .filter(|g| g.unicode == first)
            .map(|g| g.font.split('+').nth(1).unwrap_or(&g.font))
            .collect()
    };
    assert_eq!(font_of("Имя"), ["DejaVuSans-Bold"]);
    assert_eq!(font_of("Город"), ["DejaVuSans-Bold"]);
    for body in ["Привет", "Москва", "Ёж", "Тверь"] {
        assert_eq!(font_of(body), ["DejaVuSans"], "{body}");
    }
    let (_, out, _) = run("mutool", &["trace", path.to_str().unwrap()]);
    assert!(!out.contains("<stroke_text"), "no synthetic bold: {out}");
    // The footer is in the body's font too.
    assert_eq!(font_of("Page"), ["DejaVuSans"]);
    let text = pdf_pages_text(&path).join("");
    for word in ["Имя", "Город", "Привет", "Тверь"] {
        assert!(text.contains(word), "{word} in {text:?}");
    }

    // With no bold face, bold is synthesised (stroked) as a last resort.
    let options = ExportOptions::new(Format::Pdf).font(font("DejaVuSans.ttf"));
    let path = dir.path("regular.pdf");
    std::fs::write(&path, export(&table, &options).unwrap()).unwrap();
    let (_, out, _) = run("mutool", &["trace", path.to_str().unwrap()]);
    assert!(out.contains("<stroke_text"));
}

#[test]
fn narrow_columns_break_between_words_and_never_inside_a_cluster() {
    // Thai has no spaces: its lines end between dictionary words. A
    // Devanagari word wider than the column breaks between clusters, so
    // no line starts with a vowel sign or a virama. Each reads back whole.
    let dir = Scratch::new("shaping-breaks");
    let thai = "ภาษาไทยเป็นภาษาราชการของประเทศไทยและเป็นภาษาแม่ของชาวไทย";
    let hindi = "क्षत्रियक्षत्रियक्षत्रियक्षत्रियक्षत्रियक्षत्रिय";
    let table = Table::new(
        vec!["x".into()],
        vec![
            vec![Cell::String(thai.into())],
            vec![Cell::String(hindi.into())],
        ],
    )
    .unwrap();
    let options = ExportOptions::new(Format::Pdf)
        .font(std::fs::read(noto("NotoSansThai-Regular.ttf")).unwrap())
        .font(std::fs::read(noto("NotoSansDevanagari-Regular.ttf")).unwrap())
        .strict(true)
        .margins(exporter_core::Margins::uniform(225.0));
    let path = dir.path("breaks.pdf");
    std::fs::write(&path, export(&table, &options).unwrap()).unwrap();
    qpdf_check(&path);
    let text = pdf_pages_text(&path).concat();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "x" && !l.starts_with("Page "))
        .collect();
    assert_eq!(lines.concat(), format!("{thai}{hindi}"), "{lines:?}");
    assert!(lines.len() >= 4, "{lines:?}");
    let thai_words = [
        "ภาษา",
        "ไทย",
        "เป็น",
        "ราชการ",
        "ของ",
        "ประเทศ",
        "และ",
        "แม่",
        "ชาว",
    ];
    for line in &lines {
        let first = line.chars().next().unwrap();
        assert!(
            !matches!(u32::from(first), 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x093A..=0x094F | 0x0962..=0x0963),
            "a line starts inside a cluster: {line:?}"
        );
        if first.is_alphabetic() && ('\u{0E00}'..='\u{0E7F}').contains(&first) {
            assert!(
                thai_words.iter().any(|w| line.starts_with(w)),
                "{line:?} starts mid-word"
            );
        }
    }
}

#[test]
fn a_colour_bitmap_font_in_the_chain_is_left_out_with_a_warning() {
    // Debian's Noto Color Emoji has only CBDT bitmaps: no outlines a PDF
    // can embed. It is skipped (a warning naming it), the next font draws
    // what it can, and a character no font has is the usual warning.
    let dir = Scratch::new("shaping-colour-font");
    let emoji = std::fs::read(noto("NotoColorEmoji.ttf")).expect("fonts-noto-color-emoji");
    let dejavu = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").unwrap();
    let table =
        Table::from_json(r#"{"headers": ["name", "mood"], "rows": [["Ёжик", "😀 🦀 ok"]]}"#)
            .unwrap();
    let options = ExportOptions::new(Format::Pdf).font(emoji).font(dejavu);
    let out = exporter_core::export_with_warnings(&table, &options, &mut |_, _| {}).unwrap();
    let messages: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        out.warnings[0].location,
        exporter_core::Location::Font { index: 1 }
    );
    assert_eq!(out.warnings[0].code, "INVALID_FONT");
    assert!(
        messages[0].starts_with("font 1: has only bitmap glyphs"),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("row 1, column 2:")),
        "the emoji no font draws is named: {messages:?}"
    );
    let path = dir.path("emoji.pdf");
    std::fs::write(&path, &out.bytes).unwrap();
    qpdf_check(&path);
    let text = pdf_pages_text(&path).concat();
    assert!(text.contains("Ёжик") && text.contains("ok"), "{text:?}");
    let (_, fonts, _) = run("pdffonts", &[path.to_str().unwrap()]);
    assert!(
        fonts.contains("DejaVuSans") && !fonts.contains("Emoji"),
        "{fonts}"
    );

    // Strict: the font that cannot be kept is the error, named.
    let err = export(&table, &options.clone().strict(true)).unwrap_err();
    assert_eq!(err.code(), "INVALID_FONT");
    assert!(
        err.to_string()
            .starts_with("font 1: has only bitmap glyphs"),
        "{err}"
    );
}
