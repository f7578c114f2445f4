// Doorstep service worker: keeps the app shell of this exact build on the device so the app
// opens in a lift or a basement. `cargo xtask precache` (Trunk's post_build hook) replaces BUILD
// and PRECACHE below with the build's hash and its file list; nothing here is kept by hand.
const BUILD = "dev";
const PRECACHE = [];
const CACHE = `doorstep-shell-${BUILD}`;
const CACHE_PREFIX = "doorstep-shell-";
// What the server answers itself, always fetched: the API, the supervisor's page and bundle, and
// the recipient's consent page (a courier may open a link on their own phone). The shell is the
// courier app's.
const SERVER_PATHS = ["/api/", "/supervisor", "/c/", "/healthz"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Take control first, then drop older shells: a page is never left without its files.
      await self.clients.claim();
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE).map((n) => caches.delete(n)),
      );
    })(),
  );
});

// Background Sync: when the connection returns, wake the open pages so they push their queue.
// The queue and its rules live in the app; the worker only rings the bell.
self.addEventListener("sync", (event) => {
  if (event.tag !== "doorstep-sync") return;
  event.waitUntil(
    self.clients
      .matchAll({ type: "window" })
      .then((clients) => clients.forEach((client) => client.postMessage("sync-now"))),
  );
});

// The app asks a waiting worker to take over when the courier taps "reload".
self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const ownShell =
    request.method === "GET" &&
    url.origin === self.location.origin &&
    !SERVER_PATHS.some((path) => url.pathname.startsWith(path));
  if (!ownShell) return;
  if (request.mode === "navigate") {
    // Every route of the courier app (/, /login, /courier) is index.html.
    event.respondWith(
      caches.match("/index.html", { cacheName: CACHE }).then((hit) => hit || fetch(request)),
    );
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});
