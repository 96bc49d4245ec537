// The upload-server API, typed as its OpenAPI document describes it
// (GET /api/openapi.json).

import type { Format, TableData, Workbook } from "rowpress";
import { MIME } from "./formats";
import { type Sheet, toSheets } from "./table";

export interface ArtifactSummary {
  id: string;
  /** `table`: one table; `sheet`: a workbook of tables (or one). */
  type: "table" | "sheet";
  title: string | null;
  createdAt: string;
}

export interface Artifact extends ArtifactSummary {
  /** The table or workbook as stored (exported as it is: its columns' alignment and widths included). */
  data: TableData | Workbook;
  /** Its sheets as grids of headers and rows, for showing them (a table is one). */
  sheets: Sheet[];
}

export interface ExportRecord {
  id: string;
  artifactId: string;
  format: Format;
  url: string | null;
  status: "processing" | "completed" | "failed";
  source: "upload" | "server";
  createdAt: string;
  sizeBytes: number;
  sha256: string;
  /** What a server render kept another way than given, one line each. */
  warnings?: string[];
}

/** The server answered with an error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The server could not be reached (offline, or it is down). */
export class NetworkError extends Error {
  constructor(message = "the server cannot be reached") {
    super(message);
    this.name = "NetworkError";
  }
}

const TOKEN_KEY = "rowpress.token";

export function savedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** The user id (`sub`) of a JWT, or null if it is not one. */
export function tokenUser(token: string): string | null {
  try {
    const part = token.split(".")[1];
    if (!part) return null;
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const sub = JSON.parse(json).sub;
    return typeof sub === "string" ? sub : null;
  } catch {
    return null;
  }
}

async function call(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch {
    throw new NetworkError();
  }
  if (!res.ok) {
    let code = "HTTP_" + res.status;
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body?.error?.message) {
        code = body.error.code;
        message = body.error.message;
      }
    } catch {
      // not JSON: keep the status line
    }
    if (res.status >= 500 && res.status !== 503) message = `the server failed (${message})`;
    throw new ApiError(res.status, code, message);
  }
  return res;
}

export class Api {
  constructor(readonly token: string) {}

  get userId(): string {
    return tokenUser(this.token) ?? "";
  }

  async artifacts(): Promise<ArtifactSummary[]> {
    return (await (await call("/api/artifacts", { token: this.token })).json()).items;
  }

  async artifact(id: string): Promise<Artifact> {
    const artifact = await (await call(`/api/artifacts/${encodeURIComponent(id)}`, { token: this.token })).json();
    return { ...artifact, sheets: toSheets(artifact.data) };
  }

  async createArtifact(title: string | undefined, data: TableData): Promise<Artifact> {
    const res = await call("/api/artifacts", {
      token: this.token,
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ type: "table", title: title || undefined, data }),
    });
    const artifact = await res.json();
    return { ...artifact, sheets: toSheets(artifact.data) };
  }

  async exports(artifactId: string, cursor?: string): Promise<{ items: ExportRecord[]; nextCursor: string | null }> {
    const q = new URLSearchParams({ artifactId, limit: "50" });
    if (cursor) q.set("cursor", cursor);
    return (await call(`/api/exports?${q}`, { token: this.token })).json();
  }

  async exportRecord(id: string): Promise<ExportRecord> {
    return (await call(`/api/exports/${encodeURIComponent(id)}`, { token: this.token })).json();
  }

  async deleteExport(id: string): Promise<void> {
    await call(`/api/exports/${encodeURIComponent(id)}`, { token: this.token, method: "DELETE" });
  }

  /** Uploads the bytes made in the browser; the same key never makes two rows. */
  async upload(artifactId: string, format: Format, bytes: Blob | ArrayBuffer, idempotencyKey: string): Promise<ExportRecord> {
    const res = await call(`/api/artifacts/${encodeURIComponent(artifactId)}/exports?format=${format}`, {
      token: this.token,
      method: "POST",
      headers: { "Content-Type": MIME[format], "Idempotency-Key": idempotencyKey },
      body: bytes,
    });
    return res.json();
  }

  async event(body: Record<string, unknown>): Promise<void> {
    await call("/api/events", {
      token: this.token,
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      keepalive: true,
    });
  }
}

/** A token from the development login, or null when the server has none. */
export async function devLogin(userId: string): Promise<string | null> {
  try {
    const res = await call("/api/dev/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ userId }),
    });
    return (await res.json()).token;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

/** Whether a failed call should be retried later rather than reported:
 * the network, the server busy or down (503, 507 full, 429), a token to
 * renew (401), or an upload with the same key still being stored (409
 * IN_PROGRESS; another 409 means other bytes under the key, for good). */
export function isTransient(e: unknown): boolean {
  if (e instanceof NetworkError) return true;
  if (!(e instanceof ApiError)) return false;
  if (e.status === 409) return e.code === "IN_PROGRESS";
  return [401, 408, 429, 502, 503, 504, 507].includes(e.status);
}

/** Whether the server has kept an upload's file: a 2xx alone does not say
 * so, a `completed` export with a download URL does. */
export function isKept(record: ExportRecord): boolean {
  return record.status === "completed" && typeof record.url === "string" && record.url.length > 0;
}
