import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb } from "./idb";
import { Api, ApiError, NetworkError } from "./api";
import { sendUpload } from "./offline";
import { backoffMs, enqueue, flush, pending, type PendingUpload, type SendResult } from "./queue";

function item(key: string, createdAt: number, userId = "alice"): Omit<PendingUpload, "attempts"> {
  return {
    key,
    userId,
    artifactId: "a1",
    format: "pdf",
    fileName: "t.pdf",
    bytes: new Uint8Array([37, 80, 68, 70]).buffer,
    createdAt,
  };
}

beforeEach(async () => {
  await closeDb();
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase("rowpress");
    req.onsuccess = req.onerror = () => resolve();
  });
});
afterEach(() => vi.restoreAllMocks());

describe("the offline upload queue", () => {
  it("keeps uploads per user, oldest first, bytes intact", async () => {
    await enqueue(item("k2", 2));
    await enqueue(item("k1", 1));
    await enqueue(item("k3", 3, "bob"));
    const mine = await pending("alice");
    expect(mine.map((u) => u.key)).toEqual(["k1", "k2"]);
    expect(mine[0].attempts).toBe(0);
    expect(new Uint8Array(mine[0].bytes)).toEqual(new Uint8Array([37, 80, 68, 70]));
    expect((await pending("bob")).map((u) => u.key)).toEqual(["k3"]);
  });

  it("removes what was sent and sends each once, with its own key", async () => {
    await enqueue(item("k1", 1));
    await enqueue(item("k2", 2));
    const send = vi.fn(async (): Promise<SendResult> => ({ kind: "sent" }));
    const report = await flush("alice", send);
    expect(report).toEqual({ sent: 2, waiting: 0, refused: 0 });
    expect(send.mock.calls.map((c) => (c as unknown as [PendingUpload])[0].key)).toEqual(["k1", "k2"]);
    expect(await pending("alice")).toEqual([]);
  });

  it("keeps an upload that must be retried, with the same key, and stops there", async () => {
    await enqueue(item("k1", 1));
    await enqueue(item("k2", 2));
    const offline = vi.fn(async (): Promise<SendResult> => ({ kind: "retry", reason: "offline" }));
    expect(await flush("alice", offline)).toEqual({ sent: 0, waiting: 2, refused: 0 });
    expect(offline).toHaveBeenCalledTimes(1);
    const left = await pending("alice");
    expect(left.map((u) => [u.key, u.attempts])).toEqual([
      ["k1", 1],
      ["k2", 0],
    ]);
    const keys: string[] = [];
    await flush("alice", async (u) => (keys.push(u.key), { kind: "sent" }));
    expect(keys).toEqual(["k1", "k2"]);
  });

  it("marks a refused upload and does not send it again", async () => {
    await enqueue(item("k1", 1));
    const send = vi.fn(async (): Promise<SendResult> => ({ kind: "refused", reason: "not a PDF" }));
    expect(await flush("alice", send)).toEqual({ sent: 0, waiting: 0, refused: 1 });
    expect((await pending("alice"))[0].failed).toBe("not a PDF");
    await flush("alice", send);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("treats a throwing sender as retry", async () => {
    await enqueue(item("k1", 1));
    const report = await flush("alice", async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(report.waiting).toBe(1);
  });

  it("shares one run between concurrent flushes: nothing is sent twice", async () => {
    await enqueue(item("k1", 1));
    let calls = 0;
    const send = async (): Promise<SendResult> => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { kind: "sent" };
    };
    const [a, b] = await Promise.all([flush("alice", send), flush("alice", send)]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
  });

  it("waits after a retry the server asked for, longer each time", async () => {
    await enqueue(item("k1", 1));
    const busy = vi.fn(async (): Promise<SendResult> => ({ kind: "retry", reason: "507", backoff: true }));
    await flush("alice", busy);
    const [u] = await pending("alice");
    expect(u.attempts).toBe(1);
    expect(u.nextAttemptAt).toBeGreaterThan(Date.now() + 3_000);
    // Not yet due: not sent.
    await flush("alice", busy);
    expect(busy).toHaveBeenCalledTimes(1);
    expect(backoffMs(1, () => 0.5)).toBe(5_000);
    expect(backoffMs(3, () => 0.5)).toBe(20_000);
    expect(backoffMs(30, () => 0.5)).toBe(600_000);
  });
});

describe("sending one upload", () => {
  const upload = { ...item("k1", 1), attempts: 0 } as PendingUpload;
  const api = new Api("token");
  const record = (status: string, url: string | null) =>
    ({ id: "e1", artifactId: "a1", format: "pdf", url, status, source: "upload", createdAt: "", sizeBytes: 4, sha256: "" }) as never;

  it("counts as sent only a completed export with a URL", async () => {
    vi.spyOn(api, "upload").mockResolvedValue(record("completed", "http://x/file"));
    expect((await sendUpload(api, upload)).kind).toBe("sent");
  });

  it("keeps the bytes on a 2xx that is not a kept file", async () => {
    for (const [status, url] of [["failed", null], ["processing", null], ["completed", null]] as const) {
      vi.spyOn(api, "upload").mockResolvedValue(record(status, url));
      expect(await sendUpload(api, upload)).toMatchObject({ kind: "retry", backoff: true });
    }
  });

  it("retries a key in flight, a full or busy server, and refuses other bytes under a key", async () => {
    const cases: [unknown, string, boolean?][] = [
      [new ApiError(409, "IN_PROGRESS", "still being stored"), "retry", true],
      [new ApiError(507, "STORAGE_FULL", "full"), "retry", true],
      [new ApiError(503, "UNAVAILABLE", "down"), "retry", true],
      [new NetworkError(), "retry", false],
      [new ApiError(409, "CONFLICT", "other bytes"), "refused"],
      [new ApiError(422, "UNPROCESSABLE", "not a PDF"), "refused"],
    ];
    for (const [error, kind, backoff] of cases) {
      vi.spyOn(api, "upload").mockRejectedValue(error);
      const got = await sendUpload(api, upload);
      expect(got.kind).toBe(kind);
      if (kind === "retry") expect((got as { backoff?: boolean }).backoff).toBe(backoff);
    }
  });
});
