//! The content stream of one page: title, header row, body rows, grid, footer.

use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Name, Str, TextStr};

use super::font_name;
use super::fonts::{FontChain, Glyph};
use super::plan::{FOOTER_SIZE, LEADING, PAD_X, PAD_Y, PageSpec, Plan, TITLE_SIZE, text_width_em};
use super::shape::{FontKey, ShapedLine};
use crate::Progress;
use crate::columns::Align;
use crate::columns::ColumnStyle;
use crate::layout::{self, Breaks, Metrics};
use crate::table::{Cell, Table};
use crate::text::cell_text;

const HEADER_FILL: (f32, f32, f32) = (0.851, 0.886, 0.953);
const GRID_GRAY: f32 = 0.65;
/// Height of capitals and ascenders above the baseline, in em (Helvetica's
/// ascender is 0.718; CJK faces reach about 0.88).
const ASCENT: f32 = 0.78;

/// The baseline of a line whose box (`size * LEADING` high) starts at `top`.
fn baseline(top: f32, size: f32) -> f32 {
    top - size * (LEADING - 1.0) / 2.0 - ASCENT * size
}

/// Which font the text state holds, to skip redundant `Tf` and `Tr`.
#[derive(Clone, Copy, PartialEq)]
struct TextState {
    font: Option<(FontKey, u32)>,
    fake_bold: bool,
    /// Start of the current text line in hundredths of a point, so the
    /// next line can move relative to it (`Td`, shorter than `Tm`).
    origin: Option<(i32, i32)>,
}

/// Office's hyperlink blue, for a link's text.
const LINK_BLUE: (f32, f32, f32) = (0.020, 0.388, 0.757);

/// A link on a page: where it is and where it goes.
pub(crate) struct PageLink {
    pub rect: pdf_writer::Rect,
    pub url: String,
}

pub(crate) struct Painter<'p, 'c, 'f> {
    pub plan: &'p Plan,
    pub table: &'p Table,
    pub chain: &'c mut FontChain<'f>,
    /// The table's column styles, read once.
    styles: Vec<ColumnStyle>,
    /// The links drawn on the page being drawn, for its annotations.
    pub links: Vec<PageLink>,
    /// Pages of the document before this plan's, and in all: the footer
    /// numbers pages across the sheets of a workbook.
    pub pages_before: usize,
    pub pages_total: usize,
    run: Vec<u8>,
    embedded_names: Vec<String>,
}

impl<'p, 'c, 'f> Painter<'p, 'c, 'f> {
    pub(crate) fn new(plan: &'p Plan, table: &'p Table, chain: &'c mut FontChain<'f>) -> Self {
        let embedded_names = (0..chain.embedded.len()).map(font_name::embedded).collect();
        Painter {
            plan,
            table,
            chain,
            links: Vec::new(),
            pages_before: 0,
            pages_total: plan.pages.len(),
            styles: (0..table.column_count())
                .map(|c| table.column_style(c))
                .collect(),
            run: Vec::with_capacity(256),
            embedded_names,
        }
    }

