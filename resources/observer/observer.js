/* UXA Inspector page observer.
 *
 * Injected by the capture proxy as the first script of every HTML document. It reports each
 * window._uxa.push(...) call, what the call returned, the tag's _cs_* cookies and afterPageView
 * callbacks to a same-origin path that the proxy answers itself (the site never sees it).
 *
 * Rules it keeps: the page's behaviour never changes (push return values, exceptions and ordering
 * stay identical; nothing is added to the page's queue); everything it needs is taken before any
 * page script can patch it; its own errors never reach the page. A command is reported
 * synchronously *before* the real push runs, so it always precedes the requests it causes.
 */
(function () {
  "use strict";
  var KEY = "__uxaInspectorObserver";
  if (window[KEY]) { return; }

  // Private references, taken before page scripts run.
  var W = window;
  var D = document;
  var XHR = W.XMLHttpRequest;
  var xhrOpen = XHR && XHR.prototype.open;
  var xhrSend = XHR && XHR.prototype.send;
  var xhrHeader = XHR && XHR.prototype.setRequestHeader;
  var apply = Reflect.apply;
  var defineProperty = Object.defineProperty;
  var getOwnDescriptor = Object.getOwnPropertyDescriptor;
  var keysOf = Object.keys;
  var hasOwn = Object.prototype.hasOwnProperty;
  var isArray = Array.isArray;
  var arrayPush = Array.prototype.push;
  var stringify = JSON.stringify;
  var now = Date.now;
  var random = Math.random;
  var setTimer = W.setInterval;
  var WeakSetCtor = W.WeakSet;
  var setHas = WeakSetCtor.prototype.has;
  var setAdd = WeakSetCtor.prototype.add;
  var setDelete = WeakSetCtor.prototype["delete"];
  var NodeCtor = W.Node;
  var beacon = W.navigator && W.navigator.sendBeacon;
  var nav = W.navigator;
  var cookieDescriptor = getOwnDescriptor(Document.prototype, "cookie");
  var cookieGet = cookieDescriptor && cookieDescriptor.get;
  var REPORT = "/__uxa_inspector__/report";
  var MAX_DEPTH = 6;
  var MAX_STRING = 20000;
  var MAX_KEYS = 200;
  var topFrame = (function () { try { return W.top === W; } catch (e) { return false; } })();

  try { defineProperty(W, KEY, { value: true }); } catch (e) { /* a frozen window: still observe */ }

  function newId() { return now().toString(36) + "-" + random().toString(36).slice(2, 10); }

  var tab = (function () {
    try {
      var stored = W.sessionStorage.getItem(KEY);
      if (stored) { return stored; }
      var made = "tab-" + newId();
      W.sessionStorage.setItem(KEY, made);
      return made;
    } catch (e) { return "tab-" + newId(); }
  })();

  function send(event, sync) {
    var body;
    try {
      body = stringify(shield({ tab: tab, url: String(location.href), top: topFrame, t: now(),
                                events: shield([shield(event)]) }));
    } catch (e) { return; }
    try {
      var x = new XHR();
      apply(xhrOpen, x, ["POST", REPORT, !sync]);
      apply(xhrHeader, x, ["Content-Type", "application/json"]);
      apply(xhrSend, x, [body]);
    } catch (e) {
      // Sync XHR can be refused (unload, sandboxed frames): fall back to a beacon.
      try { if (beacon) { apply(beacon, nav, [REPORT, body]); } } catch (e2) { /* give up quietly */ }
    }
  }

  // A toJSON that a page library put on Array/Object.prototype (Prototype.js did) must not reshape
  // what we send: an own, non-enumerable toJSON of undefined makes JSON.stringify ignore it.
  function shield(made) {
    // A copied own "toJSON" key is page data (never a function in a copy): keep it as it is.
    if (apply(hasOwn, made, ["toJSON"])) { return made; }
    try { defineProperty(made, "toJSON", { value: undefined }); } catch (e) { /* still sendable */ }
    return made;
  }

  // Own data properties, even "__proto__" (a plain assignment would set the copy's prototype).
  function put(target, key, value) {
    defineProperty(target, key, { value: value, enumerable: true, writable: true, configurable: true });
  }

  // A JSON-safe copy of anything the page pushes; what JSON cannot carry is described, not dropped.
  function safe(value, depth, seen) {
    var type = typeof value;
    if (value === null || type === "boolean") { return value; }
    if (type === "number") { return isFinite(value) ? value : { __uxa_type__: "number", repr: String(value) }; }
    if (type === "string") { return value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value; }
    if (type === "undefined") { return { __uxa_type__: "undefined", repr: "undefined" }; }
    if (type === "function") { return { __uxa_type__: "function", repr: "function " + (value.name || "anonymous") }; }
    if (type === "symbol" || type === "bigint") {
      var text = "";
      try { text = String(value); } catch (e) { text = type; }
      return { __uxa_type__: type, repr: text };
    }
    if (apply(setHas, seen, [value])) { return { __uxa_type__: "cycle", repr: "[circular]" }; }
    if (depth >= MAX_DEPTH) { return { __uxa_type__: "deep", repr: "[nested too deep]" }; }
    try {
      if (NodeCtor && value instanceof NodeCtor) { return { __uxa_type__: "node", repr: String(value.nodeName) }; }
      if (value instanceof Date) { return { __uxa_type__: "date", repr: isNaN(value) ? "Invalid Date" : value.toISOString() }; }
    } catch (e) { /* cross-realm oddities */ }
    apply(setAdd, seen, [value]);
    var out;
    try {
      if (isArray(value)) {
        out = [];
        for (var i = 0; i < value.length && i < MAX_KEYS; i++) { apply(arrayPush, out, [safe(value[i], depth + 1, seen)]); }
        if (value.length > MAX_KEYS) {
          apply(arrayPush, out, [{ __uxa_type__: "truncated", repr: (value.length - MAX_KEYS) + " more items" }]);
        }
      } else {
        out = {};
        var keys = keysOf(value);
        for (var k = 0; k < keys.length && k < MAX_KEYS; k++) { put(out, keys[k], safe(value[keys[k]], depth + 1, seen)); }
        if (keys.length > MAX_KEYS) {
          put(out, "__uxa_truncated__", { __uxa_type__: "truncated", repr: (keys.length - MAX_KEYS) + " more keys" });
        }
      }
    } catch (e) {
      out = { __uxa_type__: "unreadable", repr: "[unreadable object]" };
    }
    apply(setDelete, seen, [value]);
    return shield(out);
  }

  function encode(value) { return safe(value, 0, new WeakSetCtor()); }

  var lastCookies = null;
  function snapshotCookies(trigger) {
    try {
      var raw = cookieGet ? apply(cookieGet, D, []) : "";
      var cookies = {};
      var parts = String(raw).split(";");
      for (var i = 0; i < parts.length; i++) {
        var part = parts[i].replace(/^\s+/, "");
        var eq = part.indexOf("=");
        if (eq > 0 && part.slice(0, 4) === "_cs_") { cookies[part.slice(0, eq)] = part.slice(eq + 1); }
      }
      var text = stringify(cookies);
      if (text === lastCookies) { return; }
      lastCookies = text;
      send({ kind: "storage", cookies: cookies, source: "observer", trigger: trigger, page_url: String(location.href) }, false);
    } catch (e) { /* never reach the page */ }
  }

  var instrumented = new WeakSetCtor();
  var callbackRegistered = false;

  function onPageView(context) {
    send({ kind: "callback", name: "afterPageView", payload: encode(context), page_url: String(location.href) }, false);
    snapshotCookies("afterPageView");
  }

  // Once the tag has loaded, ask it for afterPageView callbacks: straight through its own push, so
  // the page's queue and return values are untouched and the call is not reported as the page's.
  function registerCallback(target, inner) {
    if (callbackRegistered || typeof inner !== "function" || inner === arrayPush) { return; }
    callbackRegistered = true;
    try { apply(inner, target, [["afterPageView", onPageView]]); } catch (e) { /* tag refused it */ }
  }

  function commandName(item) {
    return isArray(item) && typeof item[0] === "string" ? item[0] : null;
  }

  // Reporting must never change the push it reports: whatever fails in here stays in here.
  function reportCommands(args, loaded) {
    var ids = [];
    try {
      for (var i = 0; i < args.length; i++) {
        ids[i] = newId();
        send({ kind: "command", payload: encode(args[i]), tag_loaded: loaded, call_id: ids[i],
               page_url: String(location.href), top_frame: topFrame }, true);
      }
    } catch (e) { /* the push still runs */ }
    return ids;
  }

  function reportResults(ids, args, loaded, result, error) {
    try {
      for (var i = 0; i < ids.length; i++) {
        var name = null;
        try { name = commandName(args[i]); } catch (e) { /* an odd argument */ }
        if (error !== null) {
          var message = "error";
          try { message = String(error && error.message || error); } catch (e) { /* unprintable */ }
          send({ kind: "result", call_id: ids[i], name: name, error: message }, false);
          continue;
        }
        // Before the tag loads, push is the array's own and returns the queue length: not a result.
        var real = loaded && result !== undefined;
        send({ kind: "result", call_id: ids[i], name: name, returned: real ? encode(result) : null,
               has_return: real }, false);
      }
      var first = null;
      try { first = commandName(args[0]); } catch (e) { /* an odd argument */ }
      snapshotCookies(error !== null ? "command" : "command:" + (first || "?"));
    } catch (e) { /* never reach the page */ }
  }

  function instrument(target) {
    if (!target || (typeof target !== "object" && typeof target !== "function")) { return; }
    if (apply(setHas, instrumented, [target])) { return; }
    apply(setAdd, instrumented, [target]);
    var inner = target.push;
    function wrapper() {
      var args = arguments;
      var loaded = !isArray(target) || inner !== arrayPush;
      var ids = reportCommands(args, loaded);
      var result;
      try {
        result = apply(inner, this, args);
      } catch (error) {
        reportResults(ids, args, false, undefined, error);
        throw error;
      }
      reportResults(ids, args, loaded, result, null);
      return result;
    }
    try {
      defineProperty(target, "push", {
        configurable: true,
        enumerable: false,
        get: function () { return typeof inner === "function" ? wrapper : inner; },
        set: function (value) { inner = value; registerCallback(target, value); }
      });
    } catch (e) { return; /* a frozen queue: leave it alone */ }
    if (!isArray(target)) { registerCallback(target, inner); }
  }

  // window._uxa as an accessor: sees the page's queue, the tag's replacement and every later push.
  var store = W._uxa;
  instrument(store);
  try {
    defineProperty(W, "_uxa", {
      configurable: true,
      enumerable: true,
      get: function () { return store; },
      set: function (value) { store = value; instrument(value); }
    });
  } catch (e) { /* someone defined it non-configurable first: nothing to do */ }

  try {
    send({ kind: "page", url: String(location.href), top_frame: topFrame, referrer: String(D.referrer || ""),
           title: "" }, false);
  } catch (e) { /* never reach the page */ }
  snapshotCookies("load");
  try { setTimer(function () { snapshotCookies("change"); }, 1000); } catch (e) { /* no timers */ }
  try {
    if (nav && nav.serviceWorker && nav.serviceWorker.controller) {
      send({ kind: "notice", level: "warning", code: "service-worker",
             message: "A service worker controls this page: navigations it serves from cache bypass the proxy, so some commands may be missed." }, false);
    }
  } catch (e) { /* never reach the page */ }
})();
