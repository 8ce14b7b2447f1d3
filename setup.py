"""Everything else is in pyproject.toml; this says the one thing it cannot.

The package list is found automatically *and* gets ``inspector.resources`` mapped onto the top-level
``resources/`` folder (kept there: the project's agreed layout), so wheels carry it inside the package.
pyproject.toml takes either a found list or a written one, not both; a written list would need an edit
for every new subpackage. Data subfolders are listed as namespace packages so setuptools ships them
without warnings.
"""

from setuptools import find_namespace_packages, find_packages, setup

DATA_DIRS = find_namespace_packages(where="resources", exclude=["__pycache__", "*.__pycache__"])

setup(
    packages=[*find_packages(include=["inspector", "inspector.*"]), "inspector.resources",
              *(f"inspector.resources.{name}" for name in DATA_DIRS)],
    package_dir={"inspector.resources": "resources"},
)
