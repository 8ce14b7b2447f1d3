/* UXA Inspector page observer.
 *
 * Injected by the capture proxy as the first script of every HTML document. It reports each
 * window._uxa.push(...) call, what the call returned, the tag's _cs_* cookies and afterPageView
 * callbacks to a same-origin path that the proxy answers itself (the site never sees it).
 *
 * Rules it keeps: the page's behaviour never changes (push return values, exceptions and ordering
 * stay identical; nothing is added to the page's queue); everything it needs is taken before any
 * page script can patch it; its own errors never reach the page. Each report carries the document's
 * id, its own sequence number and the page clock (performance.timeOrigin + now()); reports are
 * batched and leave asynchronously at the end of the task (a beacon when the page goes away), and
 * the capture restores the page's order and places the tag's requests among them by time.
 */
(function () {
  "use strict";
  // The marker says "already observing" (the observer injected twice); a registered symbol keeps it
  // out of every name listing the page can make (Object.keys, for..in, getOwnPropertyNames).
  var KEY = "__uxaInspectorObserver";
  var MARK = Symbol["for"]("uxa-inspector.observer");
  if (window[MARK]) { return; }

  // Private references, taken before page scripts run.
  var W = window;
  var D = document;
  var XHR = W.XMLHttpRequest;
  var xhrOpen = XHR && XHR.prototype.open;
  var xhrSend = XHR && XHR.prototype.send;
  var xhrHeader = XHR && XHR.prototype.setRequestHeader;
  var apply = Reflect.apply;
  var reflectGet = Reflect.get;
  var protoOf = Object.getPrototypeOf;
  var defineProperty = Object.defineProperty;
  var getOwnDescriptor = Object.getOwnPropertyDescriptor;
  var keysOf = Object.keys;
  var createObject = Object.create;
  var hasOwn = Object.prototype.hasOwnProperty;
  var isArray = Array.isArray;
  var arrayPush = Array.prototype.push;
  var arraySlice = Array.prototype.slice;
  var stringify = JSON.stringify;
  var now = Date.now;
  var random = Math.random;
  var setTimer = W.setInterval;
  var setOnce = W.setTimeout;
  var later = W.queueMicrotask || function (fn) { apply(setOnce, W, [fn, 0]); };
  var listen = W.addEventListener;
  var perf = W.performance;
  var perfNow = perf.now;
  var timeOrigin = perf.timeOrigin || now() - apply(perfNow, perf, []);
  var WeakSetCtor = W.WeakSet;
  var setHas = WeakSetCtor.prototype.has;
  var setAdd = WeakSetCtor.prototype.add;
  var NodeCtor = W.Node;
  var beacon = W.navigator && W.navigator.sendBeacon;
  var nav = W.navigator;
  var cookieDescriptor = getOwnDescriptor(Document.prototype, "cookie");
  var cookieGet = cookieDescriptor && cookieDescriptor.get;
  var REPORT = "/__uxa_inspector__/report";
  var MAX_DEPTH = 6;
  var MAX_STRING = 20000;
  var MAX_KEYS = 200;
  // The commands whose cookie changes the model credits to them (model/transitions.py TRIGGER_CALLS):
  // only these get a cookie snapshot right before and right after them. Reading document.cookie after
  // the tag wrote one is a synchronous round trip to the browser, so the other commands share one
  // snapshot at the end of the batch (what they changed is credited to no call either way).
  var CREDITED = { identify: true, resetIdentity: true };
  var topFrame = (function () { try { return W.top === W; } catch (e) { return false; } })();

  try { defineProperty(W, MARK, { value: true }); } catch (e) { /* a frozen window: still observe */ }

  function newId() { return now().toString(36) + "-" + random().toString(36).slice(2, 10); }

  var doc = "doc-" + newId();  // this document: its events carry their own seq from 0
  var tab = (function () {
    try {
      var stored = W.sessionStorage.getItem(KEY);
      if (stored) { return stored; }
      var made = "tab-" + newId();
      W.sessionStorage.setItem(KEY, made);
      return made;
    } catch (e) { return "tab-" + newId(); }
  })();

  // Reports are batched: an event is queued (page seq and page clock attached) and the batch leaves
  // asynchronously at the end of the current task, so a push costs the page microseconds, not a
  // round trip. The capture puts each document's events back in seq order.
  var batch = [];
  var pageSeq = 0;
  var flushQueued = false;
  var MAX_BATCH = 200;
  var MAX_BODY = 1000000;

  function pageClock() { return timeOrigin + apply(perfNow, perf, []); }

  function send(event) {
    try {
      event.page_seq = pageSeq++;
      event.page_time = pageClock();
      apply(arrayPush, batch, [shield(event)]);
      if (batch.length >= MAX_BATCH) { flush(false); return; }
      if (!flushQueued) {
        flushQueued = true;
        apply(later, W, [flushSoon]);
      }
    } catch (e) { /* never reach the page */ }
  }

  function flushSoon() { settleCookies(); flushQueued = false; flush(false); }

  function post(events, final, leaving) {
    var body;
    try {
      body = stringify(shield({ tab: tab, doc: doc, url: String(location.href), top: topFrame, t: pageClock(),
                                final: final, events: shield(events) }));
    } catch (e) { return; }
    if (body.length > MAX_BODY && events.length > 1) {
      var half = events.length >> 1;
      post(apply(arraySlice, events, [0, half]), false, leaving);
      post(apply(arraySlice, events, [half]), final, leaving);
      return;
    }
    if (leaving) {
      // The document is going away: only a beacon is sure to leave.
      try { if (beacon && apply(beacon, nav, [REPORT, body])) { return; } } catch (e) { /* try XHR */ }
    }
    try {
      var x = new XHR();
      apply(xhrOpen, x, ["POST", REPORT, true]);
      apply(xhrHeader, x, ["Content-Type", "application/json"]);
      apply(xhrSend, x, [body]);
    } catch (e) {
      // XHR can be refused (sandboxed frames, unload): fall back to a beacon.
      try { if (beacon) { apply(beacon, nav, [REPORT, body]); } } catch (e2) { /* give up quietly */ }
    }
  }

  function flush(leaving, final) {
    checkQueue();
    if (!batch.length && !final) { return; }
    var events = batch;
    batch = [];
    post(events, !!final, leaving);
  }

  // A toJSON that a page library put on Array/Object.prototype (Prototype.js did) must not reshape
  // what we send: an own, non-enumerable toJSON of undefined makes JSON.stringify ignore it.
  function shield(made) {
    // A copied own "toJSON" key is page data (never a function in a copy): keep it as it is.
    if (apply(hasOwn, made, ["toJSON"])) { return made; }
    try { defineProperty(made, "toJSON", { value: undefined }); } catch (e) { /* still sendable */ }
    return made;
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
    for (var a = 0; a < depth; a++) {
      if (seen[a] === value) { return { __uxa_type__: "cycle", repr: "[circular]" }; }
    }
    if (depth >= MAX_DEPTH) { return { __uxa_type__: "deep", repr: "[nested too deep]" }; }
    try {
      if (NodeCtor && value instanceof NodeCtor) { return { __uxa_type__: "node", repr: String(value.nodeName) }; }
      if (value instanceof Date) { return { __uxa_type__: "date", repr: isNaN(value) ? "Invalid Date" : value.toISOString() }; }
    } catch (e) { /* cross-realm oddities */ }
    seen[depth] = value;
    var out;
    try {
      if (isArray(value)) {
        out = [];
        for (var i = 0; i < value.length && i < MAX_KEYS; i++) { apply(arrayPush, out, [safe(value[i], depth + 1, seen)]); }
        if (value.length > MAX_KEYS) {
          apply(arrayPush, out, [{ __uxa_type__: "truncated", repr: (value.length - MAX_KEYS) + " more items" }]);
        }
      } else {
        // No prototype: every key, "__proto__" included, is a plain own property, and a toJSON a page
        // library put on Object.prototype cannot reach the copy (no shield needed).
        out = createObject(null);
        var keys = keysOf(value);
        for (var k = 0; k < keys.length && k < MAX_KEYS; k++) { out[keys[k]] = safe(value[keys[k]], depth + 1, seen); }
        if (keys.length > MAX_KEYS) {
          out.__uxa_truncated__ = { __uxa_type__: "truncated", repr: (keys.length - MAX_KEYS) + " more keys" };
        }
        return out;
      }
    } catch (e) {
      out = { __uxa_type__: "unreadable", repr: "[unreadable object]" };
    }
    return shield(out);
  }

  // The chain of containers above the copy's current level (a cycle is a repeat in it): one own slot
  // per level, so a setter a page put on Array.prototype indices is never called.
  function encode(value) { return safe(value, 0, [null, null, null, null, null, null]); }

  var lastCookies = null;
  var lastRaw = null;
  var cookiesUnread = false;  // a command ran whose cookie changes are not read yet
  function snapshotCookies(trigger) {
    cookiesUnread = false;
    try {
      var raw = String(cookieGet ? apply(cookieGet, D, []) : "");
      if (raw === lastRaw) { return; }  // nothing changed: no parsing (this runs after every push)
      lastRaw = raw;
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
      send({ kind: "storage", cookies: cookies, source: "observer", trigger: trigger, page_url: String(location.href) });
    } catch (e) { /* never reach the page */ }
  }

  // What commands without a snapshot of their own changed: read once, at the end of their batch.
  function settleCookies() { if (cookiesUnread) { snapshotCookies("after-commands"); } }

  var instrumented = new WeakSetCtor();
  var callbackRegistered = false;

  function onPageView(context) {
    send({ kind: "callback", name: "afterPageView", payload: encode(context), page_url: String(location.href) });
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
  var reported = new WeakSetCtor();  // payloads already reported (a queue found later is not re-reported)
  function credited(args) {
    for (var i = 0; i < args.length; i++) {
      var name = null;
      try { name = commandName(args[i]); } catch (e) { /* an odd argument */ }
      if (name !== null && apply(hasOwn, CREDITED, [name])) { return true; }
    }
    return false;
  }

  function reportCommands(args, loaded, snapshots) {
    var ids = [];
    // A cookie change seen before a command (the tag's load, a timer, an earlier command of this
    // batch) was not caused by it: say so before the command, so it is never credited to it.
    if (snapshots) { snapshotCookies("before-command"); }
    try {
      for (var i = 0; i < args.length; i++) {
        ids[i] = doc + ":" + pageSeq;
        try { if (args[i] && typeof args[i] === "object") { apply(setAdd, reported, [args[i]]); } } catch (e) { /* odd value */ }
        send({ kind: "command", payload: encode(args[i]), tag_loaded: loaded, call_id: ids[i],
               page_url: String(location.href), top_frame: topFrame });
      }
    } catch (e) { /* the push still runs */ }
    return ids;
  }

  function reportResults(ids, args, loaded, result, error, snapshots) {
    try {
      for (var i = 0; i < ids.length; i++) {
        var name = null;
        try { name = commandName(args[i]); } catch (e) { /* an odd argument */ }
        if (error !== null) {
          var message = "error";
          try { message = String(error && error.message || error); } catch (e) { /* unprintable */ }
          send({ kind: "result", call_id: ids[i], name: name, error: message });
          continue;
        }
        // Before the tag loads, push is the array's own and returns the queue length: not a result.
        var real = loaded && result !== undefined;
        send({ kind: "result", call_id: ids[i], name: name, returned: real ? encode(result) : null,
               has_return: real });
      }
      if (!snapshots) { cookiesUnread = true; return; }
      var first = null;
      try { first = commandName(args[0]); } catch (e) { /* an odd argument */ }
      snapshotCookies(error !== null ? "command" : "command:" + (first || "?"));
    } catch (e) { /* never reach the page */ }
  }

  // The queue's push is resolved when it is called, not when the queue was found: a page that
  // replaces Array.prototype.push later still sees every push through its own function.
  function instrument(target, existing) {
    if (!target || (typeof target !== "object" && typeof target !== "function")) { return true; }
    if (apply(setHas, instrumented, [target])) { return true; }
    var own = getOwnDescriptor(target, "push");
    var inner = own ? (own.get ? apply(own.get, target, []) : own.value) : undefined;
    var hasOwnPush = !!own;
    function current() { return hasOwnPush ? inner : reflectGet(protoOf(target) || {}, "push", target); }
    function wrapper() {
      var args = arguments;
      var fn = current();
      var loaded = !isArray(target) || hasOwnPush;  // the tag's push, not the array's
      var snapshots = false;
      try { snapshots = credited(args); } catch (e) { /* an odd argument */ }
      var ids = reportCommands(args, loaded, snapshots);
      var result;
      try {
        result = apply(fn, this, args);
      } catch (error) {
        reportResults(ids, args, false, undefined, error, snapshots);
        throw error;
      }
      reportResults(ids, args, loaded, result, null, snapshots);
      return result;
    }
    try {
      defineProperty(target, "push", {
        configurable: true,
        enumerable: own ? !!own.enumerable : false,
        get: function () { return typeof current() === "function" ? wrapper : current(); },
        set: function (value) { inner = value; hasOwnPush = true; registerCallback(target, value); }
      });
    } catch (e) { return false; /* a frozen queue: leave it alone */ }
    apply(setAdd, instrumented, [target]);
    if (existing && isArray(target)) { recover(target); }
    if (!isArray(target)) { registerCallback(target, inner); }
    return true;
  }

  // Commands already in a queue the observer only found now (the page redefined window._uxa).
  function recover(queue) {
    try {
      for (var i = 0; i < queue.length; i++) {
        var item = queue[i];
        if (item && typeof item === "object" && apply(setHas, reported, [item])) { continue; }
        reportCommands([item], false, false);
      }
    } catch (e) { /* never reach the page */ }
  }

  // window._uxa as an accessor: sees the page's queue, the tag's replacement and every later push.
  var store = W._uxa;
  function getUxa() { return store; }
  instrument(store, false);
  try {
    defineProperty(W, "_uxa", {
      configurable: true,
      enumerable: true,
      get: getUxa,
      set: function (value) { store = value; instrument(value, false); }
    });
  } catch (e) { /* someone defined it non-configurable first: checkQueue says so */ }

  // A page may replace the accessor (Object.defineProperty(window, "_uxa", {value: [...]})). Putting
  // it back would change what the page sees, so the observer instruments the new value where it can
  // and otherwise says, once, that this page's commands cannot be observed.
  var lastQueue = store;
  var blindTold = false;
  function checkQueue() {
    try {
      var d = getOwnDescriptor(W, "_uxa");
      if (!d || d.get === getUxa) { return; }
      var value = d.get ? undefined : d.value;
      if (!d.get && value === lastQueue) { return; }
      lastQueue = value;
      if (d.get || !instrument(value, true)) {
        if (blindTold) { return; }
        blindTold = true;
        send({ kind: "notice", level: "warning", code: "commands-unobservable",
               message: "commands on this page cannot be observed: the page redefined window._uxa (" +
                        String(location.href).slice(0, 200) + ")" });
      } else {
        send({ kind: "notice", level: "info", code: "uxa-redefined",
               message: "The page redefined window._uxa; its queue is observed from now on (commands already in it were reported late)." });
      }
    } catch (e) { /* never reach the page */ }
  }

  try {
    send({ kind: "page", url: String(location.href), top_frame: topFrame, referrer: String(D.referrer || ""),
           title: "" });
  } catch (e) { /* never reach the page */ }
  checkQueue();
  snapshotCookies("load");
  // Look again once the page's first scripts have run, and as the document loads.
  try {
    apply(setOnce, W, [checkQueue, 0]);
    apply(listen, D, ["DOMContentLoaded", checkQueue, true]);
    apply(listen, W, ["load", checkQueue, true]);
  } catch (e) { /* never reach the page */ }
  try { setTimer(function () { checkQueue(); snapshotCookies("change"); }, 1000); } catch (e) { /* no timers */ }
  try {
    // Leaving (or hidden, which may be the last chance on mobile): what is queued goes by beacon.
    apply(listen, W, ["pagehide", function () { snapshotCookies("pagehide"); flush(true, true); }, true]);
    apply(listen, W, ["visibilitychange", function () {
      if (D.visibilityState === "hidden") { settleCookies(); flush(true, false); }
    }, true]);
  } catch (e) { /* never reach the page */ }
  try {
    if (nav && nav.serviceWorker && nav.serviceWorker.controller) {
      send({ kind: "notice", level: "warning", code: "service-worker",
             message: "A service worker controls this page: navigations it serves from cache bypass the proxy, so some commands may be missed." });
    }
  } catch (e) { /* never reach the page */ }
})();
