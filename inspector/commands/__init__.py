"""One module per CLI subcommand, each exposing ``register(subparsers)``.

Exit codes shared by every command: 0 fine, 1 a check failed, 2 bad input or usage.
"""
