// The chat widget without page reloads: questions go to /api/v1/chat and the answers are added
// to the conversation log (role="log", announced by screen readers). Without JavaScript the
// same form posts to /chat and the server renders the conversation.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  var log = document.getElementById("chat-log");
  if (!form || !log || !window.fetch) return;
  var input = document.getElementById("chat-message");
  var conversation = document.getElementById("chat-conversation");
  var handover = document.getElementById("handover");
  var municipality = form.querySelector("input[name=municipality]");

  function bubble(cls, hidden, text) {
    var div = document.createElement("div");
    div.className = "turn " + cls;
    var p = document.createElement("p");
    var span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = hidden;
    p.appendChild(span);
    text.split("\n").forEach(function (line, i) {
      if (i > 0) p.appendChild(document.createElement("br"));
      p.appendChild(document.createTextNode(line));
    });
    div.appendChild(p);
    log.appendChild(div);
    div.scrollIntoView({ block: "nearest" });
    return div;
  }

  function error(text) {
    var old = document.getElementById("chat-error");
    if (old) old.remove();
    if (!text) return;
    var p = document.createElement("p");
    p.id = "chat-error";
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    form.parentNode.insertBefore(p, form);
  }

  // The words come from the server's translation table, rendered into the page.
  var texts = JSON.parse((document.getElementById("ks-texts") || { textContent: "{}" }).textContent);
  var messages = { rate_limited: texts.rate_limited, validation_failed: texts.validation_failed };

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { error(messages.validation_failed); input.focus(); return; }
    var body = { message: text };
    if (municipality) body.municipality = municipality.value;
    if (conversation.value) body.conversation = conversation.value;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch("/api/v1/chat", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (!res.ok) { error(messages[res.body.error && res.body.error.code] || texts.failed); return; }
        error(null);
        var reply = res.body;
        bubble("from-citizen", texts.you_wrote + " ", text);
        var bot = bubble("from-bot", texts.bot_replies + " ", reply.answer);
        bot.setAttribute("data-handover", String(reply.handover));
        if (reply.source) {
          // Which crisis, and when its guide was updated, as the page without script shows it.
          var src = document.createElement("p");
          src.className = "source";
          var when = document.createElement("time");
          when.setAttribute("datetime", reply.source.updated_at);
          when.textContent = reply.source.updated;
          src.appendChild(document.createTextNode(texts.source + " " + reply.source.incident_title + ". "));
          src.appendChild(when);
          src.appendChild(document.createTextNode("."));
          bot.appendChild(src);
        }
        if (reply.guide) {
          // An everyday matter: the municipality's own guide, as the page without script links it.
          var link = document.createElement("a");
          link.href = reply.guide.href;
          link.textContent = reply.guide.title;
          var p = document.createElement("p");
          p.className = "guide-link";
          p.appendChild(link);
          bot.appendChild(p);
        }
        conversation.value = reply.conversation;
        input.value = "";
        if (handover) handover.hidden = !reply.handover;
        var cb = document.getElementById("callback-form");
        if (reply.handover && reply.callback && !cb) {
          // The server renders the callback form; fetch the page once to get it.
          fetch(location.pathname + "?conversation=" + reply.conversation + (municipality ? "&municipality=" + encodeURIComponent(municipality.value) : ""))
            .then(function (r) { return r.text(); })
            .then(function (html) {
              var next = new DOMParser().parseFromString(html, "text/html").getElementById("callback-form");
              if (next) form.parentNode.insertBefore(document.importNode(next, true), form);
            }).catch(function () {});
        }
      })
      .catch(function () { error(texts.offline); })
      .then(function () { button.disabled = false; input.focus(); });
  });
})();
