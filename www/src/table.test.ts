import { describe, expect, it } from "vitest";
import { csvValue, isCsv, ParseError, parseCsv, parseJson, parseTable, readCsv, sampleTable, toGrid, toSheets, typedTable } from "./table";

describe("pasted tables", () => {
  it("keeps text that would change as a number", () => {
    for (const t of ["007", "3.10", "1e3", "+1", "12345678901234567890", "0x10", " 1"]) expect(csvValue(t)).toBe(t);
    expect(csvValue("42")).toBe(42);
    expect(csvValue("-0.5")).toBe(-0.5);
    expect(csvValue("")).toBe(null);
  });

  it("reads RFC 4180 CSV", () => {
    const t = parseCsv('Name,Note,Qty\r\n"Smith, J","said ""hi""\nthen left",3\nLee,,4\n');
    expect(t.headers).toEqual(["Name", "Note", "Qty"]);
    expect(t.rows).toEqual([
      ["Smith, J", 'said "hi"\nthen left', 3],
      ["Lee", null, 4],
    ]);
  });

  it("says where CSV is wrong", () => {
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(/line 2: a quoted field is not closed/);
    expect(() => parseCsv("a,b\n1,2,3\n")).toThrow(/row 1: 3 fields, but the header has 2/);
  });

  it("reads the three JSON shapes", () => {
    expect(parseJson('{"headers":["a"],"rows":[[1]]}')).toEqual({ headers: ["a"], rows: [[1]] });
    expect(parseJson('[["a","b"],[1,"x"]]')).toEqual({ headers: ["a", "b"], rows: [[1, "x"]] });
    expect(parseJson('[{"a":1},{"b":true,"a":2}]')).toEqual({ headers: ["a", "b"], rows: [[1, null], [2, true]] });
    expect(() => parseJson('[{"a":{"x":1}}]')).toThrow(/item 1, field "a"/);
    expect(() => parseTable("   ")).toThrow(ParseError);
  });

  it("makes samples of the size asked", () => {
    const t = sampleTable(1234);
    expect(t.rows).toHaveLength(1234);
    expect(t.rows.every((r) => r.length === t.columns.length)).toBe(true);
  });
});

describe("typedTable", () => {
  // Of the shape rowpress's inferTypes gives (the e2e suite runs the real one).
  const text = readCsv("Id,Amount,Share,Day\n007,\"1,200.50\",12.5%,2024-10-18\n8,3,n/a,soon\n");
  const inferred = {
    columns: [
      { header: "Id" },
      { header: "Amount", type: "number" as const, format: "#,##0.00" },
      { header: "Share" },
      { header: "Day" },
    ],
    rows: [
      ["007", 1200.5, "12.5%", "2024-10-18"],
      ["8", 3, "n/a", "soon"],
    ],
  };

  it("keeps what was inferred where the user kept it", () => {
    expect(isCsv(" a,b")).toBe(true);
    expect(isCsv(' [{"a": 1}]')).toBe(false);
    const t = typedTable(text, inferred, ["text", "number", "text", "text"]);
    expect(t).toEqual({
      columns: inferred.columns,
      // Untyped columns as before: a number only where it reads back the same.
      rows: [
        ["007", 1200.5, "12.5%", "2024-10-18"],
        [8, 3, "n/a", "soon"],
      ],
    });
  });

  it("gives a column another type with its cells as pasted, for the export to read", () => {
    const t = typedTable(text, inferred, ["text", "text", "number", "date"]);
    expect(t.columns).toEqual([{ header: "Id" }, { header: "Amount", type: "text" }, { header: "Share", type: "number" }, { header: "Day", type: "date" }]);
    expect(t.rows).toEqual([
      ["007", "1,200.50", "12.5%", "2024-10-18"],
      [8, "3", "n/a", "soon"],
    ]);
  });
});

describe("toGrid", () => {
  it("reads rows given as objects by the columns' keys, as the core does", () => {
    const grid = toGrid({
      title: "Invoices",
      columns: [{ header: "Invoice", key: "id" }, { header: "Amount", key: "amount" }, { header: "Note" }],
      rows: [{ amount: 3, id: "INV-1" }, {}, ["INV-3", 4, "x"], { id: null }],
    });
    expect(grid).toEqual({
      title: "Invoices",
      headers: ["Invoice", "Amount", "Note"],
      rows: [["INV-1", 3, null], [null, null, null], ["INV-3", 4, "x"], [null, null, null]],
    });
  });
  it("leaves a table with headers as it is", () => {
    const t = { headers: ["a"], rows: [[1]] };
    expect(toGrid(t)).toBe(t);
  });
});

describe("toSheets", () => {
  it("gives a workbook's sheets their names as the XLSX does, and a table one sheet", () => {
    const sheets = toSheets({
      title: "Year",
      sheets: [
        { name: "Sales", headers: ["a"], rows: [[1]] },
        { title: "Costs 2024", columns: [{ header: "Item", key: "item" }], rows: [{ item: "Rent" }] },
        { headers: ["b"], rows: [] },
      ],
    });
    expect(sheets.map((s) => s.name)).toEqual(["Sales", "Costs 2024", "Sheet3"]);
    expect(sheets[1].grid.rows).toEqual([["Rent"]]);
    expect(toSheets({ title: "T", headers: ["a"], rows: [[1]] })).toEqual([{ name: "T", grid: { title: "T", headers: ["a"], rows: [[1]] } }]);
  });
});
