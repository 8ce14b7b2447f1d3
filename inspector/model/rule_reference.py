"""The rule reference: for every rule id, what it means, what evidence it rests on, the usual causes
and what to do. One page a rule, shown by ``uxa-inspector rules RULE``, in the app, in the HTML report
and written to ``docs/rules/`` (the same text everywhere). The one-line title and fix stay in
``rules.py``; this is the longer explanation a QA engineer reads before filing a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RulePage:
    meaning: str
    evidence: str
    causes: tuple[str, ...]
    fixes: tuple[str, ...]


_SAME_USER_ID = "the user ID (`uu` in hits, field 0 of the `_cs_id` cookie)"

PAGES: dict[str, RulePage] = {
    "identity-change-reset-missing": RulePage(
        "The page called identify with an identity different from the current one, so the tag should "
        "have started a new user: a new user ID, a new session and a renewal pageview. The user ID "
        "stayed the same, so the activity of two people is merged under one user.",
        f"An identify command seen by the observer, then {_SAME_USER_ID} unchanged in every hit and "
        "cookie snapshot until the deadline (10 s by default, `--deadline`).",
        ("The tag version predates identity changes renewing the user.",
         "Something restores the old `_cs_id` cookie (a consent tool, a cookie sync, a server "
         "setting the cookie back).",
         "identify is called on a page that is unloaded before the tag could act."),
        ("Update the tag and reproduce with the demo or a fresh profile.",
         "Watch the `_cs_id` cookie right after identify in the timeline: who writes it back?")),
    "renewal-pageview-missing": RulePage(
        "After an identity change the tag renews the user and must send a renewal pageview for the "
        "current page, so the new user's session starts on the page the person is on. No such "
        "pageview arrived.",
        "A user ID renewal caused by identify (or the expectation of one), then no pageview with "
        "`pvt=r` (renewal) from that device before the deadline.",
        ("The page navigates away right after identify (a login form that redirects at once).",
         "A blocker or a service worker drops the request.",
         "An old tag that renews the user without the pageview."),
        ("Let the page stay a moment after identify, or identify on the page the user lands on.",
         "Check the Network evidence of the device for a blocked or failed pageview.",
         "When the new user's next pageview shows the tag did count a renewal (session 1, page 2), "
         "the verdict is `renewal-pageview-not-captured` (info) instead.")),
    "renewal-pageview-not-captured": RulePage(
        "After an identity change (or, in a network-only capture, an inferred one) the tag renewed "
        "the user, and no renewal pageview reached the capture. But the new user's first page seen is "
        "page 2 of session 1 (the tag counts the renewal pageview as page 1), or the tag's own "
        "afterPageView callback reported a pageview of the new user on the page of the call: either "
        "way it did send one. The tag behaved; the request was lost on the way, which is why this is "
        "reported, not judged.",
        "A new user ID answering the call and no `pvt=r` pageview of that user before the deadline, "
        "with a pageview of that user numbered session 1, page 2 (`sn=1`, `pn=2`), or an afterPageView "
        "callback naming that user's session 1 on the call's page with no trackPageview between (the "
        "observer registers the callback; the tag calls it after each pageview it sends). Had the tag "
        "sent no renewal, the new user would start at page 1 and no such callback would come "
        "(`renewal-pageview-missing`).",
        ("The page reloads or navigates in the same task as identify or resetIdentity: the browser "
         "cancels the tag's image request before it leaves (a login form that reloads at once).",
         "A blocker, a service worker or a flaky network dropped the request.",
         "The recorder left the request out (a HAR recorded in the browser can miss a request the "
         "page gave up on as it unloaded)."),
        ("Nothing, if the capture is a HAR: compare with a proxy capture of the same journey.",
         "If the site navigates right after the call, navigating a moment later lets the renewal "
         "pageview reach Contentsquare.")),
    "unexpected-reset-first-identify": RulePage(
        "Identifying an anonymous visitor links their existing user to the identity: the user ID and "
        "the session must stay. Here they changed, so the visit before login is cut off from the user.",
        "A first identify on an anonymous device, then a different user ID or a restarted session "
        "(session number change, page number back to 1) credited to that call.",
        ("resetIdentity called just before identify on login.",
         "Cookies cleared by the login flow (a new domain, a storage wipe)."),
        ("Call resetIdentity on logout only, never before a first identify.",
         "Keep the login flow on the same cookie domain.")),
    "unexpected-reset-same-identity": RulePage(
        "Calling identify again with the identity already set must change nothing. Here the user ID or "
        "session changed, so one person is split into several users.",
        "identify with a value equal to the current identity (compared exactly, case-sensitive), "
        "then a new user ID or a restarted session credited to that call.",
        ("The value differs in a way that is easy to miss: case, whitespace, a number sent once as a "
         "number and once as a string.",
         "resetIdentity before each identify on every page."),
        ("Send the identity in one normalised form on every page.",
         "Compare the two identify calls side by side in the timeline (Reveal shows the values).")),
    "reset-identity-no-new-user": RulePage(
        "resetIdentity on an identified user must drop the identity and start a new anonymous user. "
        "The user ID stayed, so the next person on this browser is merged with the last one.",
        f"resetIdentity while identified, then {_SAME_USER_ID} unchanged until the deadline.",
        ("An old tag, or the old `_cs_id` cookie written back after the reset.",
         "resetIdentity pushed before the tag loaded, on a page that is left at once."),
        ("Update the tag; reset on the page shown after logout rather than just before leaving.",)),
    "reset-identity-anonymous": RulePage(
        "resetIdentity was called while no identity was set. The vendor's web page says a reset "
        "always starts a new user; its mobile SDKs and Heap treat this as a no-op. Both outcomes are "
        "accepted and the outcome seen is reported.",
        "resetIdentity on a device with no identity, and whether the user ID changed after it.",
        ("resetIdentity called on every page load, or on logout for visitors who never logged in.",),
        ("Call resetIdentity only when a logged-in user logs out.",)),
    "unexpected-user-id-change": RulePage(
        "The user ID changed although no identify or resetIdentity explains it. Everything before "
        "and after the change belongs to different users, so journeys and properties are split.",
        "Two hits or cookie snapshots of one device with different user IDs and no command that "
        "expects a new one (nor, in a network-only capture, a renewal pageview that shows one).",
        ("Cookies lost or blocked: consent banners, a different cookie domain, cross-domain "
         "navigation, storage cleared, private windows.",
         "Two tags on the page with different settings.",
         "identify or resetIdentity called where the observer cannot see it (another frame)."),
        ("Look at the `_cs_id` cookie around the change in the timeline.",
         "Check cookie domain settings and consent handling.")),
    "user-id-change-inferred": RulePage(
        "The capture holds none of the page's own reports (a HAR file, a capture without the observer), "
        "so its identify and resetIdentity calls cannot be seen. The user ID changed together with the "
        "renewal pageview such a call sends: this is what a correct login as someone else or logout "
        "looks like on the network, so it is reported, not judged.",
        f"A change of {_SAME_USER_ID} on a device with no observer reports, and a pageview with "
        "`pvt=r` of the new user starting session 1 at page 1 within the deadline.",
        ("A sign-in as another person, or a sign-out, on a site recorded as a HAR file.",),
        ("Nothing, if the journey had a sign-in or sign-out here.",
         "To judge the call itself (identity value, timing), capture the journey with the observer.")),
    "getidentity-returned-raw": RulePage(
        "getIdentity must return a hash of the identity, never the identity itself: anything on the "
        "page (other scripts, extensions) could read the raw value back.",
        "A getIdentity command whose returned value equals the current identity string.",
        ("A tag double, a wrapper or a custom stub around `_uxa` that returns what it stored.",),
        ("Use the real tag's getIdentity, and never read identities back from the page.",)),
    "identity-invalid": RulePage(
        "The identity cannot be stored: it is empty, not a string or a number, or longer than 255 "
        "characters.",
        "The identify command's first argument as the observer saw it.",
        ("An undefined or null variable pushed before the user data loaded.",
         "An object passed instead of its id field."),
        ("Pass a non-empty string or number of at most 255 characters, such as a CRM customer ID.",)),
    "identity-long": RulePage(
        "The identity is longer than 100 characters. Some of the vendor's pages cap identities at "
        "100 characters, so a long value may be cut and then no longer match.",
        "The length of identify's first argument.",
        ("A token, a serialised object or a full URL used as the identity.",),
        ("Send a short, stable identifier.",)),
    "identity-generic": RulePage(
        "The identity is a placeholder that many people share ('guest', 'anonymous', 'null', '0', "
        "'[object Object]'...). Everyone identified with it becomes one user.",
        "identify's first argument compared with a list of placeholder values.",
        ("identify called before the user is known, with a default value.",
         "A template or an object stringified by mistake."),
        ("Skip identify until the user is known; pass the real identifier.",)),
    "identity-pii-unhashed": RulePage(
        "The identity looks like an e-mail address or a phone number, sent in clear. The vendor asks "
        "for identifiers that do not directly identify a person (a customer number, a UUID), or a hash.",
        "The shape of identify's first argument, without `{hash: true}`.",
        ("Using the login e-mail as the identity.",),
        ("Send a customer number or UUID; or hash server-side; or, last, `{hash: true}`.",)),
    "identity-hashed-client-side": RulePage(
        "identify was called with `{hash: true}`: the tag hashes the identity in the browser, so "
        "the stored value will not match the identifiers in your CRM or marketing tools.",
        "The identify command's options.",
        ("A privacy choice made on the page rather than in a data pipeline.",),
        ("If you need to join data with other tools, hash server-side in one place instead.",)),
    "property-overwrite": RulePage(
        "addUserProperties replaced an earlier value of a property of the same user (last write "
        "wins). Usually expected; reported so that accidental overwrites can be seen.",
        "Two addUserProperties writes of one key for one user with different values.",
        ("A value that really changed.", "Two scripts setting the same key with different values."),
        ("If it is not meant to change, send each property once, from one place.",)),
    "property-invalid": RulePage(
        "A user property cannot be stored: the argument is not one object, a value is not a string, "
        "number or boolean, a value is empty, or a key is empty or reserved (`user_id`, `id`).",
        "The addUserProperties argument as the observer saw it.",
        ("Properties passed as a JSON string or an array.", "Nested objects or dates as values."),
        ("Pass one flat object of strings, numbers and booleans.",)),
    "property-value-long": RulePage(
        "A property value is longer than 255 characters and will be cut.",
        "The length of each addUserProperties value.",
        ("Free text or serialised data stored as a property.",),
        ("Send a shorter value or an identifier.",)),
    "properties-detached": RulePage(
        "A change of user (an identity change or a reset) detached the properties set on the "
        "previous user: they stay with that user and do not carry over.",
        "Property writes on a user, then a user ID renewal on the same device.",
        ("The expected consequence of a login as someone else or of a logout.",),
        ("Set the properties again for the new user if they apply to them.",)),
    "session-number-jump": RulePage(
        "The session number went up by more than one, or down, without a reset or 30 minutes idle.",
        "`sn` in consecutive hits of one user.",
        ("Several tags on the page, or an old `_cs_id` cookie restored.",),
        ("Load one tag; look for cookie restore logic.",)),
    "page-number-gap": RulePage(
        "Within a session the page number skipped or repeated: a pageview was lost or sent twice.",
        "`pn` in consecutive pageviews of one session.",
        ("A blocked pageview; a single-page app sending trackPageview and a natural pageview for one "
         "route change; two tags.",),
        ("Send one pageview per page or route change.",)),
    "renewal-pageview-unexpected": RulePage(
        "A renewal pageview arrived with no identity change, reset or session expiry before it.",
        "A pageview with `pvt=r` and no open expectation of a renewal on that device.",
        ("identify called where the observer cannot see it (another frame, a tag-only call).",
         "An identity value that differs on every page (a timestamp or a random part)."),
        ("Send a stable identity; check frames that call identify.",)),
    "hit-missing-ids": RulePage(
        "A collection hit lacks one of the ids every hit carries: project (`pid`), user (`uu`), "
        "session (`sn`) or page (`pn`).",
        "The query of a collection request.",
        ("A proxy or script rewriting the tag's requests; an outdated tag.",),
        ("Update the tag; leave its requests untouched.",)),
    "command-malformed": RulePage(
        "`_uxa.push` was given something other than an array whose first item is a command name.",
        "The pushed value as the observer saw it.",
        ("`_uxa.push('identify', id)` instead of `_uxa.push(['identify', id])`.",),
        ("Push one array: `_uxa.push(['identify', id])`.",)),
    "command-unknown": RulePage(
        "The command name is not one the tag documents, so the tag ignores it.",
        "The first item of the pushed array.",
        ("A typo or wrong case (`Identify`, `resetIdentify`).",),
        ("Check the name against the tag's documentation.",)),
}


def page_markdown(rule_id: str, title: str, severity: str, fix: str) -> str:
    """The rule's page as Markdown (for ``docs/rules/`` and the terminal)."""
    page = PAGES[rule_id]
    lines = [f"# `{rule_id}`: {title}", "", f"Severity: **{severity}**", "", "## What it means", "",
             page.meaning, "", "## Evidence", "", page.evidence, "", "## Usual causes", ""]
    lines += [f"- {cause}" for cause in page.causes]
    lines += ["", "## What to do", "", f"- {fix}"] + [f"- {step}" for step in page.fixes]
    return "\n".join(lines) + "\n"