    /// The uncompressed content stream of page `index`.
    /// Rows count as done for `progress` as they are drawn.
    pub(crate) fn page(&mut self, index: usize, progress: &mut Progress<'_>) -> Vec<u8> {
        let plan = self.plan;
        let spec: &PageSpec = &plan.pages[index];
        let group = &plan.groups[spec.group];
        let leading = plan.leading();
        let mut content = Content::new();
        let mut state = TextState {
            font: None,
            fake_bold: false,
            origin: None,
        };

        let mut y = plan.top;
        let left = plan.left;
        let table_width: f32 = group.widths.iter().sum();
        let xs: Vec<f32> = group
            .widths
            .iter()
            .scan(left, |x, w| {
                let at = *x;
                *x += w;
                Some(at)
            })
            .collect();

        content.begin_text();
        if spec.has_title {
            let rtl = plan.title_lines.first().is_some_and(|l| layout::is_rtl(l));
            let align = if rtl { Align::Right } else { Align::Left };
            for line in &plan.title_lines {
                let at = baseline(y, TITLE_SIZE);
                self.text_line(
                    &mut content,
                    &mut state,
                    line,
                    (align, left, plan.content_width),
                    at,
                    TITLE_SIZE,
                    (true, rtl),
                );
                y -= TITLE_SIZE * LEADING;
            }
            y -= plan.title_height() - plan.title_lines.len() as f32 * TITLE_SIZE * LEADING;
        }
        content.end_text();

        // Header background first, so text and grid lie on top of it.
        let header_h = plan.header_height(spec.group);
        let table_top = y;
        let (r, g, b) = HEADER_FILL;
        content.set_fill_rgb(r, g, b);
        content.rect(left, y - header_h, table_width, header_h);
        content.fill_nonzero();
        content.set_fill_gray(0.0);

        let mut row_bottoms = Vec::with_capacity(spec.slices.len() + 1);
        content.begin_text();
        state.origin = None; // BT resets the text matrix
        for (&c, (&x, &w)) in group.columns.iter().zip(xs.iter().zip(&group.widths)) {
            let header = &self.table.headers()[c];
            // A header sits as its column asks, else over its cells.
            let align = self.styles[c].column_align();
            self.cell(
                &mut content,
                &mut state,
                (header, Breaks::Text),
                align,
                true,
                x,
                w,
                y,
                0,
                u32::MAX,
            );
        }
        y -= header_h;
        row_bottoms.push(y);
        for slice in &spec.slices {
            let row = slice.row as usize;
            for (&c, (&x, &w)) in group.columns.iter().zip(xs.iter().zip(&group.widths)) {
                let cell = self.table.cell(row, c);
                let align = self.styles[c].cell_align(cell);
                let link = match cell {
                    Cell::Link(link) => Some(link),
                    _ => None,
                };
                if link.is_some() {
                    let (r, g, b) = LINK_BLUE;
                    content.set_fill_rgb(r, g, b);
                }
                self.cell(
                    &mut content,
                    &mut state,
                    (&cell_text(cell), Breaks::of(self.styles[c].kind, cell)),
                    align,
                    false,
                    x,
                    w,
                    y,
                    slice.from,
                    slice.to,
                );
                if let Some(link) = link {
                    content.set_fill_gray(0.0);
                    // The whole of the cell's slice on this page follows it.
                    let bottom = y - (slice.to - slice.from) as f32 * leading - 2.0 * PAD_Y;
                    self.links.push(PageLink {
                        rect: pdf_writer::Rect::new(x, bottom, x + w, y),
                        url: link.url.clone(),
                    });
                }
            }
            y -= (slice.to - slice.from) as f32 * leading + 2.0 * PAD_Y;
            row_bottoms.push(y);
            // With column groups the rows are drawn once per group; report the
            // first pass only, so the count never runs backwards.
            if spec.group == 0 {
                progress.rows_done(row + 1);
            }
        }
        if state.fake_bold {
            content.set_text_rendering_mode(TextRenderingMode::Fill);
        }
        content.end_text();

        // The grid: a line under every row, and the column edges.
        content.set_stroke_gray(GRID_GRAY);
        content.set_line_width(0.5);
        content.move_to(left, table_top);
        content.line_to(left + table_width, table_top);
        for &yb in &row_bottoms {
            content.move_to(left, yb);
            content.line_to(left + table_width, yb);
        }
        for x in xs
            .iter()
            .copied()
            .chain(std::iter::once(left + table_width))
        {
            content.move_to(x, table_top);
            content.line_to(x, y);
        }
        content.stroke();

        // Footer, centred below the table area, in the body's font (an
        // embedded font that has the digits, else Helvetica).
        let footer = format!(
            "Page {} of {}",
            self.pages_before + index + 1,
            self.pages_total
        );
        let footer_y = plan.bottom / 2.0 - 0.35 * FOOTER_SIZE;
        content.set_fill_gray(0.3);
        content.begin_text();
        state.origin = None;
        self.text_line(
            &mut content,
            &mut state,
            &footer,
            (Align::Center, left, plan.content_width),
            footer_y,
            FOOTER_SIZE,
            (false, false),
        );
        content.end_text();
        content.finish().to_vec()
    }

