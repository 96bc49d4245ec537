import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("./exporter", () => ({ makeFile: vi.fn(), download: vi.fn(), downloadUrl: vi.fn() }));
const { App } = await import("./App");

// A token whose payload names "alice" (the signature is never checked here).
const TOKEN = `h.${btoa(JSON.stringify({ sub: "alice" }))}.s`;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("App", () => {
  it("lists the user's tables once with a saved token", async () => {
    localStorage.setItem("rowpress.token", TOKEN);
    const fetch = vi.fn(async (url: string) =>
      url.startsWith("/api/artifacts")
        ? json(200, { items: [{ id: "a1", type: "table", title: "Q3 sales", createdAt: "2026-11-25T00:00:00Z" }] })
        : json(404, {}),
    );
    vi.stubGlobal("fetch", fetch);
    render(<App />);
    await screen.findByRole("button", { name: "Q3 sales" });
    expect(screen.getByText("Signed in as alice")).toBeTruthy();
    await new Promise((r) => setTimeout(r, 100));
    expect(fetch.mock.calls.filter(([u]) => u === "/api/artifacts")).toHaveLength(1);
  });

  it("goes back to sign-in when the token is refused", async () => {
    localStorage.setItem("rowpress.token", TOKEN);
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json(401, { error: { code: "UNAUTHORIZED", message: "a valid bearer token is required" } })),
    );
    render(<App />);
    await screen.findByRole("form", { name: "Sign in" });
    await waitFor(() => expect(localStorage.getItem("rowpress.token")).toBeNull());
  });

  it("asks for a token when the server has no dev login", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(404, { error: { code: "NOT_FOUND", message: "route not found" } })));
    render(<App />);
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await screen.findByLabelText(/Bearer token/);
    expect(screen.queryByLabelText("User")).toBeNull();
  });
});
