"""The command line: ``main`` is the composition root, with one module per subcommand beside it."""
