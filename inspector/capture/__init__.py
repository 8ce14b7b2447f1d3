"""The capture side: the mitmproxy addon, the page observer's injection, the stream and journal.

Runs inside mitmdump (a child process); never imports Qt."""
