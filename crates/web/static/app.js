// Live updates for the crisis room and the overview, over Server-Sent Events.
// The pages work without this script; it only adds what others change while the page is open.
(function () {
  "use strict";
  var live = document.body.getAttribute("data-live-incident");
  if (!live || !window.EventSource) { wirePrint(); return; }
  var words = texts();

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localTime(iso) {
    var d = new Date(iso);
    var parts = new Intl.DateTimeFormat("da-DK", { timeZone: "Europe/Copenhagen", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }).formatToParts(d);
    var p = {}; parts.forEach(function (x) { p[x.type] = x.value; });
    return p.day + "." + p.month + "." + p.year + " kl. " + p.hour + "." + p.minute;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function addLogEntry(e) {
    var list = document.getElementById("log");
    if (!list || document.getElementById("log-" + e.seq)) return;
    var li = el("li", "entry new"); li.id = "log-" + e.seq; li.setAttribute("data-seq", e.seq);
    var head = el("div", "entry-head");
    head.appendChild(el("span", "seq", "#" + e.seq)); head.appendChild(document.createTextNode(" "));
    var t = el("time", null, localTime(e.at)); t.setAttribute("datetime", e.at); head.appendChild(t);
    head.appendChild(document.createTextNode(" · "));
    head.appendChild(el("span", "cat cat-" + e.category, words[e.category] || e.category));
    head.appendChild(document.createTextNode(" · " + e.author.name + ", " + (words[e.author.role] || e.author.role) + " (" + e.author.org + ")"));
    if (e.corrects) {
      head.appendChild(document.createTextNode(" · "));
      var a = el("a", null, words.corrects + " " + e.corrects); a.href = "#log-" + e.corrects; head.appendChild(a);
    }
    li.appendChild(head);
    var p = el("p", "entry-text");
    e.text.split("\n").forEach(function (line, i) { if (i) p.appendChild(document.createElement("br")); p.appendChild(document.createTextNode(line)); });
    li.appendChild(p);
    list.insertBefore(li, list.firstChild);
    var max = document.getElementById("corrects"); if (max) max.max = e.seq;
    // The chain grows by the entry, and a corrected entry says which entry corrects it.
    var count = document.getElementById("chain-count");
    if (count && Number(count.textContent) < e.seq) count.textContent = String(e.seq);
    if (e.corrects) markCorrected(e.corrects, e.seq);
  }

  function markCorrected(seq, by) {
    var holder = document.querySelector("#log-" + seq + " .corrected-by");
    if (!holder || holder.querySelector("a[href='#log-" + by + "']")) return;
    holder.appendChild(document.createTextNode(" · "));
    var a = el("a", "corrected", words.corrected_by + " #" + by); a.href = "#log-" + by;
    holder.appendChild(a);
  }

  function notice() {
    var n = document.getElementById("live-notice");
    if (n) n.hidden = false;
  }

  // Resume after what the server rendered into the page, so nothing committed meanwhile is lost.
  var room = document.querySelector("[data-last-event]");
  var after = room ? "?after=" + encodeURIComponent(room.getAttribute("data-last-event")) : "";
  var source = new EventSource("/api/v1/events" + after);
  function mine(ev) {
    var data = JSON.parse(ev.data);
    return (live === "all" || data.incident_id === live) ? data : null;
  }
  source.addEventListener("log.appended", function (ev) {
    var d = mine(ev); if (!d) return;
    if (live === "all") return;
    addLogEntry(d.payload);
  });
  // The process lead and the authority are alerted in the app when their guide goes overdue.
  source.addEventListener("guide.overdue", function (ev) {
    var d = mine(ev); if (!d) return;
    var box = document.getElementById("overdue-alert");
    if (!box) {
      box = el("div", "notice error"); box.id = "overdue-alert"; box.setAttribute("role", "alert");
      var main = document.getElementById("main"); main.insertBefore(box, main.firstChild);
    }
    box.textContent = words.overdue;
  });
  ["incident.status", "incident.roles", "checklist.updated", "incident.created", "guide.published"].forEach(function (kind) {
    source.addEventListener(kind, function (ev) { if (mine(ev)) notice(); });
  });
  // The call-out section is drawn again from the server when the call-out moves on, and every
  // 15 s while it is open, for the delivery states that come back from the gateways.
  function refreshCallout(announce) {
    var box = document.getElementById("callout");
    if (!box || box.querySelector("details[open]")) return;
    fetch("/incidents/" + box.getAttribute("data-callout") + "/callout", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var now = document.getElementById("callout");
        if (!html || !now) return;
        var t = document.createElement("template"); t.innerHTML = html.trim();
        var next = t.content.firstElementChild;
        if (!next) return;
        now.replaceWith(next);
        var say = document.getElementById("callout-live");
        if (announce && say) say.textContent = words.callout;
      });
  }
  source.addEventListener("callout.changed", function (ev) { if (mine(ev)) refreshCallout(true); });
  if (document.getElementById("callout")) setInterval(function () { refreshCallout(false); }, 15000);
  wirePrint();

  function wirePrint() {
    var b = document.querySelector("[data-print]");
    if (b) b.addEventListener("click", function () { window.print(); });
  }
})();

// The agent console: banners refresh themselves when a guide is published or goes overdue;
// on a guide page a newer version is announced with a link to show it.
(function () {
  "use strict";
  var holder = document.querySelector("[data-agent]");
  if (!holder || !window.EventSource) return;
  var live = holder.getAttribute("data-agent");
  var banners = document.getElementById("banners");
  var after = "?after=" + encodeURIComponent(holder.getAttribute("data-last-event"));
  var source = new EventSource("/api/v1/events" + after);
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var url = banners ? "/agent/banners" : "/agent/banners?incident=" + encodeURIComponent(live);
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html").body.firstElementChild;
      var target = banners || document.querySelector("article.banner[id^='banner-']");
      if (!fresh || !target) return;
      var before = target.getAttribute("data-version");
      target.replaceWith(fresh);
      if (banners) { banners = fresh; }
      var now = fresh.getAttribute("data-version");
      if (!banners && before && now && now !== before) {
        var n = document.getElementById("live-notice");
        if (n) n.hidden = false;
      }
      countdowns();
    }).catch(function () {}).then(function () {
      busy = false;
      if (again) { again = false; refresh(); }
    });
  }
  function relevant(ev) {
    var d = JSON.parse(ev.data);
    return live === "all" || d.incident_id === live;
  }
  ["guide.published", "guide.overdue", "incident.status"].forEach(function (kind) {
    source.addEventListener(kind, function (ev) { if (relevant(ev)) refresh(); });
  });
})();

// The page's words, from the server's translation table (the script holds none of its own).
function texts() {
  "use strict";
  var el = document.getElementById("ks-texts");
  try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
}

// "in 35 min" next to every next-update time.
function countdowns() {
  "use strict";
  var soon = texts()["in"] || "";
  document.querySelectorAll("[data-countdown]").forEach(function (el) {
    var left = Math.round((new Date(el.getAttribute("data-countdown")) - new Date()) / 60000);
    if (left < 0) { el.textContent = ""; return; }
    var h = Math.floor(left / 60), m = left % 60;
    var text = h > 0 ? h + " t " + m + " min" : m + " min";
    el.textContent = "(" + soon + " " + text + ")";
  });
}
countdowns();
setInterval(countdowns, 30000);
