// The benchmark table, the same as exporter-core's examples/bench.rs:
// 10 columns, text and numbers mixed, as in an order list.
export function makeTable(rows) {
  const headers = ["Order", "Customer", "Qty", "Price", "Product", "Total", "City", "Weight", "Status", "Score"];
  const cities = ["Berlin", "Lisbon", "Osaka", "Toronto", "Nairobi", "Lima"];
  const body = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const qty = r % 50;
    const price = (r % 1000) * 1.25 + 0.99;
    body[r] = [
      `ORD-${String(r).padStart(6, "0")}`,
      `Customer ${r % 977}`,
      qty,
      price,
      `Widget ${r % 113} ${["blue", "red", "green"][r % 3]}`,
      qty * price,
      cities[r % cities.length],
      (r % 300) / 10,
      ["paid", "open", "shipped"][r % 3],
      (r * 37) % 101,
    ];
  }
  return { title: "Benchmark", headers, rows: body };
}

// The typed benchmark table (issue #12): 10 columns, among them a date, a
// date-time, two formatted numbers and a percent, each as rowpress takes
// it (ISO strings, columns with types and formats) and as the JS packages
// take it (JS Dates, hyperlinks their own way). The last column is a link.
const pad = (n, w = 2) => String(n).padStart(w, "0");
export const typedColumns = [
  { header: "Order", key: "order" },
  { header: "Issued", key: "issued", type: "date", format: "yyyy-mm-dd" },
  { header: "Sent", key: "sent", type: "datetime", format: "yyyy-mm-dd hh:mm" },
  { header: "Qty", key: "qty", type: "number", format: "#,##0" },
  { header: "Price", key: "price", type: "number", format: "#,##0.00" },
  { header: "Tax", key: "tax", type: "number", format: "0.0%" },
  { header: "Customer", key: "customer" },
  { header: "City", key: "city" },
  { header: "Paid", key: "paid", type: "boolean" },
  { header: "Portal", key: "portal", type: "link" },
];
export function makeTypedTable(rows) {
  const cities = ["Berlin", "Lisbon", "Osaka", "Toronto", "Nairobi", "Lima"];
  const body = new Array(rows);
  const dates = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const month = 1 + (r % 12);
    const day = 1 + (r % 28);
    const hour = r % 24;
    const minute = r % 60;
    dates[r] = [new Date(2024, month - 1, day), new Date(2024, month - 1, day, hour, minute)];
    body[r] = [
      `ORD-${pad(r, 6)}`,
      `2024-${pad(month)}-${pad(day)}`,
      `2024-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00`,
      (r % 500) * 3,
      (r % 1000) * 1.25 + 0.99,
      [0.2, 0.07, 0.19][r % 3],
      `Customer ${r % 977}`,
      cities[r % cities.length],
      r % 2 === 0,
      `https://billing.example.com/inv/${r}`,
    ];
  }
  return { title: "Benchmark", columns: typedColumns, rows: body, dates };
}