    /// Lines `from..to` of `text` wrapped in the column at `x` of width `w`,
    /// whose row box starts at `top`. With no `align` of its column, text
    /// whose first strong character is right-to-left sits at the right.
    #[allow(clippy::too_many_arguments)]
    fn cell(
        &mut self,
        content: &mut Content,
        state: &mut TextState,
        (text, breaks): (&str, Breaks),
        align: Option<Align>,
        bold: bool,
        x: f32,
        w: f32,
        top: f32,
        from: u32,
        to: u32,
    ) {
        if text.is_empty() {
            return;
        }
        let size = self.plan.size;
        let leading = self.plan.leading();
        let width_em = text_width_em(w, size);
        let rtl = layout::is_rtl(text);
        let align = align.unwrap_or(if rtl { Align::Right } else { Align::Left });
        let mut lines: Vec<&str> = Vec::new();
        let mut n = 0u32;
        layout::wrap(text, breaks, width_em, bold, &*self.chain, |line| {
            if n >= from && n < to {
                lines.push(line);
            }
            n += 1;
        });
        for (i, line) in lines.into_iter().enumerate() {
            let y = baseline(top - PAD_Y - i as f32 * leading, size);
            let room = (x + PAD_X, w - 2.0 * PAD_X);
            self.text_line(
                content,
                state,
                line,
                (align, room.0, room.1),
                y,
                size,
                (bold, rtl),
            );
        }
    }

    /// One line at baseline `y`, placed as `align` says in the `room`
    /// (`x`, width) it has: shaped when it draws from an embedded font,
    /// else a character at a time. `style` is (bold, paragraph runs right
    /// to left).
    #[allow(clippy::too_many_arguments)]
    fn text_line(
        &mut self,
        content: &mut Content,
        state: &mut TextState,
        line: &str,
        (align, x, room): (Align, f32, f32),
        y: f32,
        size: f32,
        (bold, rtl): (bool, bool),
    ) {
        if self.chain.needs_shaping(line) {
            let shaped = self.chain.shape_line(line, bold, rtl);
            let width = shaped.width * size;
            // Lines are wrapped by the fonts' own advances; should shaping
            // make one wider than its room, it is condensed to fit.
            let squeeze = if width > room + 0.01 {
                room / width
            } else {
                1.0
            };
            let lx = match align {
                Align::Left => x,
                Align::Right => x + room - width * squeeze,
                Align::Center => x + (room - width * squeeze) / 2.0,
            };
            if squeeze < 1.0 {
                content.set_horizontal_scaling(squeeze * 100.0);
            }
            self.shaped(content, state, &shaped, lx, y, size, bold);
            if squeeze < 1.0 {
                content.set_horizontal_scaling(100.0);
            }
            return;
        }
        let lx = if align == Align::Left {
            x
        } else {
            let lw: f32 = layout::shown_chars(line)
                .map(|c| self.chain.advance(c, bold))
                .sum::<f32>()
                * size;
            if align == Align::Right {
                x + room - lw
            } else {
                x + (room - lw) / 2.0
            }
        };
        self.line(content, state, line, lx, y, size, bold);
    }

    /// Starts a text line at (`x`, `y`), relative to the last when there
    /// was one.
    fn move_to(content: &mut Content, state: &mut TextState, x: f32, y: f32) {
        // Hundredths of a point: finer than any printer, and short to write.
        #[allow(clippy::cast_possible_truncation)]
        let (cx, cy) = ((x * 100.0).round() as i32, (y * 100.0).round() as i32);
        match state.origin {
            #[allow(clippy::cast_precision_loss)]
            Some((ox, oy)) => content.next_line((cx - ox) as f32 / 100.0, (cy - oy) as f32 / 100.0),
            #[allow(clippy::cast_precision_loss)]
            None => {
                content.set_text_matrix([1.0, 0.0, 0.0, 1.0, cx as f32 / 100.0, cy as f32 / 100.0])
            }
        };
        state.origin = Some((cx, cy));
    }

