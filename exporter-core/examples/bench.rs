//! Benchmark (not a test): export a 100,000 x 10 table of mixed strings and
//! numbers and print time, peak memory and size.
//!
//! ```sh
//! cargo run --release --example bench -- pdf [rows] [latin|dejavu|arabic]
//! ```
//! `dejavu` draws the same table in DejaVu Sans (embedded, so shaped:
//! kerning and ligatures); `arabic` is the table with its text in Arabic,
//! in Noto Sans Arabic (shaped, right to left). Both read the fonts of
//! Debian's fonts-dejavu-core and fonts-noto-core.
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
pub fn table(rows: usize, arabic: bool) -> Table {
    let headers = [
        "Order", "Customer", "Qty", "Price", "Product", "Total", "City", "Weight", "Status",
        "Score",
    ]
    .map(String::from)
    .to_vec();
    let cities = if arabic {
        ["برلين", "لشبونة", "أوساكا", "تورونتو", "نيروبي", "ليما"]
    } else {
        ["Berlin", "Lisbon", "Osaka", "Toronto", "Nairobi", "Lima"]
    };
    let (customer, widget, colours, statuses) = if arabic {
        (
            "عميل",
            "قطعة",
            ["أزرق", "أحمر", "أخضر"],
            ["مدفوع", "مفتوح", "مشحون"],
        )
    } else {
        (
            "Customer",
            "Widget",
            ["blue", "red", "green"],
            ["paid", "open", "shipped"],
        )
    };
    let rows = (0..rows)
        .map(|r| {
            vec![
                Cell::from(format!("ORD-{r:06}")),
                Cell::from(format!("{customer} {}", r % 977)),
                Cell::Number((r % 50) as f64),
                Cell::Number((r % 1000) as f64 * 1.25 + 0.99),
                Cell::from(format!("{widget} {} {}", r % 113, colours[r % 3])),
                Cell::Number((r % 50) as f64 * ((r % 1000) as f64 * 1.25 + 0.99)),
                Cell::from(cities[r % cities.len()]),
                Cell::Number((r % 300) as f64 / 10.0),
                Cell::from(statuses[r % 3]),
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
    let script = args.next().unwrap_or_else(|| "latin".into());
    let table = table(rows, script == "arabic");
    let mut options = ExportOptions::new(format).created_at(1_700_000_000);
    match script.as_str() {
        "latin" => {}
        "dejavu" => {
            options = options
                .font(std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").unwrap());
        }
        "arabic" => {
            options = options.font(
                std::fs::read("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf").unwrap(),
            );
        }
        other => panic!("{other}: not latin, dejavu or arabic"),
    }
    let before = current_rss_kib();
    let start = Instant::now();
    let bytes = export(&table, &options).unwrap();
    let elapsed = start.elapsed();
    let peak = peak_rss_kib();
    println!(
        "{format} ({script}): {rows} rows x 10: {:.3} s, peak RSS {:.1} MiB (table {:.1} MiB, export adds {:.1} MiB), output {:.2} MB",
        elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / 1024.0,
        bytes.len() as f64 / 1e6
    );
}
