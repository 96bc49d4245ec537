//! Benchmark (not a test): export a 100,000 x 10 table of mixed strings and
//! numbers and print time, peak memory and size.
//!
//! ```sh
//! cargo run --release --example bench -- pdf [rows]
//! ```
//! Run once per format (scripts/bench-core.sh does): peak memory is the
//! process's high-water mark, so each format gets a fresh process.

use std::time::Instant;

use exporter_core::{Cell, ExportOptions, Format, Table, export};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn current_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The benchmark table: 10 columns, alternately text and numbers, as in
/// an order list ("ORD-000123", "Widget 17 blue", 42, 1234.56, ...).
pub fn table(rows: usize) -> Table {
    let headers = [
        "Order", "Customer", "Qty", "Price", "Product", "Total", "City", "Weight", "Status",
        "Score",
    ]
    .map(String::from)
    .to_vec();
    let cities = ["Berlin", "Lisbon", "Osaka", "Toronto", "Nairobi", "Lima"];
    let rows = (0..rows)
        .map(|r| {
            vec![
                Cell::from(format!("ORD-{r:06}")),
                Cell::from(format!("Customer {}", r % 977)),
                Cell::Number((r % 50) as f64),
                Cell::Number((r % 1000) as f64 * 1.25 + 0.99),
                Cell::from(format!(
                    "Widget {} {}",
                    r % 113,
                    ["blue", "red", "green"][r % 3]
                )),
                Cell::Number((r % 50) as f64 * ((r % 1000) as f64 * 1.25 + 0.99)),
                Cell::from(cities[r % cities.len()]),
                Cell::Number((r % 300) as f64 / 10.0),
                Cell::from(["paid", "open", "shipped"][r % 3]),
                Cell::Number((r * 37 % 101) as f64),
            ]
        })
        .collect();
    Table::new(headers, rows).unwrap()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let format: Format = args.next().unwrap_or_else(|| "pdf".into()).parse().unwrap();
    let rows: usize = args.next().map_or(100_000, |s| s.parse().unwrap());
    let table = table(rows);
    let before = current_rss_kib();
    let start = Instant::now();
    let bytes = export(
        &table,
        &ExportOptions::new(format).created_at(1_700_000_000),
    )
    .unwrap();
    let elapsed = start.elapsed();
    let peak = peak_rss_kib();
    println!(
        "{format}: {rows} rows x 10: {:.3} s, peak RSS {:.1} MiB (table {:.1} MiB, export adds {:.1} MiB), output {:.2} MB",
        elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / 1024.0,
        bytes.len() as f64 / 1e6
    );
}
