// The installed portal's service worker: it keeps the shell (stylesheet, scripts, icon, the
// offline page) and, when the network is gone, answers a page request with the offline page.
// Pages themselves are never cached: they hold people's data.
"use strict";
var SHELL = "portico-shell-9";
var FILES = ["/static/portico-11.css", "/static/htmx-2.0.11.min.js", "/static/portico-app-5.js",
             "/static/icon.svg", "/offline"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(FILES); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== SHELL; })
                            .map(function (n) { return caches.delete(n); }));
  }));
  self.clients.claim();
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match("/offline"); }));
    return;
  }
  var url = new URL(request.url);
  if (url.origin === self.location.origin && url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
