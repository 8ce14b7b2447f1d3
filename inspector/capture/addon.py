"""The mitmproxy addon (loaded by mitmdump -s)."""
