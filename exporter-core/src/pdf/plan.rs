//! Where everything goes: orientation, type size, column groups and widths,
//! and which rows (or parts of rows) land on which page.

use crate::layout::{self, Breaks, ColumnNeeds, Metrics};
use crate::options::{ExportOptions, Orientation};
use crate::table::Table;
use crate::text::cell_text;

/// Body type size, and the smallest it may shrink to before columns move
/// to following pages.
pub(crate) const BASE_SIZE: f32 = 9.0;
pub(crate) const FLOOR_SIZE: f32 = 6.0;
pub(crate) const TITLE_SIZE: f32 = 14.0;
pub(crate) const FOOTER_SIZE: f32 = 8.0;
/// Line height as a multiple of the type size.
pub(crate) const LEADING: f32 = 1.2;
/// Cell padding in points, each side.
pub(crate) const PAD_X: f32 = 3.0;
pub(crate) const PAD_Y: f32 = 2.0;
/// The footer needs this much room below the table, whatever the margin.
const FOOTER_ZONE: f32 = 28.0;
/// Space between the title and the table.
const TITLE_GAP: f32 = 8.0;

/// A set of columns printed together, and their widths in points.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub columns: Vec<usize>,
    pub widths: Vec<f32>,
    pub header_lines: u32,
}

/// Lines `from..to` of body row `row`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slice {
    pub row: u32,
    pub from: u32,
    pub to: u32,
}

/// One page: a column group and the row slices on it.
#[derive(Debug, Clone)]
pub(crate) struct PageSpec {
    pub group: usize,
    pub has_title: bool,
    pub slices: Vec<Slice>,
}

/// The whole layout.
#[derive(Debug)]
pub(crate) struct Plan {
    pub width: f32,
    pub height: f32,
    pub size: f32,
    pub left: f32,
    pub top: f32,
    /// Lowest point of the table area; the footer sits below it.
    pub bottom: f32,
    pub content_width: f32,
    pub title_lines: Vec<String>,
    pub groups: Vec<Group>,
    pub pages: Vec<PageSpec>,
}

impl Plan {
    pub(crate) fn leading(&self) -> f32 {
        self.size * LEADING
    }

    pub(crate) fn title_height(&self) -> f32 {
        if self.title_lines.is_empty() {
            0.0
        } else {
            self.title_lines.len() as f32 * TITLE_SIZE * LEADING + TITLE_GAP
        }
    }

    pub(crate) fn header_height(&self, group: usize) -> f32 {
        self.groups[group].header_lines as f32 * self.leading() + 2.0 * PAD_Y
    }
}

pub(crate) fn plan(
    table: &Table,
    options: &ExportOptions,
    title: Option<&str>,
    metrics: &dyn Metrics,
) -> Plan {
    let needs = layout::column_needs(table, metrics);
    let m = options.margins;
    let avail = |landscape: bool| options.page_points(landscape).0 - m.left - m.right;
    let orientations: &[bool] = match options.orientation {
        Orientation::Portrait => &[false],
        Orientation::Landscape => &[true],
        Orientation::Auto => &[false, true],
    };
    let min_width = |size: f32| -> f32 { needs.iter().map(|n| n.min * size + 2.0 * PAD_X).sum() };
    let chosen = orientations
        .iter()
        .find(|&&l| min_width(BASE_SIZE) <= avail(l));
    let (landscape, size, split) = match chosen {
        Some(&l) => (l, BASE_SIZE, false),
        None => {
            let l = *orientations.last().unwrap_or(&false);
            let em: f32 = needs.iter().map(|n| n.min).sum();
            let pads = needs.len() as f32 * 2.0 * PAD_X;
            let size = ((avail(l) - pads) / em * 2.0).floor() / 2.0;
            if size >= FLOOR_SIZE {
                (l, size, false)
            } else {
                (l, FLOOR_SIZE, true)
            }
        }
    };
    let (width, height) = options.page_points(landscape);
    let content_width = avail(landscape);
    let column_sets = if split {
        let width = |c: usize| needs[c].min * size + 2.0 * PAD_X;
        layout::split_columns(needs.len(), width, content_width)
    } else {
        vec![(0..needs.len()).collect()]
    };
    let groups: Vec<Group> = column_sets
        .into_iter()
        .map(|columns| group(table, &needs, columns, size, content_width, metrics))
        .collect();

    let mut title_lines = Vec::new();
    if let Some(title) = title {
        layout::wrap(
            title,
            Breaks::Text,
            content_width / TITLE_SIZE,
            true,
            metrics,
            |l| title_lines.push(l.to_owned()),
        );
    }
    let bottom = m.bottom.max(FOOTER_ZONE);
    let mut plan = Plan {
        width,
        height,
        size,
        left: m.left,
        top: height - m.top,
        bottom,
        content_width,
        title_lines,
        groups,
        pages: Vec::new(),
    };
    for g in 0..plan.groups.len() {
        paginate(&mut plan, table, g, metrics);
    }
    plan
}

