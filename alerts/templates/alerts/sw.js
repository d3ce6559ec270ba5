{% load static %}// RSE service worker: served at /sw.js (scope "/") by alerts.views.service_worker.
// It keeps the application shell (style, scripts, icons and the offline page) so that
// the installed app starts without a network, shows the offline page when a page
// cannot be reached, and displays Web Push notifications. Signed-in pages are never
// cached (they are private).
"use strict";
var SHELL = "rse-shell-{{ version }}";
var OFFLINE = "{% url 'alerts:offline' %}";
var ASSETS = [
  OFFLINE,
  "{% static 'css/rse.css' %}",
  "{% static 'js/site.js' %}",
  "{% static 'js/app.js' %}",
  "{% static 'img/app-icon-192.png' %}",
  "{% static 'img/app-icon-512.png' %}",
  "{% static 'img/favicon.svg' %}"
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(ASSETS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("rse-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE);
    }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});

// A push carries one notification's sentence and link (never a post's text).
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = data.title || "RSE";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.id ? "notification-" + data.id : undefined,
    icon: "{% static 'img/app-icon-192.png' %}",
    data: { url: data.url || "/notifications/" },
    requireInteraction: !!data.urgent
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || "/notifications/";
  if (target.charAt(0) !== "/" || target.charAt(1) === "/") { target = "/notifications/"; }
  event.waitUntil(self.clients.openWindow(target));
});
