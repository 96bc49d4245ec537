//! Fonts installed on this machine, found for the characters a PDF needs
//! beyond what the built-in Helvetica shows (WinAnsi), so that a table in
//! Cyrillic, Arabic or Chinese exports with no `--font`. Not in the wasm
//! build: a browser's page passes its own fonts.
//!
//! The search reads every `.ttf`, `.otf` and `.ttc` under the font
//! directories (`ROWPRESS_FONT_DIRS`, colon-separated, when set; else the
//! XDG and fontconfig defaults: `~/.local/share/fonts`, `~/.fonts`,
//! `/usr/local/share/fonts`, `/usr/share/fonts`) and picks, greedily, the
//! upright regular faces that cover the most of what is missing, sans
//! faces first, then each one's bold face when installed (for headers).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use read_fonts::{FontRef, TableProvider};

use crate::table::Table;

/// Most fonts a search adds to the chain.
const MAX_FONTS: usize = 8;
/// How deep the search goes below each font directory.
const MAX_DEPTH: usize = 8;

/// A font found on this machine: where it is and its bytes.
#[derive(Debug, Clone)]
pub struct SystemFont {
    /// The font file.
    pub path: PathBuf,
    /// Its contents.
    pub data: Vec<u8>,
}

/// The characters of `tables` (titles, headers, cells as the PDF shows
/// them) that the built-in PDF font cannot show.
pub fn needed_chars<'t>(tables: impl IntoIterator<Item = &'t Table>) -> BTreeSet<char> {
    let mut needed = BTreeSet::new();
    for table in tables {
        crate::scripts::each_text(table, |s| {
            needed.extend(crate::scripts::beyond_helvetica(s));
        });
    }
    needed
}

/// The directories searched, in order.
pub fn font_dirs() -> Vec<PathBuf> {
    if let Some(dirs) = std::env::var_os("ROWPRESS_FONT_DIRS") {
        return std::env::split_paths(&dirs).collect();
    }
    let mut dirs = Vec::new();
    if let Some(data) = std::env::var_os("XDG_DATA_HOME") {
        dirs.push(PathBuf::from(data).join("fonts"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
    }
    dirs.push(PathBuf::from("/usr/local/share/fonts"));
    dirs.push(PathBuf::from("/usr/share/fonts"));
    dirs
}

/// A candidate face and the needed characters it has.
struct Candidate {
    path: PathBuf,
    data: Vec<u8>,
    /// A bold face (weight 600-800), else a regular one (350-500).
    bold: bool,
    /// Its family (names 16, else 1), which pairs it with its bold.
    family: Option<String>,
    covers: BTreeSet<char>,
    /// 2 for a sans face, 1 for other text faces, 0 for mono, serif or
    /// display ones: the order of preference between faces that help.
    rank: u8,
}

/// Installed fonts that cover `needed`, in the order they should be
/// chained; empty when nothing is needed or nothing covers it.
pub fn fonts_for(needed: &BTreeSet<char>) -> Vec<SystemFont> {
    if needed.is_empty() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for dir in font_dirs() {
        walk(&dir, 0, &mut files);
    }
    files.sort();
    files.dedup();
    let (bold, mut candidates): (Vec<Candidate>, Vec<Candidate>) = files
        .into_iter()
        .filter_map(|path| candidate(path, needed))
        .partition(|c| c.bold);
    let mut missing = needed.clone();
    let mut chosen = Vec::new();
    while !missing.is_empty() && chosen.len() < MAX_FONTS {
        let best = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.covers.intersection(&missing).count(), c))
            .filter(|&(_, n, _)| n > 0)
            .max_by(|a, b| {
                (a.2.rank, a.1)
                    .cmp(&(b.2.rank, b.1))
                    // The smaller file on a tie: fewer bytes to read and subset.
                    .then(b.2.data.len().cmp(&a.2.data.len()))
                    .then(b.2.path.cmp(&a.2.path))
            })
            .map(|(i, _, _)| i);
        let Some(best) = best else { break };
        let found = candidates.swap_remove(best);
        missing.retain(|c| !found.covers.contains(c));
        chosen.push(found);
    }
    // Each chosen face's bold, for headers and titles, after them all.
    let bolds: Vec<&Candidate> = chosen
        .iter()
        .filter_map(|regular| {
            bold.iter()
                .find(|b| b.family.is_some() && b.family == regular.family)
        })
        .collect();
    let bolds: Vec<SystemFont> = bolds
        .into_iter()
        .map(|b| SystemFont {
            path: b.path.clone(),
            data: b.data.clone(),
        })
        .collect();
    chosen
        .into_iter()
        .map(|c| SystemFont {
            path: c.path,
            data: c.data,
        })
        .chain(bolds)
        .collect()
}

/// Font files under `dir`.
fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, depth + 1, files);
        } else if meta.is_file() {
            let font = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["ttf", "otf", "ttc"]
                    .iter()
                    .any(|x| e.eq_ignore_ascii_case(x))
            });
            if font {
                files.push(path);
            }
        }
    }
}

/// `path` as a candidate: an upright regular or bold face with outlines
/// we can embed that has some of `needed`.
fn candidate(path: PathBuf, needed: &BTreeSet<char>) -> Option<Candidate> {
    let data = std::fs::read(&path).ok()?;
    let font = FontRef::from_index(&data, 0).ok()?;
    // Not CFF2, nor bitmap colour (Noto Color Emoji): not embeddable here.
    crate::pdf::embeddable_outlines(&font)?;
    let os2 = font.os2().ok()?;
    let italic = os2.fs_selection().bits() & 1 != 0;
    let bold = match os2.us_weight_class() {
        350..=500 => false,
        600..=800 => true,
        _ => return None,
    };
    if italic {
        return None;
    }
    let family = crate::pdf::family_name(&font);
    let cmap = font.cmap().ok()?.best_subtable()?.2;
    let covers: BTreeSet<char> = needed
        .iter()
        .copied()
        .filter(|&c| cmap.map_codepoint(c).is_some_and(|g| g.to_u32() != 0))
        .collect();
    if covers.is_empty() {
        return None;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let odd = ["mono", "serif", "condensed", "display", "math", "symbol"]
        .iter()
        .any(|w| name.contains(w));
    let rank = match (odd, name.contains("sans")) {
        (false, true) => 2,
        (false, false) => 1,
        (true, _) => 0,
    };
    Some(Candidate {
        path,
        data,
        bold,
        family,
        covers,
        rank,
    })
}
