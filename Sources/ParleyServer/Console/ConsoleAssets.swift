import HTTPTypes
import Hummingbird
import NIOCore

/// The console's stylesheet and script, served from the binary: no build step, no CDN.
enum ConsoleAssets {
    static func add(to group: RouterGroup<BasicRequestContext>) {
        group.get("assets/console.css") { _, _ in asset(css, type: "text/css; charset=utf-8") }
        group.get("assets/console.js") { _, _ in asset(js, type: "text/javascript; charset=utf-8") }
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache", HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Counts windows down and waits up, once a second; keeps `#live` current from the
    /// server-sent events (fetching the server's escaped HTML again, never building markup
    /// from event data); reloads when signed out, so the sign-in page shows.
    static let js = #"""
    (function () {
      "use strict";
      var base = document.body.dataset.base || "/console";
      function fmt(s) {
        if (s < 60) return s + " s";
        if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
        if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
        return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
      }
      function stamp(root) {
        var now = Date.now();  // wall-clock ok: the browser's countdown
        root.querySelectorAll("[data-seconds]").forEach(function (el) { el.dataset.until = now + 1000 * Number(el.dataset.seconds); el.removeAttribute("data-seconds"); });
        root.querySelectorAll("[data-age]").forEach(function (el) { el.dataset.from = now - 1000 * Number(el.dataset.age); el.removeAttribute("data-age"); });
      }
      function tick() {
        var now = Date.now();  // wall-clock ok: the browser's countdown
        document.querySelectorAll("[data-until]").forEach(function (el) {
          // Rounded up, as the server rounds seconds_left: "closed" never shows early.
          var left = Math.max(0, Math.ceil((Number(el.dataset.until) - now) / 1000));
          el.textContent = left > 0 ? fmt(left) + " left" : "window closed: templates only";
          el.classList.toggle("closed", left === 0);
          el.classList.toggle("open", left > 0);
        });
        document.querySelectorAll("[data-from]").forEach(function (el) {
          el.textContent = fmt(Math.max(0, Math.round((now - Number(el.dataset.from)) / 1000)));
        });
      }
      stamp(document);
      tick();
      setInterval(tick, 1000);

      var live = document.getElementById("live");
      if (!live || !window.EventSource) return;
      var contacts = (live.dataset.contacts || "").split(" ").filter(Boolean);
      var pending = false;
      function refresh() {
        pending = false;
        fetch(live.dataset.live, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
          if (r.status === 401) { location.reload(); return null; }
          return r.ok ? r.text() : null;
        }).then(function (html) {
          if (html === null) return;
          live.innerHTML = html;  // the server's own markup, every value in it escaped
          stamp(live);
          tick();
          document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
        });
      }
      // A stream refused (503, 401) or ended by the server is closed for good by the browser:
      // it is opened again after a while, and the page is brought up to date meanwhile.
      function listen() {
        var events = new EventSource(base + "/events");
        events.addEventListener("change", function (e) {
          var change = JSON.parse(e.data);
          if (contacts.length && change.contact !== null && contacts.indexOf(change.contact) < 0) return;
          if (!pending) { pending = true; setTimeout(refresh, 100); }
        });
        events.addEventListener("open", function () { document.body.dataset.live = "on"; });
        events.addEventListener("error", function () {
          document.body.dataset.live = "off";
          if (events.readyState === EventSource.CLOSED) { setTimeout(function () { refresh(); listen(); }, 15000); }
        });
      }
      listen();
    })();
    """#

    static let css = #"""
    :root { --ink: #1d2327; --muted: #66707a; --line: #dde2e6; --bg: #f6f7f8; --in: #ffffff; --bot: #e8f0fe; --agent: #e6f4ea; --core: #f1f3f4; --bad: #b3261e; --warn: #8a5a00; --ok: #1e6b34; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
    header { display: flex; align-items: center; gap: 1.5em; padding: .6em 1.2em; background: #0f3d2e; color: #fff; }
    header a { color: #fff; text-decoration: none; }
    .brand { font-weight: 700; letter-spacing: .02em; }
    header nav { flex: 1; }
    .who { display: flex; gap: .6em; align-items: center; }
    .who button { background: transparent; color: #fff; border: 1px solid #8fb8a8; }
    main { max-width: 1200px; margin: 0 auto; padding: 1em 1.2em 3em; }
    h1 { font-size: 1.4em; margin: .4em 0; } h2 { font-size: 1.1em; margin: 1em 0 .4em; }
    .count { display: inline-block; min-width: 1.6em; padding: 0 .4em; border-radius: 1em; background: #0f3d2e; color: #fff; font-size: .8em; text-align: center; }
    table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
    th, td { text-align: left; padding: .45em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { font-size: .85em; color: var(--muted); font-weight: 600; }
    .note, .muted, .hint, time { color: var(--muted); font-size: .9em; }
    .empty { color: var(--muted); font-style: italic; }
    .flag { display: inline-block; padding: 0 .45em; border-radius: .3em; font-size: .8em; border: 1px solid; }
    .flag.ok { color: var(--ok); } .flag.warn { color: var(--warn); } .flag.bad { color: var(--bad); font-weight: 600; }
    .window.open { color: var(--ok); font-variant-numeric: tabular-nums; } .window.closed { color: var(--bad); }
    .notice { padding: .6em .8em; border-radius: .4em; margin: .6em 0; border: 1px solid; }
    .notice.done { background: #e6f4ea; border-color: #9ccfab; } .notice.refused { background: #fce8e6; border-color: #f1a9a0; }
    .code { font: .85em ui-monospace, monospace; background: rgba(0,0,0,.06); padding: 0 .35em; border-radius: .25em; margin-left: .3em; }
    .columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5em; }
    @media (max-width: 800px) { .columns { grid-template-columns: 1fr; } }
    dl.status { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; background: #fff; border: 1px solid var(--line); padding: .6em .8em; margin: 0; }
    dl.status dt { color: var(--muted); } dl.status dd { margin: 0; overflow-wrap: anywhere; }
    ol.chat { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: .4em; }
    .msg { max-width: 80%; padding: .45em .7em; border-radius: .7em; border: 1px solid var(--line); overflow-wrap: anywhere; }
    .msg .body { white-space: pre-wrap; }
    .msg .meta { font-size: .78em; color: var(--muted); }
    .msg.inbound { align-self: flex-start; background: var(--in); }
    .msg.out { align-self: flex-end; } .msg.bot { background: var(--bot); } .msg.agent { background: var(--agent); } .msg.core { background: var(--core); }
    .msg.blocked { background: #fce8e6; border-color: #f1a9a0; border-style: dashed; }
    .template { font-size: .8em; color: var(--muted); }
    li.event { align-self: center; font-size: .82em; color: var(--muted); }
    .why { font-size: .9em; margin-left: .4em; }
    section.actions form, section.macros form, section.templates form { display: flex; flex-direction: column; gap: .35em; margin: .4em 0 .8em; }
    form.inline { display: inline; margin: 0; }
    label { display: flex; flex-direction: column; gap: .15em; font-size: .9em; }
    label:has(input[type=checkbox]) { flex-direction: row; align-items: center; }
    input, textarea, button { font: inherit; }
    input:not([type]), input[type=password], textarea { padding: .35em .5em; border: 1px solid #b9c1c8; border-radius: .3em; }
    button { align-self: flex-start; padding: .35em .9em; border-radius: .3em; border: 1px solid #0f3d2e; background: #0f3d2e; color: #fff; cursor: pointer; }
    details { background: #fff; border: 1px solid var(--line); border-radius: .4em; padding: .3em .7em; margin: .3em 0; }
    summary { cursor: pointer; }
    .preview { white-space: pre-wrap; background: var(--bg); padding: .4em .6em; border-radius: .3em; margin: .3em 0; }
    section.decision { background: #fff; border: 1px solid var(--line); padding: .6em 1em; margin: .8em 0; }
    section.decision.refused { border-left: 4px solid var(--bad); } section.decision.allowed { border-left: 4px solid var(--ok); }
    table.inputs caption { text-align: left; color: var(--muted); }
    details.audit li.refused { color: var(--bad); }
    form.signin { max-width: 22em; display: flex; flex-direction: column; gap: .6em; }
    """#
}
