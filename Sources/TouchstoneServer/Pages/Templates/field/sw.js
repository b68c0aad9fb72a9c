// Touchstone field form service worker (docs/field.md), scope /field/. Keeps the field pages
// (the visit list, each visit's form with its template) and /field/app.js so they open with
// no network. Pages go to the network first and fall back to the copy kept here; nothing
// outside /field/ (the API, the head-office pages) passes through it.
'use strict';
const CACHE = 'touchstone-field-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['/field/app.js'])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

// The page asks for its visits' forms to be kept: {cache: [url, ...]}.
self.addEventListener('message', (event) => {
  const urls = event.data && Array.isArray(event.data.cache) ? event.data.cache : [];
  event.waitUntil(keep(urls.filter((url) => typeof url === 'string' && url.startsWith('/field/'))));
});

async function keep(urls) {
  const cache = await caches.open(CACHE);
  for (const url of new Set(urls)) {
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch (error) {
      // Offline now: the copy kept earlier stays.
    }
  }
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/field/')) return;
  event.respondWith(networkFirst(event.request, url.pathname));
});

async function networkFirst(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // A redirect (to the login page) is not the page: keep the old copy.
    if (response.ok && !response.redirected) await cache.put(path, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(path);
    if (kept) return kept;
    throw error;
  }
}
