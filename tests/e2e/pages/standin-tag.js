/* A minimal stand-in for the vendor's tag, for capture tests only: replaces the _uxa queue with an
   object, runs queued then live commands, and sends pageviews to the collection host. */
(function () {
  var queue = window._uxa || [];
  var uu = "aaaaaaaa-0000-4000-8000-00000000000" + (document.cookie.indexOf("e2e=") >= 0 ? "2" : "1");
  var sn = 1, pn = 0, identity = null;
  function hit(pvt) {
    pn += 1;
    new Image().src = "https://c.contentsquare.net/pageview?pid=42&uu=" + uu + "&sn=" + sn + "&pn=" + pn +
      "&url=" + encodeURIComponent(location.href) + (pvt ? "&pvt=" + pvt : "") + "&r=" + Math.random();
  }
  function run(cmd) {
    var name = cmd[0];
    if (name === "identify") {
      if (identity !== null && identity !== String(cmd[1])) { uu = uu.slice(0, -1) + "9"; sn = 1; pn = 0; hit("r"); }
      identity = String(cmd[1]);
      return undefined;
    }
    if (name === "getIdentity") { return identity === null ? undefined : "h" + identity.length; }
    if (name === "afterPageView") { return undefined; }
    if (name === "boom") { throw new Error("boom"); }
    return undefined;
  }
  var api = { push: function (cmd) { return run(cmd); } };
  for (var i = 0; i < queue.length; i++) { run(queue[i]); }
  window._uxa = api;
  hit();
})();
