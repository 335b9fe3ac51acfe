// The staff app's service worker. Served by aidtrack.staff.views.app.service_worker at /sw.js, which
// puts SHELL (the static files, pages and data to keep) and VERSION in front of this file.
//
// Static files: from the cache first (their names carry a hash, so a kept one is never stale).
// Pages and data: from the network, kept for later; from the cache when the network fails or is too slow.
// Sign-in, sign-out and the outbox's own requests always go to the network and are never kept.
// Background Sync is not used (other browsers lack it): the pages' outbox sends when it sees a connection.

/* global SHELL, VERSION */
const STATIC_CACHE = `aidtrack-static-${VERSION}`;
const PAGES_CACHE = "aidtrack-pages";
const NETWORK_WAIT_MS = 6000;
const NEVER_KEPT = ["/staff/login/", "/staff/logout/", "/staff/outbox/", "/staff/password/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const statics = await caches.open(STATIC_CACHE);
      await statics.addAll(SHELL.static);
      // Pages need the signed-in session; one that redirects to the sign-in page is not kept.
      const pages = await caches.open(PAGES_CACHE);
      await Promise.all(
        [...SHELL.pages, ...SHELL.data].map(async (url) => {
          try {
            const response = await fetch(url, { credentials: "same-origin" });
            if (keepable(response)) await pages.put(url, response);
          } catch (error) {
            // Offline while installing: the page is kept the next time it is opened.
          }
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("aidtrack-static-") && name !== STATIC_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function keepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

async function fromCacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (keepable(response)) (await caches.open(STATIC_CACHE)).put(request, response.clone());
  return response;
}

async function fromNetworkFirst(request, { navigation }) {
  const pages = await caches.open(PAGES_CACHE);
  const cached = await pages.match(request, { ignoreSearch: navigation });
  const network = fetch(request).then(async (response) => {
    if (keepable(response) && !request.url.includes("?")) await pages.put(request, response.clone());
    return response;
  });
  if (!cached) {
    try {
      return await network;
    } catch (error) {
      return navigation ? offlinePage() : Response.error();
    }
  }
  // A connection that answers too slowly is treated as none: the kept copy is shown instead.
  const slow = new Promise((resolve) => setTimeout(() => resolve(null), NETWORK_WAIT_MS));
  try {
    return (await Promise.race([network, slow])) || cached;
  } catch (error) {
    return cached;
  }
}

async function offlinePage() {
  // A page never opened online: the dashboard is shown (it lists the outbox) rather than the browser's error.
  const dashboard = await caches.match(SHELL.pages[0]);
  return dashboard || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER_KEPT.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (url.pathname.startsWith(SHELL.staticPrefix)) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fromNetworkFirst(request, { navigation: true }));
  } else if (SHELL.data.includes(url.pathname) || url.pathname.startsWith("/staff/lookup/")) {
    event.respondWith(fromNetworkFirst(request, { navigation: false }));
  }
});

self.addEventListener("message", (event) => {
  // Sent by the pages when the account on this device changes or signs out: no page of the last one stays.
  if (event.data === "forget-pages") event.waitUntil(caches.delete(PAGES_CACHE));
});
