/* UXA Inspector page observer.
 *
 * Injected by the capture proxy as the first script of every HTML document. It reports each
 * window._uxa.push(...) call, what the call returned, the tag's _cs_* cookies and afterPageView
 * callbacks to a same-origin path that the proxy answers itself (the site never sees it).
 *
 * Rules it keeps: the page's behaviour never changes (push return values, exceptions and ordering
 * stay identical; nothing is added to the page's queue); everything it needs is taken before any
 * page script can patch it (reports are JSON text it writes itself, so no prototype, toJSON or setter
 * the page adds can reach them); its own errors never reach the page. Each report carries the document's
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
  var isProtoOf = Object.prototype.isPrototypeOf;
  var isArray = Array.isArray;
  var arrayPush = Array.prototype.push;
  var stringify = JSON.stringify;
  var StringOf = String;
  var finite = isFinite;
  var strSlice = String.prototype.slice;
  var strIndexOf = String.prototype.indexOf;
  var strSplit = String.prototype.split;
  var trimStart = String.prototype.trimStart;
  var DateProto = Date.prototype;
  var dateTime = DateProto.getTime;
  var dateISO = DateProto.toISOString;
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
  var NodeProto = W.Node && W.Node.prototype;
  var nodeNameGet = NodeProto && getOwnDescriptor(NodeProto, "nodeName").get;
  var referrerGet = getOwnDescriptor(Document.prototype, "referrer").get;
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

  // Property descriptors the observer reads or writes never consult Object.prototype, where a page
  // may have put "get", "value" or "writable" (a descriptor would then be misread or refused).
  function field(descriptor, name) {
    return descriptor && apply(hasOwn, descriptor, [name]) ? descriptor[name] : undefined;
  }
  function accessor(get, set, enumerable) {
    var d = createObject(null);
    d.configurable = true;
    d.enumerable = enumerable;
    d.get = get;
    d.set = set;
    return d;
  }

  try {
    var mark = createObject(null);
    mark.value = true;
    defineProperty(W, MARK, mark);
  } catch (e) { /* a frozen window: still observe */ }

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

  // Reports are batched: an event is queued as JSON text with its page clock (its page seq is its
  // place in the queue) and the batch leaves asynchronously at the end of the current task, so a
  // push costs the page microseconds and never a request; the event's text is completed then. The
  // capture puts each document's events back in seq order.
  var queue = createObject(null);  // no prototype: no index setter of the page's can take an event
  var Clocks = W.Float64Array;  // typed: its indices never reach a prototype either
  var clocks = new Clocks(256);
  var queued = 0;
  var queuedChars = 0;
  var pageSeq = 0;  // the seq of the next event; the queue's first event has pageSeq - queued
  var flushQueued = false;
  var MAX_BATCH = 200;  // events per report (the capture takes at most 500)
  var MAX_BODY = 1000000;
  // A page pushing in a long loop within one task: past this much waiting text the reports leave
  // at once instead of piling up until the task ends.
  var MAX_QUEUED_CHARS = 4000000;

  function pageClock() { return timeOrigin + apply(perfNow, perf, []); }

  // The JSON text of a string, number or boolean (never an object: no toJSON is ever looked up).
  function json(value) { return stringify(value); }
  var lastHref = null;
  var lastHrefJson = "";
  function href() {  // the page's address as JSON text, escaped again only when it changed
    var h = StringOf(location.href);
    if (h !== lastHref) { lastHrefJson = json(h); lastHref = h; }
    return lastHrefJson;
  }

  // fields: the event's members as JSON text, without braces.
  function send(fields) {
    try {
      if (queued === clocks.length) {
        var more = new Clocks(queued * 2);
        for (var i = 0; i < queued; i++) { more[i] = clocks[i]; }
        clocks = more;
      }
      clocks[queued] = pageClock();
      queue[queued++] = fields;
      pageSeq++;
      queuedChars += fields.length + 64;
      if (queuedChars >= MAX_QUEUED_CHARS) { flush(false); return; }
      if (!flushQueued) {
        flushQueued = true;
        apply(later, W, [flushSoon]);
      }
    } catch (e) { /* never reach the page */ }
  }

  function flushSoon() { settleCookies(); flushQueued = false; flush(false); }

  function post(events, final, leaving) {
    var body = '{"tab":' + json(tab) + ',"doc":' + json(doc) + ',"url":' + href() + ',"top":' + topFrame +
               ',"t":' + pageClock() + ',"final":' + final + ',"events":[' + events + "]}";
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

  // The queue leaves in reports of at most MAX_BATCH events and about MAX_BODY characters (one
  // bigger event goes alone); only the last report of a final flush says final.
  function flush(leaving, final) {
    checkQueue();
    var events = queue;
    var times = clocks;
    var count = queued;
    var seq = pageSeq - count;
    queue = createObject(null);
    clocks = new Clocks(256);
    queued = 0;
    queuedChars = 0;
    if (!count) {
      if (final) { post("", true, leaving); }
      return;
    }
    var text = "";
    var inReport = 0;
    for (var i = 0; i < count; i++) {
      var event = "{" + events[i] + ',"page_seq":' + (seq + i) + ',"page_time":' + times[i] + "}";
      if (inReport && (inReport >= MAX_BATCH || text.length + event.length > MAX_BODY)) {
        post(text, false, leaving);
        text = "";
        inReport = 0;
      }
      text = inReport ? text + "," + event : event;
      inReport++;
    }
    post(text, !!final, leaving);
  }

  // JSON text of a marker for what JSON cannot carry as it is.
  function marker(type, repr) { return '{"__uxa_type__":' + json(type) + ',"repr":' + json(repr) + "}"; }
  var UNDEFINED = marker("undefined", "undefined");
  var CYCLE = marker("cycle", "[circular]");
  var DEEP = marker("deep", "[nested too deep]");
  var UNREADABLE = marker("unreadable", "[unreadable object]");

  // The JSON text of a copy of anything the page pushes, made at once (the page may change its
  // objects later); what JSON cannot carry is described, not dropped. seen: the chain of containers
  // above the current level (a cycle is a repeat in it).
  function copy(value, depth, seen) {
    var type = typeof value;
    if (value === null) { return "null"; }
    if (type === "boolean") { return value ? "true" : "false"; }
    if (type === "number") { return finite(value) ? json(value) : marker("number", StringOf(value)); }
    if (type === "string") { return json(value.length > MAX_STRING ? apply(strSlice, value, [0, MAX_STRING]) : value); }
    if (type === "undefined") { return UNDEFINED; }
    if (type === "function") { return marker("function", "function " + (value.name || "anonymous")); }
    if (type === "symbol" || type === "bigint") {
      var text = "";
      try { text = StringOf(value); } catch (e) { text = type; }
      return marker(type, text);
    }
    for (var a = 0; a < depth; a++) {
      if (seen[a] === value) { return CYCLE; }
    }
    if (depth >= MAX_DEPTH) { return DEEP; }
    try {
      if (NodeProto && apply(isProtoOf, NodeProto, [value])) { return marker("node", StringOf(apply(nodeNameGet, value, []))); }
      if (apply(isProtoOf, DateProto, [value])) {
        var time = apply(dateTime, value, []);
        return marker("date", time !== time ? "Invalid Date" : apply(dateISO, value, []));
      }
    } catch (e) { /* cross-realm oddities: copied as an object */ }
    seen[depth] = value;
    var out;
    try {
      if (isArray(value)) {
        out = "[";
        for (var i = 0; i < value.length && i < MAX_KEYS; i++) { out += (i ? "," : "") + copy(value[i], depth + 1, seen); }
        if (value.length > MAX_KEYS) {
          out += (i ? "," : "") + marker("truncated", (value.length - MAX_KEYS) + " more items");
        }
        return out + "]";
      }
      // Every own enumerable key is data, "__proto__" and "toJSON" included.
      var keys = keysOf(value);
      out = "{";
      for (var k = 0; k < keys.length && k < MAX_KEYS; k++) {
        out += (k ? "," : "") + json(keys[k]) + ":" + copy(value[keys[k]], depth + 1, seen);
      }
      if (keys.length > MAX_KEYS) {
        out += (k ? "," : "") + '"__uxa_truncated__":' + marker("truncated", (keys.length - MAX_KEYS) + " more keys");
      }
      return out + "}";
    } catch (e) {
      return UNREADABLE;
    }
  }

  // One own slot per level (MAX_DEPTH), so no index setter of the page's is ever called.
  function encode(value) { return copy(value, 0, [null, null, null, null, null, null]); }

  var lastCookies = null;
  var lastRaw = null;
  var cookiesUnread = false;  // a command ran whose cookie changes are not read yet
  function snapshotCookies(trigger) {
    cookiesUnread = false;
    try {
      var raw = StringOf(cookieGet ? apply(cookieGet, D, []) : "");
      if (raw === lastRaw) { return; }  // nothing changed: no parsing
      lastRaw = raw;
      var cookies = createObject(null);  // no prototype: a setter the page put on Object.prototype cannot take a name
      var parts = apply(strSplit, raw, [";"]);
      for (var i = 0; i < parts.length; i++) {
        var part = apply(trimStart, parts[i], []);
        var eq = apply(strIndexOf, part, ["="]);
        if (eq > 0 && apply(strSlice, part, [0, 4]) === "_cs_") {
          cookies[apply(strSlice, part, [0, eq])] = apply(strSlice, part, [eq + 1]);
        }
      }
      var text = stringify(cookies);  // prototype-less names and string values: no toJSON to find
      if (text === lastCookies) { return; }
      lastCookies = text;
      send('"kind":"storage","cookies":' + text + ',"source":"observer","trigger":' + json(trigger) +
           ',"page_url":' + href());
    } catch (e) { /* never reach the page */ }
  }

  // What commands without a snapshot of their own changed: read once, at the end of their batch.
  function settleCookies() { if (cookiesUnread) { snapshotCookies("after-commands"); } }

  var instrumented = new WeakSetCtor();
  var callbackRegistered = false;

  // The tag calls this right after writing a pageview's cookies, and this read must stay (one per
  // pageview, not per command). A renewal pageview inside identify or resetIdentity shows its new user
  // here, uncredited, as its hit does; left to the call's own snapshot, the user would be credited to
  // the call and the model judges otherwise: a tag that keeps the user on identify and renews it on
  // resetIdentity (fault no-reset) then also got renewal-pageview-missing, a false verdict
  // (tests/e2e/test_identity_blocks.py; test_capture_pageview_cookies.py pins this snapshot).
  function onPageView(context) {
    send('"kind":"callback","name":"afterPageView","payload":' + encode(context) + ',"page_url":' + href());
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
    var ids = createObject(null);  // call ids as JSON text; no prototype, so no index setter of the page's
    ids.length = 0;
    // A cookie change seen before a command (the tag's load, a timer, an earlier command of this
    // batch) was not caused by it: say so before the command, so it is never credited to it.
    if (snapshots) { snapshotCookies("before-command"); }
    try {
      for (var i = 0; i < args.length; i++) {
        ids[i] = '"' + doc + ":" + pageSeq + '"';  // doc is made of [a-z0-9-]: nothing to escape
        ids.length = i + 1;
        try { if (args[i] && typeof args[i] === "object") { apply(setAdd, reported, [args[i]]); } } catch (e) { /* odd value */ }
        send('"kind":"command","payload":' + encode(args[i]) + ',"tag_loaded":' + loaded + ',"call_id":' +
             ids[i] + ',"page_url":' + href() + ',"top_frame":' + topFrame);
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
          try { message = StringOf(error && error.message || error); } catch (e) { /* unprintable */ }
          send('"kind":"result","call_id":' + ids[i] + ',"name":' + json(name) + ',"error":' + json(message));
          continue;
        }
        // Before the tag loads, push is the array's own and returns the queue length: not a result.
        var real = loaded && result !== undefined;
        send('"kind":"result","call_id":' + ids[i] + ',"name":' + json(name) + ',"returned":' +
             (real ? encode(result) : "null") + ',"has_return":' + real);
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
    var ownGet = field(own, "get");
    var inner = own ? (ownGet ? apply(ownGet, target, []) : field(own, "value")) : undefined;
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
      defineProperty(target, "push", accessor(
        function () { return typeof current() === "function" ? wrapper : current(); },
        function (value) { inner = value; hasOwnPush = true; registerCallback(target, value); },
        !!field(own, "enumerable")));
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
    defineProperty(W, "_uxa", accessor(getUxa, function (value) { store = value; instrument(value, false); }, true));
  } catch (e) { /* someone defined it non-configurable first: checkQueue says so */ }

  // A page may replace the accessor (Object.defineProperty(window, "_uxa", {value: [...]})). Putting
  // it back would change what the page sees, so the observer instruments the new value where it can
  // and otherwise says, once, that this page's commands cannot be observed.
  function notice(level, code, message) {
    return '"kind":"notice","level":' + json(level) + ',"code":' + json(code) + ',"message":' + json(message);
  }
  var lastQueue = store;
  var blindTold = false;
  function checkQueue() {
    try {
      var d = getOwnDescriptor(W, "_uxa");
      var getter = field(d, "get");
      if (!d || getter === getUxa) { return; }
      var value = getter ? undefined : field(d, "value");
      if (!getter && value === lastQueue) { return; }
      lastQueue = value;
      if (getter || !instrument(value, true)) {
        if (blindTold) { return; }
        blindTold = true;
        send(notice("warning", "commands-unobservable", "commands on this page cannot be observed: the page " +
                    "redefined window._uxa (" + apply(strSlice, StringOf(location.href), [0, 200]) + ")"));
      } else {
        send(notice("info", "uxa-redefined", "The page redefined window._uxa; its queue is observed from now on " +
                    "(commands already in it were reported late)."));
      }
    } catch (e) { /* never reach the page */ }
  }

  try {
    send('"kind":"page","url":' + href() + ',"top_frame":' + topFrame + ',"referrer":' +
         json(StringOf(apply(referrerGet, D, []) || "")) + ',"title":""');
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
      send(notice("warning", "service-worker", "A service worker controls this page: navigations it serves " +
                  "from cache bypass the proxy, so some commands may be missed."));
    }
  } catch (e) { /* never reach the page */ }
})();
