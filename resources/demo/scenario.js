/*
 * The scripted demo scenario: runs steps on timers so a headless browser can play it unattended
 * (chromium --virtual-time-budget=N --dump-dom URL), then writes a JSON log into #uxa-scenario-log.
 * The inspector judges the run from the captured traffic; the log is a cross-check for tests.
 *
 * ?steps=a,b,c with each step one of:
 *   page:/index.html   load a shop page in a frame (the tag runs again with the same cookies)
 *   pv:/guide/green    trackPageview with that path (single-page navigation)
 *   login:C-1001       sign in: the shop calls identify (site faults apply)
 *   hashid:a@b.example identify with {hash: true} (the tag hashes the identity in the browser)
 *   logout             sign out: the shop calls resetIdentity
 *   props:plan=gold;x=y  save the profile: the shop calls addUserProperties
 *   getid              getIdentity
 *   session            getSessionData
 *   wait:12            let 12 seconds pass (past the inspector's deadline for an expected reset)
 */
(function () {
  "use strict";
  var DEFAULT_STEPS = "page:/index.html,pv:/guide/green,login:C-1001,login:C-1001,getid,props:plan=gold;newsletter=yes," +
    "props:plan=platinum,login:C-2002,wait:12,pv:/guide/black,logout,session";
  var STEP_MS = 500;
  var log = [];
  var drained = new Map(); // double instance -> how many of its sent URLs are logged

  function now() { return Date.now() / 1000; }
  function record(entry) { entry.time = now(); log.push(entry); }
  function doubles() {
    var list = [];
    if (window._uxaDouble) list.push(window._uxaDouble);
    [].forEach.call(document.querySelectorAll("iframe"), function (f) {
      try { if (f.contentWindow._uxaDouble) list.push(f.contentWindow._uxaDouble); } catch (e) { /* not ours */ }
    });
    return list;
  }
  function drain() {
    doubles().forEach(function (d) {
      var from = drained.get(d) || 0;
      d.sent.slice(from).forEach(function (url) { record({ kind: "request", url: url }); });
      drained.set(d, d.sent.length);
    });
  }
  function cookies() {
    var out = {};
    document.cookie.split("; ").forEach(function (pair) {
      var eq = pair.indexOf("=");
      if (pair.slice(0, 3) === "_cs") out[pair.slice(0, eq)] = pair.slice(eq + 1);
    });
    record({ kind: "storage", cookies: out });
  }
  function safe(value) {
    if (value === undefined) return { has_return: false, returned: null };
    try { return { has_return: true, returned: JSON.parse(JSON.stringify(value)) }; }
    catch (e) { return { has_return: true, returned: String(value) }; }
  }
  // Wrap the queue so the log holds each command before what it causes, like the inspector's observer.
  function push(payload, act) {
    var loaded = !Array.isArray(window._uxa);
    record({ kind: "command", payload: JSON.parse(JSON.stringify(payload)), tag_loaded: loaded });
    var value = act ? act() : window._uxa.push(payload);
    drain();
    var r = safe(value);
    record({ kind: "result", name: payload[0], returned: r.returned, has_return: r.has_return });
    cookies();
    return value;
  }
  function parseProps(text) {
    var props = {};
    text.split(";").forEach(function (kv) {
      var eq = kv.indexOf("=");
      if (eq > 0) props[kv.slice(0, eq)] = kv.slice(eq + 1);
    });
    return props;
  }
  // Let the shop decide what to push (its faults apply), and log each push it makes.
  function throughShop(callShop) {
    var own = shop.push;
    shop.push = function (p) { return push(p); };
    try { callShop(); } finally { shop.push = own; }
  }
  function runStep(step) {
    var colon = step.indexOf(":");
    var verb = colon < 0 ? step : step.slice(0, colon), arg = colon < 0 ? "" : step.slice(colon + 1);
    var item = document.createElement("li");
    item.textContent = step;
    document.getElementById("steps").appendChild(item);
    if (verb === "page") {
      return new Promise(function (resolve) {
        var frame = document.createElement("iframe");
        frame.onload = function () { setTimeout(function () { drain(); cookies(); resolve(); }, STEP_MS); };
        frame.src = arg || "/index.html";
        document.body.appendChild(frame);
      });
    }
    if (verb === "wait") return sleep((+arg || 1) * 1000);
    if (verb === "pv") push(["trackPageview", arg || "/"]);
    else if (verb === "login") throughShop(function () { shop.login(arg, ""); });
    else if (verb === "logout") throughShop(function () { shop.logout(); });
    else if (verb === "props") throughShop(function () { shop.saveProfile(parseProps(arg)); });
    else if (verb === "hashid") push(["identify", arg, { hash: true }]);
    else if (verb === "getid") push(["getIdentity"]);
    else if (verb === "session") push(["getSessionData"]);
    else record({ kind: "error", step: step, message: "unknown step" });
    return Promise.resolve();
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  // The tag double is an async script: wait for it, but not forever (a blocked script must end the
  // run with a reason, not spend the browser's whole time budget polling).
  var TAG_WAIT_MS = 5000;
  function tagLoaded() {
    return new Promise(function (resolve, reject) {
      var waited = 0;
      (function poll() {
        if (window._uxaDouble) return resolve();
        if (waited >= TAG_WAIT_MS) return reject(new Error("the tag double did not load within " + TAG_WAIT_MS + " ms"));
        waited += 50;
        setTimeout(poll, 50);
      })();
    });
  }
  // A step that throws is logged and the run goes on: the log is always written, so a failure says why.
  function safeStep(step) {
    try {
      return Promise.resolve(runStep(step))["catch"](function (e) { failed(step, e); });
    } catch (e) { failed(step, e); return Promise.resolve(); }
  }
  function failed(step, e) {
    record({ kind: "error", step: step, message: String((e && e.message) || e) });
  }
  function start() {
    var steps = (new URLSearchParams(location.search).get("steps") || DEFAULT_STEPS).split(",").filter(Boolean);
    record({ kind: "page", url: location.href });
    tagLoaded().then(function () { drain(); cookies(); })
      .then(function () {
        return steps.reduce(function (chain, step) {
          return chain.then(function () { return sleep(STEP_MS); }).then(function () { return safeStep(step); });
        }, Promise.resolve());
      })
      .then(function () { return sleep(STEP_MS); })
      ["catch"](function (e) { failed("start", e); })
      .then(function () {
        drain();
        document.getElementById("uxa-scenario-log").textContent = JSON.stringify({ done: true, log: log });
        document.title = "done";
      });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
