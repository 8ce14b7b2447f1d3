"""Identity checks inside a team's own browser tests: a live capture a test can question
(``live.py``) and the pytest plugin around it (``pytest_plugin.py``, loaded through the ``pytest11``
entry point). Beside cli at the top of the layers: nothing in the package imports it.
"""
