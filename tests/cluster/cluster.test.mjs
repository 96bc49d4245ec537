// Two upload-server instances sharing one PostgreSQL database and one
// S3-compatible bucket (s3s-fs), as behind a load balancer: whatever one
// instance does, the other sees; nothing in an instance's memory or disk
// is needed by the other. Run by scripts/test-cluster.sh.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = process.env.UPLOAD_SERVER_BIN ?? join(ROOT, "target/debug/upload-server");
const SECRET = "cluster-test-shared-secret";
const work = mkdtempSync(join(tmpdir(), "rowpress-cluster-"));
const db = `rowpress_cluster_${process.pid}`;
const children = [];

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function until(what, fn) {
  for (let i = 0; i < 200; i++) {
    try {
      if (await fn()) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not come up`);
}

let s3port, env, A, B, token;

async function instance(name) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, [], {
    // Each instance gets its own scratch DATA_DIR: nothing may be shared there.
    env: { ...env, BIND: `127.0.0.1:${port}`, EXPORT_BASE_URL: base, DATA_DIR: join(work, name), RUST_LOG: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(child);
  await until(`instance ${name}`, async () => (await fetch(`${base}/readyz`)).ok);
  return base;
}

before(async () => {
  execFileSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-qc", `CREATE DATABASE ${db}`]);
  s3port = await freePort();
  mkdirSync(join(work, "s3/cluster"), { recursive: true });
  children.push(
    spawn("s3s-fs", ["--host", "127.0.0.1", "--port", String(s3port), "--access-key", "cluster", "--secret-key", "cluster-secret-key", join(work, "s3")], {
      stdio: "ignore",
    }),
  );
  await until("s3s-fs", async () => (await fetch(`http://127.0.0.1:${s3port}/`)).status > 0);
  env = {
    ...process.env,
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
    STORAGE_BACKEND: "s3",
    AWS_S3_BUCKET: "cluster",
    AWS_REGION: "us-east-1",
    S3_ENDPOINT: `http://127.0.0.1:${s3port}`,
    S3_FORCE_PATH_STYLE: "true",
    AWS_ACCESS_KEY_ID: "cluster",
    AWS_SECRET_ACCESS_KEY: "cluster-secret-key",
    AUTH_SECRET: SECRET,
    STATIC_DIR: "/nonexistent",
    RATE_LIMIT_PER_MINUTE: "10",
  };
  A = await instance("a");
  B = await instance("b");
  // A token made with the shared secret, by neither instance.
  token = execFileSync(BIN, ["token", "--user", "carol"], { env: { ...env, DATA_DIR: join(work, "cli") } }).toString().trim();
});

after(async () => {
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r)))));
  try {
    execFileSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-qc", `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

async function call(base, path, init = {}, bearer = token) {
  const res = await fetch(base + path, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

test("one instance's work is the other's: upload, list, fetch, download, replay, delete", async () => {
  const table = { title: "Cluster", headers: ["a", "b"], rows: [["x", 1], ["y", 2]] };
  const created = await call(A, "/api/artifacts", { method: "POST", body: JSON.stringify({ type: "table", data: table }) });
  assert.equal(created.status, 201);
  const artifactId = created.body.id;
  assert.equal((await call(B, `/api/artifacts/${artifactId}`)).body.title, "Cluster", "B reads A's artifact");

  // A renders a PDF; its bytes, fetched by the presigned URL, are what gets uploaded.
  const rendered = await call(A, "/api/artifacts/export", { method: "POST", body: JSON.stringify({ artifactId, format: "pdf" }) });
  assert.equal(rendered.status, 201);
  const pdf = Buffer.from(await (await fetch(rendered.body.url)).arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");

  const upload = (base, key, bytes) =>
    call(base, `/api/artifacts/${artifactId}/exports?format=pdf`, {
      method: "POST",
      headers: { "content-type": "application/pdf", "idempotency-key": key },
      body: bytes,
    });
  const first = await upload(A, "cluster-key-1", pdf);
  assert.equal(first.status, 201);
  assert.equal(first.body.sha256, sha(pdf));

  // The replay reaches the other instance: the same export, no new row.
  const replay = await upload(B, "cluster-key-1", pdf);
  assert.equal(replay.status, 201);
  assert.equal(replay.body.id, first.body.id);
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  const conflict = await upload(B, "cluster-key-1", Buffer.concat([pdf, Buffer.from("\n")]));
  assert.equal(conflict.status, 409);

  const list = await call(B, `/api/exports?artifactId=${artifactId}`);
  assert.deepEqual(list.body.items.map((x) => x.id).sort(), [first.body.id, rendered.body.id].sort());
  const meta = await call(B, `/api/exports/${first.body.id}`);
  assert.equal(meta.status, 200);
  const got = Buffer.from(await (await fetch(meta.body.url)).arrayBuffer());
  assert.equal(sha(got), sha(pdf), "B's fresh URL downloads A's upload");

  const del = await call(A, `/api/exports/${first.body.id}`, { method: "DELETE" });
  assert.equal(del.status, 204);
  assert.equal((await call(B, `/api/exports/${first.body.id}`)).status, 404, "gone for B");
  assert.equal((await call(A, `/api/exports/${first.body.id}`)).status, 404, "gone for A");
  assert.equal((await fetch(meta.body.url)).status, 404, "the object is gone from the bucket");
  const after = await call(B, `/api/exports?artifactId=${artifactId}`);
  assert.deepEqual(after.body.items.map((x) => x.id), [rendered.body.id]);
});

test("both instances answer health checks and share the token secret", async () => {
  for (const base of [A, B]) {
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await call(base, "/api/artifacts")).status, 200);
    const wrong = await fetch(`${base}/api/artifacts`, { headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
  }
});

test("the rate limit is one per user across instances, not one per instance", async () => {
  const dave = execFileSync(BIN, ["token", "--user", "dave"], { env: { ...env, DATA_DIR: join(work, "cli") } }).toString().trim();
  const table = { headers: ["a"], rows: [["x"]] };
  const created = await call(A, "/api/artifacts", { method: "POST", body: JSON.stringify({ type: "table", data: table }) }, dave);
  assert.equal(created.status, 201);
  const statuses = [];
  for (let i = 0; i < 14; i++) {
    const res = await call(i % 2 ? B : A, "/api/artifacts/export", { method: "POST", body: JSON.stringify({ artifactId: created.body.id, format: "xlsx" }) }, dave);
    statuses.push(res.status);
    if (res.status === 429) assert.ok(Number(res.headers.get("retry-after")) >= 1, "Retry-After");
  }
  // RATE_LIMIT_PER_MINUTE=10, spent alternately on A and B: ten, then refusals from both.
  assert.deepEqual(statuses, [...Array(10).fill(201), 429, 429, 429, 429]);
  const list = await call(B, `/api/exports?artifactId=${created.body.id}`, {}, dave);
  assert.equal(list.body.items.length, 10);
});
