// Rowpress's service worker: the app shell, its scripts and the wasm are
// cached at install, so the app opens and exports with no network. The API
// is never cached here (the app keeps what it needs in IndexedDB); fonts
// are cached the first time they are fetched.
const VERSION = self.__ROWPRESS_VERSION__;
const ASSETS = self.__ROWPRESS_ASSETS__;
const APP_CACHE = `rowpress-app-${VERSION}`;
const FONT_CACHE = "rowpress-fonts-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(APP_CACHE)
      .then((cache) => cache.addAll(["/", ...ASSETS.filter((a) => a !== "/index.html" && a !== "/sw.js")]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("rowpress-app-") && k !== APP_CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function page(request) {
  try {
    return await fetch(request);
  } catch {
    const cache = await caches.open(APP_CACHE);
    return (await cache.match("/")) ?? Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return; // always the network
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/fonts/")) {
    event.respondWith(cacheFirst(request, FONT_CACHE));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(cacheFirst(request, APP_CACHE));
  }
});
