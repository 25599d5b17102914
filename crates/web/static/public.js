// The public crisis page keeps itself current: it revalidates every few seconds (a cheap 304
// while nothing changed) and swaps in the new content. Without JavaScript the page is complete.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var b = document.querySelector("[data-print]");
  if (b) b.addEventListener("click", function () { window.print(); });
  if (!main || !window.fetch || !window.DOMParser) return;
  var every = (parseInt(main.getAttribute("data-refresh"), 10) || 10) * 1000;
  var etag = null;
  function check() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(location.pathname, { headers: headers, cache: "no-cache" }).then(function (r) {
      if (r.status !== 200) return null;
      var fresh = r.headers.get("ETag");
      var first = etag === null;
      etag = fresh;
      return first ? null : r.text();
    }).then(function (html) {
      if (!html) return;
      var next = new DOMParser().parseFromString(html, "text/html").getElementById("main");
      if (next) { main.innerHTML = next.innerHTML; }
    }).catch(function () {}).then(function () { setTimeout(check, every); });
  }
  check();
})();