fn group(
    table: &Table,
    needs: &[ColumnNeeds],
    columns: Vec<usize>,
    size: f32,
    avail: f32,
    metrics: &dyn Metrics,
) -> Group {
    let picked: Vec<ColumnNeeds> = columns.iter().map(|&c| needs[c]).collect();
    let pad = 2.0 * PAD_X / size;
    let em = layout::fit_columns(&picked, pad, avail / size).unwrap_or_else(|| {
        let total: f32 = picked.iter().map(|n| n.min + pad).sum();
        picked
            .iter()
            .map(|n| (n.min + pad) * (avail / size) / total)
            .collect()
    });
    let widths: Vec<f32> = em.iter().map(|w| w * size).collect();
    let header_lines = columns
        .iter()
        .zip(&widths)
        .map(|(&c, &w)| {
            layout::line_count(
                &table.headers()[c],
                Breaks::Text,
                text_width_em(w, size),
                true,
                metrics,
            )
        })
        .max()
        .unwrap_or(1);
    Group {
        columns,
        widths,
        header_lines: u32::try_from(header_lines).unwrap_or(u32::MAX),
    }
}

/// Room for text in a column `width` points wide, in em.
pub(crate) fn text_width_em(width: f32, size: f32) -> f32 {
    (width - 2.0 * PAD_X) / size
}

/// Lays the rows of group `g` onto pages; a row taller than a page is cut
/// between lines and continues on the next page.
fn paginate(plan: &mut Plan, table: &Table, g: usize, metrics: &dyn Metrics) {
    let leading = plan.leading();
    let header = plan.header_height(g);
    let full = plan.top - plan.bottom - header;
    let group = &plan.groups[g];
    let first_page = plan.pages.is_empty();
    let mut page = PageSpec {
        group: g,
        has_title: first_page && !plan.title_lines.is_empty(),
        slices: Vec::new(),
    };
    let mut room = if page.has_title {
        full - plan.title_height()
    } else {
        full
    };
    let mut pages = Vec::new();
    for r in 0..table.row_count() {
        let lines = group
            .columns
            .iter()
            .zip(&group.widths)
            .map(|(&c, &w)| {
                let cell = table.cell(r, c);
                layout::line_count(
                    &cell_text(cell),
                    Breaks::of(table.column_style(c).kind, cell),
                    text_width_em(w, plan.size),
                    false,
                    metrics,
                )
            })
            .max()
            .unwrap_or(1);
        let lines = u32::try_from(lines).unwrap_or(u32::MAX);
        let row = u32::try_from(r).unwrap_or(u32::MAX);
        let mut from = 0;
        while from < lines {
            let need = (lines - from) as f32 * leading + 2.0 * PAD_Y;
            if need <= room {
                page.slices.push(Slice {
                    row,
                    from,
                    to: lines,
                });
                room -= need;
                break;
            }
            let fit = ((room - 2.0 * PAD_Y) / leading).floor();
            let next = PageSpec {
                group: g,
                has_title: false,
                slices: Vec::new(),
            };
            if from == 0 && need <= full && !page.slices.is_empty() {
                // The row fits on a page of its own: start one rather than cut it.
                pages.push(std::mem::replace(&mut page, next));
                room = full;
                continue;
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let take = if fit >= 1.0 {
                (fit as u32).min(lines - from)
            } else {
                // Not even one line fits: on a page with rows, move on; on an
                // empty one, draw a line anyway so the layout always advances.
                u32::from(page.slices.is_empty())
            };
            if take > 0 {
                page.slices.push(Slice {
                    row,
                    from,
                    to: from + take,
                });
                from += take;
            }
            pages.push(std::mem::replace(&mut page, next));
            room = full;
        }
    }
    pages.push(page);
    plan.pages.extend(pages);
}
