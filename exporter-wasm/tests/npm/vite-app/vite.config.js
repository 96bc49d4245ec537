export default {
  root: new URL(".", import.meta.url).pathname,
  logLevel: "warn",
  build: { outDir: "dist", emptyOutDir: true },
  optimizeDeps: { exclude: ["rowpress"] },
};
