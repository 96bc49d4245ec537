//! Upload payloads of a chosen size, shared by the crash test and the load
//! benchmark (`examples/load.rs` includes this file by path).
#![allow(dead_code)]

use exporter_core::{Cell, ExportOptions, Format, Table, export};

/// A real PDF of at least `min_bytes`, different for each `seed`: rows of
/// pseudo-random hex, which compresses about as badly as real data.
pub fn pdf_of_at_least(min_bytes: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut rows = Vec::new();
    loop {
        // About 47 bytes of output per row: grow in steps of ~5%.
        for _ in 0..(min_bytes / 1000).max(10) {
            let mut text = format!("row {} ", rows.len());
            for _ in 0..3 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(&format!("{state:016x}"));
            }
            rows.push(vec![Cell::from(text)]);
        }
        let table = Table::new(vec!["data".into()], rows.clone()).expect("a valid table");
        let pdf = export(
            &table,
            &ExportOptions::new(Format::Pdf).created_at(1_700_000_000),
        )
        .expect("a PDF");
        if pdf.len() >= min_bytes {
            return pdf;
        }
    }
}
