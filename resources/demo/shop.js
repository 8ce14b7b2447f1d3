/*
 * The demo shop's own code: what a site integrating the identify API would write.
 * Site-side faults (settings panel or ?fault=...), and the rule each one should trigger:
 *   properties-string   addUserProperties gets a JSON string, not an object -> property-invalid
 *   generic-identity    login identifies everyone as "guest"                -> identity-generic
 *   email-identity      login identifies with an email address, unhashed    -> identity-pii-unhashed
 * Tag-side faults are listed in tag-double.js.
 */
(function () {
  "use strict";
  window._uxa = window._uxa || [];
  var FAULT_COOKIE = "uxa_demo_faults";
  var FAULTS = [
    ["no-reset", "tag: identity change keeps the user ID"],
    ["no-renewal", "tag: no renewal pageview"],
    ["reset-first-identify", "tag: first identify resets"],
    ["reset-same-identity", "tag: same identity resets"],
    ["raw-identity", "tag: getIdentity returns the raw identity"],
    ["no-reset-on-logout", "tag: resetIdentity keeps the user ID"],
    ["lose-user-id", "tag: user ID lost between pages"],
    ["page-gap", "tag: page numbers skip"],
    ["properties-string", "site: properties sent as a string"],
    ["generic-identity", "site: identifies everyone as 'guest'"],
    ["email-identity", "site: identifies with the email address"]
  ];

  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  function activeFaults() {
    return cookie(FAULT_COOKIE).split(",").filter(Boolean);
  }
  function hasFault(name) { return activeFaults().indexOf(name) >= 0; }

  var shop = {
    // Every push goes through here, so the scenario page can log what the shop pushes.
    push: function (command) { return window._uxa.push(command); },
    user: function () { return localStorage.getItem("shop-user") || ""; },
    login: function (customerId, email) {
      var identity = customerId;
      if (hasFault("generic-identity")) identity = "guest";
      if (hasFault("email-identity")) identity = email || customerId + "@example.com";
      localStorage.setItem("shop-user", customerId);
      shop.push(["identify", identity]);
    },
    logout: function () {
      localStorage.removeItem("shop-user");
      shop.push(["resetIdentity"]);
    },
    saveProfile: function (props) {
      shop.push(["addUserProperties", hasFault("properties-string") ? JSON.stringify(props) : props]);
    },
    setFaults: function (list) {
      document.cookie = FAULT_COOKIE + "=" + encodeURIComponent(list.join(",")) + "; path=/; SameSite=Lax";
    },
    faults: FAULTS,
    activeFaults: activeFaults
  };
  window.shop = shop;

  // ?fault=a,b switches faults on for this browser (kept in a cookie, so later pages and frames
  // misbehave too); ?fault=none switches them off.
  var asked = new URLSearchParams(location.search).get("fault");
  if (asked !== null) shop.setFaults(asked.split(",").filter(function (f) { return f && f !== "none"; }));

  // A logged-in visitor is identified again on every page, as many sites do (same identity: no reset).
  // Not in the scripted scenario, nor in the pages it frames: there the scenario drives identify.
  var scripted = document.documentElement.hasAttribute("data-no-auto-identify") || window.top !== window;
  if (shop.user() && !scripted) {
    window._uxa.push(["identify", hasFault("generic-identity") ? "guest" : shop.user()]);
  }

  // The tag snippet: load the tag asynchronously, as the vendor's snippet does. Here the tag double
  // stands in for https://t.contentsquare.net/uxa/<id>.js (see tag-double.js).
  var tag = document.createElement("script");
  tag.async = true;
  tag.src = "/tag-double.js";
  document.head.appendChild(tag);
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = "/shop.css";
  document.head.appendChild(style);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  // The settings panel: switch faults on to see the inspector catch them.
  function settingsPanel() {
    var box = el("details", { "class": "faults", id: "faults" });
    box.appendChild(el("summary", {}, "Demo faults (" + (activeFaults().length || "none") + ")"));
    FAULTS.forEach(function (f) {
      var label = el("label");
      var input = el("input", { type: "checkbox", value: f[0] });
      input.checked = hasFault(f[0]);
      input.addEventListener("change", function () {
        var on = [].slice.call(box.querySelectorAll("input:checked")).map(function (i) { return i.value; });
        shop.setFaults(on);
        location.href = location.pathname + location.hash; // without ?fault=, which would win again
      });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + f[0] + " — " + f[1]));
      box.appendChild(label);
    });
    return box;
  }
  // The shop's frame around each page's <main>: menu, demo notice, and the faults panel.
  function frame() {
    var header = el("header");
    header.appendChild(el("span", { "class": "brand" }, "Demo Tea Shop"));
    [["/index.html", "Product"], ["/account.html", "Account"], ["/guide.html", "Brewing guide"]].forEach(function (l) {
      header.appendChild(el("a", { href: l[0] }, l[1]));
    });
    header.appendChild(el("span", { id: "who" }, shop.user() ? "Signed in as " + shop.user() : "Not signed in"));
    document.body.insertBefore(header, document.body.firstChild);
    var notice = el("p", { "class": "notice" }, "A demo site for UXA Inspector. Its analytics tag is a " +
      "tag double, a stand-in for the Contentsquare tag that can be told to misbehave (see Demo faults below).");
    var main = document.querySelector("main");
    if (main) main.insertBefore(notice, main.firstChild);
    var footer = el("footer");
    footer.appendChild(settingsPanel());
    document.body.appendChild(footer);
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.documentElement.hasAttribute("data-bare")) frame();
  });
})();
