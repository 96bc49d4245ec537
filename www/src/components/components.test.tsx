import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sampleTable, toGrid } from "../table";
import { ExportButtons, Progress } from "./ExportButtons";
import { ROW_HEIGHT, TableRenderer } from "./TableRenderer";

afterEach(cleanup);

describe("TableRenderer", () => {
  it("puts only the visible rows of 100,000 in the DOM", async () => {
    const table = toGrid(sampleTable(100_000));
    render(<TableRenderer table={table} height={320} />);
    const grid = screen.getByRole("table");
    expect(grid.getAttribute("aria-rowcount")).toBe("100001");
    const rows = () => screen.getAllByRole("row").length - 1; // minus the header
    expect(rows()).toBeLessThan(40);
    expect(screen.getByText("SO-000001")).toBeTruthy();
    grid.scrollTop = 50_000 * ROW_HEIGHT;
    fireEvent.scroll(grid);
    await act(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
    expect(screen.queryByText("SO-000001")).toBeNull();
    expect(screen.getByText("SO-050001")).toBeTruthy();
    expect(rows()).toBeLessThan(40);
  });

  it("shows typed cells as formatCells gives them, aligned as in the files", () => {
    const table = { headers: ["Order", "Amount"], rows: [["A-1", 1132.8], ["A-2", 5]] };
    render(<TableRenderer table={table} formatted={{ align: [null, "right"], columns: [null, ["1,132.80", "5.00"]] }} />);
    const cell = screen.getByText("1,132.80");
    expect(cell.className).toBe("td right");
    expect(screen.getByText("5.00")).toBeTruthy();
    expect(screen.getByText("A-1").className).toBe("td");
    expect(screen.getByRole("columnheader", { name: "Amount" }).className).toBe("th right");
  });
});

describe("ExportButtons", () => {
  it("has an accessible name per format and reports clicks", () => {
    const onExport = vi.fn();
    render(<ExportButtons running={new Set()} onExport={onExport} />);
    for (const name of ["Export PDF", "Export DOCX", "Export XLSX", "Export CSV"]) fireEvent.click(screen.getByRole("button", { name }));
    expect(onExport.mock.calls.map(([f]) => f)).toEqual(["pdf", "docx", "xlsx", "csv"]);
  });

  it("shows a running export as busy and cannot start it again", () => {
    const onExport = vi.fn();
    render(<ExportButtons running={new Set(["xlsx"] as const)} onExport={onExport} />);
    const xlsx = screen.getByRole("button", { name: "Export XLSX" }) as HTMLButtonElement;
    expect(xlsx.disabled).toBe(true);
    expect(xlsx.getAttribute("aria-busy")).toBe("true");
    fireEvent.click(xlsx);
    expect(onExport).not.toHaveBeenCalled();
    expect((screen.getByRole("button", { name: "Export PDF" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows rows done", () => {
    render(<Progress format="xlsx" done={25_000} total={100_000} />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("25000");
    expect(screen.getByText("XLSX: 25,000 of 100,000 rows")).toBeTruthy();
  });
});
