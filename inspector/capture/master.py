"""The capture child's mitmproxy: mitmdump's command line and start-up, with only the addons a capture
uses and our addon registered directly rather than through the script loader.

mitmproxy asks every addon in its chain for every hook of every flow; with mitmdump's 36 addons that
dispatch took 36-50% of the child's time in profiles (our own hooks about 3%). The child never gets
the options that would switch the left-out ones on. ``mitmdump -s addon.py`` still works as ever.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from mitmproxy import exceptions, hooks, master, options
from mitmproxy.addons import (
    block,
    core,
    disable_h2c,
    dumper,
    errorcheck,
    next_layer,
    onboarding,
    proxyserver,
    tlsconfig,
)
from mitmproxy.tools import cmdline
from mitmproxy.tools.main import run

from inspector.capture import addon

# mitmdump's addons the child goes without, and why (tests/capture/test_master.py keeps this exact).
DROPPED = {
    "browser": "starts a browser on command; the app starts its own",
    "stripdnshttpsrecords": "acts on DNS answers: the child runs no DNS mode",
    "blocklist": "block_list: never set",
    "anticache": "anticache: never set",
    "anticomp": "anticomp: never set (our addon decodes bodies itself)",
    "clientplayback": "replays flows from a file: never asked",
    "commandhistory": "mitmproxy's console keeps it; mitmdump has no prompt",
    "comment": "a command to annotate flows: never called",
    "cut": "commands to copy parts of flows: never called",
    "export": "commands to export flows: never called",
    "proxyauth": "proxyauth: never set (the child listens on loopback unless uxa_allow_remote)",
    "dnsresolver": "answers DNS-mode queries only: the child runs no DNS mode",
    "scriptloader": "loads -s scripts; our addon is registered directly",
    "serverplayback": "server_replay: never set",
    "mapremote": "map_remote: never set",
    "maplocal": "map_local: never set",
    "modifybody": "modify_body: never set",
    "modifyheaders": "modify_headers: never set",
    "stickyauth": "stickyauth: never set",
    "stickycookie": "stickycookie: never set",
    "save": "save_stream_file (-w): never set; the addon writes its own journal",
    "savehar": "hardump: never set",
    "upstreamauth": "upstream_auth: never set (upstream mode itself is the proxy server's)",
    "updatealtsvc": "rewrites Alt-Svc in reverse mode only: the child runs regular mode",
    "keepserving": "exits once a replay or -r file is done: there are none",
    "readfilestdin": "reads flows from -r or stdin: never asked",
}


class CaptureMaster(master.Master):
    """mitmdump's master (termlog, the default addons, dumper, error check) cut to what a capture uses."""

    def __init__(self, opts: options.Options) -> None:
        super().__init__(opts, with_termlog=True)  # warnings and errors to stderr
        self.addons.add(  # type: ignore[no-untyped-call]
            core.Core(),  # option checks and the core commands
            block.Block(),  # block_global: refuses public clients when listening beyond loopback
            disable_h2c.DisableH2C(),  # strips h2c upgrades mitmproxy cannot follow
            # http://mitm.it, where a phone gets the CA (launch/browser.py's instructions)
            onboarding.Onboarding(),  # type: ignore[no-untyped-call]
            # the listeners (regular mode; upstream in the benchmark) and the connection options
            proxyserver.Proxyserver(),  # type: ignore[no-untyped-call]
            *addon.addons,  # where the script loader would hold it: same hook order as mitmdump -s
            next_layer.NextLayer(),  # which protocol layer comes next on each connection
            tlsconfig.TlsConfig(),  # the CA in confdir, certificates, upstream_cert
            dumper.Dumper(),  # flow_detail: silent at 0, flows on stdout above
            errorcheck.ErrorCheck(),  # an error logged at start-up exits non-zero
        )

    async def run(self) -> None:
        # No script loader will declare options later: one still unknown is a mistake.
        if unknown := sorted(self.options.deferred):
            sys.exit(f"{sys.argv[0]}: no such option: {', '.join(unknown)}")
        # The script loader shows a script every option once loaded, not only those the command line
        # changed; our addon counts on that (mitmproxy's default listen_host "" becomes loopback).
        every = set(self.options.keys())  # type: ignore[no-untyped-call]
        try:
            for capture in addon.addons:
                self.addons.invoke_addon_sync(capture, hooks.ConfigureHook(every))
        except exceptions.OptionsError as exc:
            sys.exit(f"{sys.argv[0]}: {exc}")
        await super().run()


def run_child(arguments: Sequence[str]) -> None:
    """mitmdump's command line, start-up and signals on the lean master; exits non-zero on bad options."""

    def filter_options(args: object) -> dict[str, str]:
        expression = " ".join(getattr(args, "filter_args", None) or ())
        return {"dumper_filter": expression} if expression else {}

    run(CaptureMaster, cmdline.mitmdump, arguments, filter_options)
