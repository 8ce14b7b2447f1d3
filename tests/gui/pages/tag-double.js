/* GUI end-to-end test double of the tag: takes over the _uxa queue, sends a pageview, and on an
   identity change renews the user ID and sends a renewal pageview, as the documentation says. */
(function () {
  var pending = window._uxa || [];
  var user = "11111111-2222-4333-8444-555555555551", session = 1, page = 0, who = null;
  function pageview(kind) {
    page += 1;
    new Image().src = "https://c.contentsquare.net/pageview?pid=7&uu=" + user + "&sn=" + session +
      "&pn=" + page + "&url=" + encodeURIComponent(location.href) + (kind ? "&pvt=" + kind : "");
  }
  function handle(command) {
    if (command[0] === "identify") {
      var next = String(command[1]);
      if (who !== null && who !== next) { user = user.slice(0, -1) + "2"; page = 0; pageview("r"); }
      who = next;
    }
  }
  pending.forEach(handle);
  window._uxa = { push: handle };
  pageview();
})();
