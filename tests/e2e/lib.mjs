// Shared by the end-to-end tests and the browser benchmark: a real
// upload-server on a free loopback port (SQLite, local storage, a scratch
// directory, the built www/dist) and Debian's Chromium.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

export const ROOT = resolve(import.meta.dirname, "../..");

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

/** Starts upload-server; `stop()` ends it and removes its files. */
export async function startServer() {
  const bin = process.env.UPLOAD_SERVER_BIN ?? join(ROOT, "target/debug/upload-server");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: cargo build -p upload-server`);
  const dist = join(ROOT, "www/dist");
  if (!existsSync(join(dist, "index.html"))) throw new Error("www/dist is missing: npm run build in www/");
  const dir = mkdtempSync(join(tmpdir(), "rowpress-e2e-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const child = spawn(bin, ["--dev-login"], {
    env: {
      ...process.env,
      BIND: `127.0.0.1:${port}`,
      DATA_DIR: dir,
      DATABASE_URL: `sqlite://${dir}/db.sqlite`,
      EXPORT_STORAGE_PATH: join(dir, "exports"),
      EXPORT_BASE_URL: base,
      STATIC_DIR: dist,
      RUST_LOG: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => log.push(d.toString()));
  child.stderr.on("data", (d) => log.push(d.toString()));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not up yet
    }
    if (i > 200 || child.exitCode !== null) throw new Error(`upload-server did not start:\n${log.join("")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const token = (
    await (
      await fetch(`${base}/api/dev/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: "e2e-user" }),
      })
    ).json()
  ).token;
  return {
    base,
    dir,
    token,
    log,
    /** A JSON API call as e2e-user, from Node (never affected by the browser's offline mode). */
    async api(path, init = {}) {
      const res = await fetch(base + path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) },
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function chromiumPath() {
  return process.env.CHROMIUM ?? execFileSync("sh", ["-c", "command -v chromium"]).toString().trim();
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Signs in through the page's dev login as e2e-user. */
export async function signIn(page, base) {
  await page.goto(base);
  await page.getByLabel("User").fill("e2e-user");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "New table" }).waitFor();
}
