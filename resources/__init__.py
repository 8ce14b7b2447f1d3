"""The files UXA Inspector ships beside its code: the page observer, the demo shop and its tag double,
icons and the Linux desktop entry.

This folder stays at the top of the repository; wheels and the frozen app carry it as the package
``inspector.resources`` (setup.py maps it). Code finds it through ``inspector.package_files``.
"""
