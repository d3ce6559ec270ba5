// The installable app: registers the service worker (/sw.js), and on the notification
// settings page offers to receive pushes on this device (the button is there only
// when the site has VAPID keys; everything else on the page works without script).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  var registration = navigator.serviceWorker.register("/sw.js", { scope: "/" });

  var button = document.querySelector("[data-push-subscribe]");
  if (!button) { return; }
  var status = document.getElementById("push-status");
  if (!("PushManager" in window)) {
    if (status) { status.textContent = button.getAttribute("data-unsupported"); }
    return;
  }
  button.hidden = false;

  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    registration.then(function () { return navigator.serviceWorker.ready; })
      .then(function (ready) {
        return ready.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key(button.getAttribute("data-vapid-key"))
        });
      })
      .then(function (subscription) {
        return fetch(button.getAttribute("data-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify(subscription.toJSON())
        });
      })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        window.location.reload();
      })
      .catch(function () {
        button.disabled = false;
        if (status) { status.textContent = button.getAttribute("data-failed"); }
      });
  });
})();
