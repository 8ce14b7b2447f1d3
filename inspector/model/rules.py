"""The verdict rules: stable ids (a public contract), severities, titles and fix hints.

Ids and severities follow ``design/reference-model.md``; messages are written at fire time by the
reference model, with personal data masked (raw values go only in a verdict's ``details``).
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector.model.state import Severity

V, W, INFO = Severity.VIOLATION, Severity.WARNING, Severity.INFO


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    title: str
    fix: str


_CATALOGUE: tuple[Rule, ...] = (
    Rule("identity-change-reset-missing", V,
         "Identity changed but the user ID was not renewed",
         "The tag must renew the user ID when identify is called with a different identity; "
         "check the tag version and that nothing restores the old _cs_id cookie."),
    Rule("renewal-pageview-missing", V,
         "Identity changed but no renewal pageview was sent",
         "After an identity change the tag sends a renewal pageview (pvt=r) for the current page; "
         "make sure the page is not unloaded right after identify and the tag is up to date."),
    Rule("unexpected-reset-first-identify", V,
         "The first identify of an anonymous user reset the user or session",
         "Identifying an anonymous visitor must keep their user ID and session; look for a "
         "resetIdentity or cookie clearing called alongside the first identify."),
    Rule("unexpected-reset-same-identity", V,
         "identify with the current identity reset the user or session",
         "Calling identify again with the same value must change nothing; compare the values "
         "exactly (case, whitespace, number vs string) and avoid resetIdentity before identify."),
    Rule("reset-identity-no-new-user", V,
         "resetIdentity on an identified user did not renew the user ID",
         "resetIdentity must drop the identity and start a new anonymous user; check the tag "
         "version and that nothing restores the old _cs_id cookie."),
    Rule("reset-identity-anonymous", INFO,
         "resetIdentity was called while no identity was set",
         "Call resetIdentity on logout only; sources disagree on whether it renews an anonymous "
         "user, so this is reported, not judged."),
    Rule("unexpected-user-id-change", V,
         "The user ID changed with no identify or resetIdentity to explain it",
         "Look for lost or blocked _cs_id cookies (consent banners, cookie domain, cross-domain "
         "navigation, cleared storage) around this point."),
    Rule("user-id-change-inferred", INFO,
         "The user ID changed with a renewal pageview: an identify or resetIdentity not captured",
         "The capture holds no page commands (a HAR file, no observer): this is what a correct identity "
         "change or logout sends. Capture with the observer to judge the call itself."),
    Rule("renewal-pageview-not-captured", INFO,
         "A renewal pageview was sent but not captured",
         "The tag's own evidence (its afterPageView callback on the call's page, or the new user's "
         "later pages) shows it sent it: the browser most likely cancelled the request as the page "
         "navigated right after the call. Contentsquare then lacks it too; let the page navigate a "
         "moment after identify or resetIdentity if that matters."),
    Rule("getidentity-returned-raw", V,
         "getIdentity returned the identity itself instead of a hash",
         "getIdentity must never expose the raw identity; update the tag and do not read identities "
         "back from it."),
    Rule("identity-invalid", V,
         "The identity is not usable",
         "Pass a non-empty string (or number) of at most 255 characters, such as a CRM customer ID."),
    Rule("identity-long", W,
         "The identity is longer than 100 characters",
         "Some vendor pages cap identities at 100 characters: send a shorter stable identifier."),
    Rule("identity-generic", W,
         "The identity is a placeholder shared by many people",
         "Never identify with values such as 'guest' or 'anonymous': they merge different people "
         "into one. Skip identify until the user is known."),
    Rule("identity-pii-unhashed", W,
         "The identity looks like an email address or phone number",
         "Send a customer number or UUID instead, or hash it (server-side preferably, or with "
         "{hash: true})."),
    Rule("identity-hashed-client-side", INFO,
         "The identity is hashed in the browser ({hash: true})",
         "The stored value will not match your CRM identifiers; hash server-side if you need to "
         "join data."),
    Rule("property-overwrite", INFO,
         "A user property was overwritten",
         "Expected when the value really changed; if not, send each property once per change."),
    Rule("property-invalid", V,
         "A user property cannot be stored",
         "Pass one object of string, number or boolean values with non-empty keys other than "
         "'user_id' and 'id'."),
    Rule("property-value-long", W,
         "A user property value is longer than 255 characters",
         "Values are cut to 255 characters: send a shorter value or an identifier."),
    Rule("properties-detached", INFO,
         "A user change detached the previous user's properties",
         "Properties belong to the user they were set on; set them again for the new user if needed."),
    Rule("session-number-jump", W,
         "The session number jumped",
         "The session number should only go up by one, after a reset or 30 minutes idle; look for "
         "several tags or an old _cs_id cookie being restored."),
    Rule("page-number-gap", W,
         "The page number skipped or repeated within a session",
         "Look for pageviews blocked or sent twice (double tag, SPA route changes with trackPageview "
         "and a natural pageview)."),
    Rule("renewal-pageview-unexpected", W,
         "A renewal pageview came with no identity change, reset or session expiry",
         "Check for identify calls the observer could not see (other frames, tag-only calls) and for "
         "identity values that differ on every page."),
    Rule("hit-missing-ids", V,
         "A collection hit lacks project, user, session or page id",
         "The tag sent an incomplete hit: update the tag and check nothing rewrites its requests."),
    Rule("command-malformed", V,
         "_uxa.push was given something that is not [commandName, ...]",
         "Push an array whose first item is the command name, e.g. _uxa.push(['identify', id])."),
    Rule("command-unknown", W,
         "The command name is not one the tag documents",
         "Check the spelling and case of the command name against the tag's documentation."),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _CATALOGUE}
