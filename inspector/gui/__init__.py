"""The PySide6 desktop app. Never imports mitmproxy: the proxy is a child process."""
