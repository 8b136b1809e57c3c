// Passerelle serve: reloads the page after each good build, and shows build errors over the
// page while the content has some. Injected by `passerelle serve` only, never published.
(function () {
  "use strict";
  var OVERLAY = "passerelle-errors";
  function showErrors(text) {
    var box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:24px";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("p");
    title.style.cssText = "font-weight:700;font-size:16px;color:#ffb4a8;margin:0 0 12px";
    title.textContent = "passerelle: the site has errors; showing the last good build underneath";
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    pre.textContent = text;
    box.appendChild(title);
    box.appendChild(pre);
  }
  var source = new EventSource("/_passerelle/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("errors", function (e) { showErrors(JSON.parse(e.data)); });
})();
