/*
 * TAG DOUBLE: a stand-in for Contentsquare's tag, for the UXA Inspector demo ONLY.
 * It is NOT the vendor's tag. It imitates the documented behaviour of the `_uxa` command queue
 * (docs: Track Users - Web; team notes: contentsquare-wire.md) closely enough for the inspector
 * to judge it, and it can be told to misbehave ("faults") so the demo shows each verdict.
 *
 * Faults come from the page's `?fault=a,b` parameter or the `uxa_demo_faults` cookie (the shop's
 * settings panel writes it). Tag-side faults, and the rule each one should trigger:
 *   no-reset             identify with another identity keeps the user ID  -> identity-change-reset-missing
 *   no-renewal           identity change renews the user but sends no pvt=r -> renewal-pageview-missing
 *   reset-first-identify first identify of an anonymous user renews it     -> unexpected-reset-first-identify
 *   reset-same-identity  identify with the same identity renews the user    -> unexpected-reset-same-identity
 *   raw-identity         getIdentity returns the identity itself            -> getidentity-returned-raw
 *   no-reset-on-logout   resetIdentity keeps the user ID                    -> reset-identity-no-new-user
 *   lose-user-id         each page load forgets _cs_id (a new user)         -> unexpected-user-id-change
 *   page-gap             page numbers skip one                              -> page-number-gap
 */