    /// Draws a shaped line from (`x`, `y`): runs of one font and one
    /// vertical offset, each a `TJ` whose numbers move the reader's pen to
    /// where shaping put each glyph; a cluster the ToUnicode map cannot
    /// read back is wrapped in a span giving its text (`ActualText`).
    #[allow(clippy::too_many_arguments)]
    fn shaped(
        &mut self,
        content: &mut Content,
        state: &mut TextState,
        line: &ShapedLine,
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
    ) {
        Self::move_to(content, state, x, y);
        let glyphs = &line.glyphs;
        let (mut rise, mut pen, mut at) = (0.0f32, 0.0f32, 0.0f32);
        let mut i = 0;
        while i < glyphs.len() {
            let first = &glyphs[i];
            let end = match &first.actual {
                Some((text, span)) => {
                    content
                        .begin_marked_content_with_properties(Name(b"Span"))
                        .properties()
                        .actual_text(TextStr(text));
                    (i + usize::from(*span)).min(glyphs.len())
                }
                None => {
                    let mut j = i + 1;
                    while j < glyphs.len() && glyphs[j].actual.is_none() {
                        j += 1;
                    }
                    j
                }
            };
            let mut k = i;
            while k < end {
                let (key, dy) = (glyphs[k].key, glyphs[k].dy);
                let mut m = k + 1;
                while m < end && glyphs[m].key == key && glyphs[m].dy == dy {
                    m += 1;
                }
                self.select(content, state, key, size, bold);
                if dy != rise {
                    content.set_rise(dy * size);
                    rise = dy;
                }
                let mut show = content.show_positioned();
                let mut items = show.items();
                self.run.clear();
                for g in &glyphs[k..m] {
                    let adjust = pen + g.dx - at;
                    if adjust.abs() > 0.0005 {
                        if !self.run.is_empty() {
                            items.show(Str(&self.run));
                            self.run.clear();
                        }
                        items.adjust(-adjust * 1000.0);
                        at += adjust;
                    }
                    match key {
                        #[allow(clippy::cast_possible_truncation)]
                        FontKey::Builtin { .. } => self.run.push(g.code as u8),
                        FontKey::Embedded(_) => self.run.extend_from_slice(&g.code.to_be_bytes()),
                    }
                    at += g.natural;
                    pen += g.advance;
                }
                if !self.run.is_empty() {
                    items.show(Str(&self.run));
                }
                drop(items);
                drop(show);
                self.run.clear();
                k = m;
            }
            if first.actual.is_some() {
                content.end_marked_content();
            }
            i = end;
        }
        if rise != 0.0 {
            content.set_rise(0.0);
        }
    }

    /// One line of text at baseline `y`, switching fonts along the fallback chain.
    #[allow(clippy::too_many_arguments)]
    fn line(
        &mut self,
        content: &mut Content,
        state: &mut TextState,
        line: &str,
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
    ) {
        Self::move_to(content, state, x, y);
        let mut key: Option<FontKey> = None;
        self.run.clear();
        for c in layout::shown_chars(line) {
            let (glyph, c) = self.chain.glyph(c);
            let k = match glyph {
                Glyph::Builtin(_) => FontKey::Builtin { bold },
                Glyph::Embedded { font, .. } => FontKey::Embedded(font),
            };
            if key != Some(k) {
                if let Some(prev) = key {
                    self.show(content, state, prev, size, bold);
                }
                key = Some(k);
            }
            match glyph {
                Glyph::Builtin(code) => self.run.push(code),
                Glyph::Embedded { font, gid, advance } => {
                    let new = self.chain.use_glyph(font, gid, c, advance);
                    self.run.extend_from_slice(&new.to_be_bytes());
                }
            }
        }
        if let Some(k) = key {
            self.show(content, state, k, size, bold);
        }
    }

    fn show(
        &mut self,
        content: &mut Content,
        state: &mut TextState,
        key: FontKey,
        size: f32,
        bold: bool,
    ) {
        self.select(content, state, key, size, bold);
        content.show(Str(&self.run));
        self.run.clear();
    }

    /// Makes `key` at `size` the text font, stroking the glyphs as well
    /// for bold text in an embedded font that is not a bold face.
    fn select(
        &mut self,
        content: &mut Content,
        state: &mut TextState,
        key: FontKey,
        size: f32,
        bold: bool,
    ) {
        let size_key = size.to_bits();
        if state.font != Some((key, size_key)) {
            let name = match key {
                FontKey::Builtin { bold: false } => Name(font_name::REGULAR),
                FontKey::Builtin { bold: true } => Name(font_name::BOLD),
                FontKey::Embedded(i) => Name(self.embedded_names[usize::from(i)].as_bytes()),
            };
            content.set_font(name, size);
            state.font = Some((key, size_key));
        }
        // Synthetic bold only for a font with no bold face of its own.
        let fake_bold = bold && matches!(key, FontKey::Embedded(i) if !self.chain.is_bold(i));
        if fake_bold != state.fake_bold {
            if fake_bold {
                content.set_line_width(size * 0.035);
                content.set_text_rendering_mode(TextRenderingMode::FillStroke);
            } else {
                content.set_text_rendering_mode(TextRenderingMode::Fill);
            }
            state.fake_bold = fake_bold;
        }
    }
}
