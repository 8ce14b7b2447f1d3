"""The plugin is tested the way pytest tests plugins: ``pytester`` runs inner test sessions."""

pytest_plugins = ["pytester"]
