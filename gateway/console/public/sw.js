// KAM console service worker: the app shell from the cache (network first, so a new build is taken at once when
// online), and the customer answers a signed-in user has read (their key customers, 360 pages opened) kept in
// "kam-data" for reading offline. The console deletes "kam-data" at sign-out; answers other than 200 are never
// kept. Everything else (changes, the push stream, sign-in) goes to the network only — so are the 显示 (show) reads
// of personal data (piiView=PII_VIEW_UNMASKED): an unmasked value is never kept on the device.
const SHELL = "kam-shell-v1";
const DATA = "kam-data-v1";
const KEEP = [/^\/v1\/users\/me$/, /^\/v1\/customerStats$/, /^\/v1\/customers(\/[^/:]+)?(\/[a-zA-Z]+)?$/, /^\/v1\/tierRuleSets$/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(["/", "/icon.svg", "/manifest.webmanifest"])));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== DATA).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, cacheName, fallbackUrl) {
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      const cache = await caches.open(cacheName);
      await cache.put(fallbackUrl ?? request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(fallbackUrl ?? request);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, SHELL, "/"));
  } else if (url.pathname.startsWith("/assets/")) {
    // hashed file names: a cached file is the right file
    event.respondWith(caches.match(request).then((hit) => hit ?? networkFirst(request, SHELL)));
  } else if (url.searchParams.get("piiView") === "PII_VIEW_UNMASKED") {
    return; // never cached, never answered from a cache
  } else if (KEEP.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkFirst(request, DATA));
  }
});
