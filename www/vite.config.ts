/// <reference types="vitest/config" />
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * Emits `sw.js`, the service worker that keeps the app usable offline: the
 * template in src/sw/sw.js gets the list of every file of this build and a
 * version derived from their names (hashed), so a new build replaces the
 * old cache and an unchanged one keeps it.
 */
function serviceWorker(): Plugin {
  const template = fileURLToPath(new URL("./src/sw/sw.js", import.meta.url));
  return {
    name: "rowpress-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith(".map")).sort();
      const version = createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 16);
      const source = readFileSync(template, "utf8")
        .replace("self.__ROWPRESS_ASSETS__", JSON.stringify(files.map((f) => `/${f}`)))
        .replace("self.__ROWPRESS_VERSION__", JSON.stringify(version));
      this.emitFile({ type: "asset", fileName: "sw.js", source });
    },
  };
}

export default defineConfig({
  plugins: [react(), serviceWorker()],
  // rowpress loads its wasm and worker by `new URL(..., import.meta.url)`:
  // left unbundled in development so those URLs stay valid.
  optimizeDeps: { exclude: ["rowpress"] },
  worker: { format: "es" },
  build: { target: "es2022", sourcemap: false },
  server: {
    proxy: { "/api": "http://127.0.0.1:3000", "/fonts": "http://127.0.0.1:3000" },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test-setup.ts"],
  },
});