(function () {
  "use strict";
  var PROJECT_ID = 424242;
  var COLLECT = "https://c.contentsquare.net";
  var VERSION = "0.0.0-double";
  var SESSION_MS = 30 * 60 * 1000;
  var USER_MS = 395 * 24 * 3600 * 1000; // about 13 months
  var STATE_KEY = "_cs_double"; // identity bookkeeping of the double (the real tag keeps _cs_i)

  function readFaults() {
    var list = [];
    var param = new URLSearchParams(location.search).get("fault");
    var cookie = readCookie("uxa_demo_faults");
    [param, cookie].forEach(function (text) {
      if (text) decodeURIComponent(text).split(",").forEach(function (f) { if (f) list.push(f.trim()); });
    });
    return list;
  }
  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
    }
    return null;
  }
  function writeCookie(name, value, maxAgeMs) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + Math.round(maxAgeMs / 1000) + "; SameSite=Lax";
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function seconds() { return Math.floor(Date.now() / 1000); }
  function loadState() {
    try { return JSON.parse(localStorage.getItem(STATE_KEY)) || {}; } catch (e) { return {}; }
  }
  function saveState() { try { localStorage.setItem(STATE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ } }

  var faults = readFaults();
  function fault(name) { return faults.indexOf(name) >= 0; }
  var state = loadState(); // {identity, hash, properties}
  var user = null; // {id, created, visits, lastPv, lastVisit}
  var pageNumber = 0;
  var pathOverride = null;
  var callbacks = [];
  var sent = []; // every collection URL this double sent, for the scenario page

  // ---- cookies in the shapes of contentsquare-wire.md §3
  function saveCookies() {
    var now = Date.now();
    writeCookie("_cs_id", [user.id, user.created, user.visits, user.lastPv, user.lastVisit, user.created,
                           user.created * 1000 + USER_MS].join("."), USER_MS);
    writeCookie("_cs_s", [pageNumber, 0, now + SESSION_MS].join("."), SESSION_MS);
  }
  function loadUser() {
    var id = readCookie("_cs_id"), s = readCookie("_cs_s");
    var f = id && !fault("lose-user-id") ? id.split(".") : null;
    if (f && f.length >= 7) {
      user = { id: f[0], created: +f[1], visits: +f[2], lastPv: +f[3], lastVisit: +f[4] };
      if (s) { pageNumber = +s.split(".")[0] || 0; }
      else { user.visits += 1; user.lastVisit = seconds(); pageNumber = 0; } // session expired: new visit
    } else {
      newUser();
    }
  }
  // Other frames of the same site run their own copy of the tag: the cookies are the shared truth.
  function syncFromCookies() {
    var id = readCookie("_cs_id"), s = readCookie("_cs_s");
    var f = id ? id.split(".") : [];
    if (f.length >= 7) user = { id: f[0], created: +f[1], visits: +f[2], lastPv: +f[3], lastVisit: +f[4] };
    if (s) pageNumber = +s.split(".")[0] || 0;
    state = loadState();
  }
  function newUser() {
    var now = seconds();
    user = { id: uuid(), created: now, visits: 1, lastPv: now, lastVisit: now };
    pageNumber = 0;
  }

  // ---- collection
  function send(path, params) {
    var query = Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    var url = COLLECT + path + "?" + query;
    sent.push(url);
    var img = new Image(); // a GET image, like the tag's pageview
    img.src = url;
  }
  function pageUrl() {
    var url = location.origin + (pathOverride || location.pathname) + (pathOverride ? "" : location.search);
    return url;
  }
  function pageview(type) {
    if (type !== "n") syncFromCookies();
    pageNumber += fault("page-gap") && pageNumber > 0 ? 2 : 1;
    user.lastPv = seconds();
    saveCookies();
    send("/pageview", {
      pid: PROJECT_ID, uu: user.id, sn: user.visits, pn: pageNumber, pvt: type, url: pageUrl(),
      dr: document.referrer, hd: seconds(), ww: innerWidth, wh: innerHeight, la: navigator.language,
      v: VERSION, r: Math.floor(Math.random() * 1e6)
    });
    var info = { projectId: PROJECT_ID, sessionKey: user.id + "." + user.visits };
    callbacks.forEach(function (cb) { try { cb(info); } catch (e) { console.error(e); } });
  }
  // A different user begins on this device: new user ID, new session, properties left behind.
  function renewUser(renewalPageview) {
    newUser();
    state.properties = {};
    saveCookies();
    if (renewalPageview) pageview("r");
  }

  // ---- identity
  function sha256Hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) { return (b + 256).toString(16).slice(1); }).join("");
    });
  }
  function identify(value, options) {
    if (!((typeof value === "string" && value.length) || typeof value === "number")) {
      console.warn("[tag double] identify ignored: not a non-empty string or number");
      return;
    }
    var identity = String(value);
    if (options && options.hash) { // {hash: true}: the stored identity is the hash, known later
      sha256Hex(identity).then(function (h) { applyIdentity(h, h); });
      return;
    }
    applyIdentity(identity, null);
  }
  function applyIdentity(identity, knownHash) {
    var current = state.identity;
    if (current == null) {
      if (fault("reset-first-identify")) renewUser(true);
    } else if (current === identity) {
      if (fault("reset-same-identity")) renewUser(true);
      return saveState();
    } else if (!fault("no-reset")) {
      renewUser(!fault("no-renewal"));
    }
    state.identity = identity;
    state.hash = knownHash;
    saveState();
    // getIdentity is synchronous but SubtleCrypto is not: the hash is computed now, for later calls.
    if (!knownHash) sha256Hex(identity).then(function (h) {
      if (state.identity === identity) { state.hash = h; saveState(); }
    });
  }
  function resetIdentity() {
    var wasIdentified = state.identity != null;
    state.identity = null;
    state.hash = null;
    saveState();
    // The vendor's web page: always a new anonymous user and session (even when anonymous).
    if (!(wasIdentified && fault("no-reset-on-logout"))) renewUser(true);
  }
  function getIdentity() {
    if (state.identity == null) return undefined;
    return fault("raw-identity") ? state.identity : (state.hash || undefined);
  }

  // ---- the command queue
  var handlers = {
    identify: identify,
    resetIdentity: resetIdentity,
    getIdentity: getIdentity,
    addUserProperties: function (props) {
      if (props === null || typeof props !== "object" || Array.isArray(props)) {
        console.warn("[tag double] addUserProperties ignored: not an object");
        return;
      }
      state.properties = Object.assign(state.properties || {}, props); // last write wins
      saveState();
    },
    trackPageview: function (path) { if (typeof path === "string") pathOverride = path; pageview("a"); },
    setPath: function (path) { if (typeof path === "string") pathOverride = path; },
    afterPageView: function (cb) { if (typeof cb === "function") callbacks.push(cb); },
    getSessionData: function () {
      return { projectId: PROJECT_ID, userId: user.id, sessionNumber: user.visits, pageNumber: pageNumber };
    }
  };
  function run(command) {
    if (!Array.isArray(command) || typeof command[0] !== "string") {
      console.warn("[tag double] ignored a push that is not [name, ...args]");
      return undefined;
    }
    syncFromCookies();
    var handler = handlers[command[0]];
    return handler ? handler.apply(null, command.slice(1)) : undefined; // other commands: accepted, no-op
  }

  // ---- start: the natural pageview, then whatever the page queued before the tag loaded
  var queued = Array.isArray(window._uxa) ? window._uxa.slice() : [];
  loadUser();
  window.CS_CONF = { projectId: PROJECT_ID, double: true };
  pageview("n");
  window._uxa = { push: run };
  queued.forEach(run);
  window._uxaDouble = { faults: faults, sent: sent, state: function () { return state; } };
})();
