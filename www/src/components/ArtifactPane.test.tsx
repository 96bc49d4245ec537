import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Api, NetworkError } from "../api";
import { pending } from "../queue";

const makeFile = vi.fn();
vi.mock("../exporter", () => ({
  makeFile: (...args: unknown[]) => makeFile(...args),
  download: vi.fn(),
  downloadUrl: vi.fn(),
}));

const { ArtifactPane } = await import("./ArtifactPane");

const artifact = {
  id: "a1",
  type: "table" as const,
  title: "Sales",
  createdAt: "2026-11-25T00:00:00Z",
  data: { headers: ["a"], rows: [["x"], ["y"]] },
  sheets: [{ name: "Sales", grid: { headers: ["a"], rows: [["x"], ["y"]] } }],
};

function fakeApi() {
  const api = new Api("h.eyJzdWIiOiJhbGljZSJ9.s");
  vi.spyOn(api, "exports").mockResolvedValue({ items: [], nextCursor: null });
  vi.spyOn(api, "event").mockResolvedValue();
  return api;
}

let finish: (() => void) | null = null;
beforeEach(() => {
  makeFile.mockImplementation(
    () =>
      new Promise((resolve) => {
        finish = () =>
          resolve({ bytes: new Uint8Array(4), blob: new Blob([new Uint8Array(4)]), fileName: "Sales.pdf", durationMs: 5, warnings: [] });
      }),
  );
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  makeFile.mockReset();
});

describe("ArtifactPane", () => {
  it("starts an export once however often it is clicked, then uploads it", async () => {
    const api = fakeApi();
    const upload = vi.spyOn(api, "upload").mockResolvedValue({
      id: "e1", artifactId: "a1", format: "pdf", url: "http://x/f", status: "completed", createdAt: "", sizeBytes: 4, sha256: "", source: "upload",
    });
    render(<ArtifactPane api={api} artifact={artifact} online syncs={0} onQueued={() => {}} />);
    const button = screen.getByRole("button", { name: "Export PDF" });
    fireEvent.click(button);
    fireEvent.click(button);
    fireEvent.click(button);
    await waitFor(() => expect(button.getAttribute("aria-busy")).toBe("true"));
    expect(makeFile).toHaveBeenCalledTimes(1);
    finish!();
    await screen.findByText(/PDF downloaded and uploaded/);
    expect(upload).toHaveBeenCalledTimes(1);
    expect(upload.mock.calls[0][3]).toMatch(/^[0-9a-f-]{36}$/); // an Idempotency-Key
    expect(screen.getByRole("link", { name: "Download link" }).getAttribute("href")).toBe("http://x/f");
    expect(button.getAttribute("aria-busy")).toBe("false");
  });

  it("queues the upload when the network is gone", async () => {
    const api = fakeApi();
    vi.spyOn(api, "upload").mockRejectedValue(new NetworkError());
    const onQueued = vi.fn();
    render(<ArtifactPane api={api} artifact={artifact} online syncs={0} onQueued={onQueued} />);
    fireEvent.click(screen.getByRole("button", { name: "Export XLSX" }));
    await waitFor(() => expect(makeFile).toHaveBeenCalled());
    finish!();
    await screen.findByText(/its upload waits for the network/);
    expect(onQueued).toHaveBeenCalled();
    const queued = await pending("alice", "a1");
    expect(queued.map((u) => u.format)).toContain("xlsx");
  });

  it("shows what the export kept another way, naming the cell", async () => {
    const api = fakeApi();
    vi.spyOn(api, "upload").mockResolvedValue({
      id: "e1", artifactId: "a1", format: "csv", url: "http://x/f", status: "completed", createdAt: "", sizeBytes: 4, sha256: "", source: "upload",
    });
    makeFile.mockResolvedValue({
      bytes: new Uint8Array(4),
      blob: new Blob([new Uint8Array(4)]),
      fileName: "Sales.csv",
      durationMs: 5,
      warnings: [
        "row 2, column 1: text starting with '=' is written with a leading apostrophe, so a spreadsheet shows it rather than running it as a formula",
        "row 9, column 1: text starting with '+' is written with a leading apostrophe, so a spreadsheet shows it rather than running it as a formula",
      ],
    });
    render(<ArtifactPane api={api} artifact={artifact} online syncs={0} onQueued={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Export CSV" }));
    const shown = await screen.findByText(/a value was kept another way/);
    expect(shown.textContent).toBe(
      "CSV: a value was kept another way: row 2, column 1: text starting with '=' is written with a leading apostrophe, so a spreadsheet shows it rather than running it as a formula (and 1 more).",
    );
    await screen.findByText(/CSV downloaded and uploaded/);
  });

  it("shows a workbook's sheets as tabs and exports the whole workbook", async () => {
    const api = fakeApi();
    vi.spyOn(api, "upload").mockRejectedValue(new NetworkError());
    const book = {
      ...artifact,
      type: "sheet" as const,
      data: { title: "Book", sheets: [{ name: "Sales", headers: ["a"], rows: [["x"], ["y"]] }, { name: "Costs", headers: ["b", "c"], rows: [["rent", 3]] }] },
      sheets: [
        { name: "Sales", grid: { headers: ["a"], rows: [["x"], ["y"]] } },
        { name: "Costs", grid: { headers: ["b", "c"], rows: [["rent", 3]] } },
      ],
    };
    render(<ArtifactPane api={api} artifact={book} online syncs={0} onQueued={() => {}} />);
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((t) => t.textContent)).toEqual(["Sales", "Costs"]);
    expect(screen.getByText(/2 sheets · 2 rows × 1 columns/)).toBeTruthy();
    fireEvent.click(tabs[1]);
    expect(screen.getByRole("tab", { name: "Costs" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByText(/2 sheets · 1 rows × 2 columns/)).toBeTruthy();
    expect(screen.getByText("rent")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Export XLSX" }));
    await waitFor(() => expect(makeFile).toHaveBeenCalledTimes(1));
    // The workbook goes to the exporter whole (its worker finds the fonts
    // every sheet needs), under the artifact's title.
    expect(makeFile.mock.calls[0][0]).toBe(book.data);
    expect(makeFile.mock.calls[0][1]).toBe(book.title);
    finish!();
  });

  it("shows an export error as a readable message", async () => {
    const api = fakeApi();
    makeFile.mockRejectedValue(Object.assign(new Error("row 2, column 1: text is longer than 32,767 characters"), { code: "CELL_TOO_LONG" }));
    render(<ArtifactPane api={api} artifact={artifact} online syncs={0} onQueued={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Export DOCX" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("DOCX export failed: row 2, column 1: text is longer than 32,767 characters");
  });
});
