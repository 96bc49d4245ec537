#!/usr/bin/env bash
# Builds the npm package `rowpress` offline: the wasm32 target (from rustup or
# the kept copy in ../shared/toolchain), wasm-bindgen-cli pinned to the
# wasm-bindgen version in Cargo.lock, wasm-pack (told to run no wasm-opt, so
# it downloads nothing), then wasm-opt from binaryen's npm package, pinned in
# exporter-wasm/tools (Debian's binaryen 108 breaks the module:
# docs/decisions.md). Output:
#   target/npm/rowpress/        the package directory
#   target/npm/rowpress-X.Y.Z.tgz  what `npm install` users get
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Toolchain pieces, each skipped when present at the right version.
if [ -x ../shared/toolchain/install-wasm-target.sh ] || [ -f ../shared/toolchain/install-wasm-target.sh ]; then
  bash ../shared/toolchain/install-wasm-target.sh
else
  rustup target add wasm32-unknown-unknown
fi
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  # --locked first, as recommended; its lock file names a webpki-roots
  # release the registry no longer serves, so fall back to a fresh resolve
  # of the same wasm-bindgen-cli version.
  cargo install --locked wasm-bindgen-cli --version "$bindgen_version" ||
    cargo install wasm-bindgen-cli --version "$bindgen_version"
fi
command -v wasm-pack >/dev/null || cargo install --locked wasm-pack --version 0.15.1
(cd exporter-wasm/tools && npm ci --no-audit --no-fund --silent)
wasm_opt="$root/exporter-wasm/tools/node_modules/.bin/wasm-opt"

out="$root/target/npm/rowpress"
rm -rf "$out"
mkdir -p "$out"
WASM_PACK_CACHE="$root/target/wasm-pack-cache" \
  wasm-pack build exporter-wasm --profile wasm --target web --out-dir "$out/web" --out-name rowpress --no-pack
rm -f "$out/web/.gitignore" "$out/web/package.json" "$out/web/README.md"
# The same module with WebAssembly SIMD (zlib-rs's hash sliding and
# string compares, and LLVM's vectorised loops: docs/decisions.md), in a
# target directory of its own so that neither build invalidates the
# other's cache. Its JavaScript glue is the same file; the loaders pick
# this module where the engine validates SIMD, else the one above.
simd_out="$root/target/npm-simd"
rm -rf "$simd_out"
CARGO_TARGET_DIR="$root/target/wasm-simd" RUSTFLAGS="-C target-feature=+simd128" \
  WASM_PACK_CACHE="$root/target/wasm-pack-cache" \
  wasm-pack build exporter-wasm --profile wasm --target web --out-dir "$simd_out" --out-name rowpress --no-pack
cmp "$simd_out/rowpress.js" "$out/web/rowpress.js"
# The features are the ones rustc 1.95 enables by default for wasm32
# (and SIMD for the second module).
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
"$wasm_opt" -O3 "${features[@]}" "$out/web/rowpress_bg.wasm" -o "$out/web/rowpress_bg.wasm"
"$wasm_opt" -O3 "${features[@]}" --enable-simd "$simd_out/rowpress_bg.wasm" -o "$out/web/rowpress_simd_bg.wasm"
cp exporter-wasm/npm/*.js exporter-wasm/npm/*.d.ts exporter-wasm/npm/README.md exporter-wasm/npm/package.json "$out/"
cp LICENSE* "$out/" 2>/dev/null || true
(cd "$root/target/npm" && rm -f rowpress-*.tgz && npm pack ./rowpress --silent >/dev/null)
ls -l "$out/web/"*.wasm "$root"/target/npm/rowpress-*.tgz
for module in rowpress_bg rowpress_simd_bg; do
  printf '%s.wasm: %s bytes, %s bytes gzipped\n' "$module" "$(stat -c %s "$out/web/$module.wasm")" "$(gzip -9c "$out/web/$module.wasm" | wc -c)"
done
