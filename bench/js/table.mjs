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
