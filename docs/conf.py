"""
Configuration of the Sphinx documentation of sb3-reinforce.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (warnings are errors).
"""

import importlib.util
import os
import sys

# The package, importable from a checkout without installing it
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

# Read version from file
version_file = os.path.join(os.path.dirname(__file__), "..", "sb3_reinforce", "version.txt")
with open(version_file) as file_handler:
    __version__ = file_handler.read().strip()

# -- Project information -----------------------------------------------------

project = "sb3-reinforce"
copyright = "2026, sb3-reinforce contributors"
author = "sb3-reinforce contributors"

# The short X.Y version
version = __version__
# The full version, including alpha/beta/rc tags
release = __version__

# -- General configuration ---------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]

# Markdown pages, as SB3 and sb3-contrib write theirs
source_suffix = {".md": "markdown"}
root_doc = "index"
language = "en"

# benchmark/ holds the benchmark page's figures, CSV files and generated tables, which are not pages.
exclude_patterns = ["_build", "benchmark/**", "Thumbs.db", ".DS_Store"]

pygments_style = "sphinx"

# -- MyST --------------------------------------------------------------------

myst_enable_extensions = [
    "amsmath",  # LaTeX equation environments
    "colon_fence",  # ::: fences for admonitions
    "dollarmath",  # $...$ and $$...$$ math
]
# Anchors for the headings of levels 1 to 3, so that pages can link to sections (page.md#section)
myst_heading_anchors = 3

# -- autodoc -----------------------------------------------------------------

autodoc_typehints = "description"
# autosummary lists the policies in tables only: no stub pages to generate
autosummary_generate = False
autodoc_member_order = "bysource"
# sb3_reinforce.zoo needs rl_zoo3 and optuna (the zoo extra): mocked when they are not installed, so that
# the documentation builds with the docs extra alone.
autodoc_mock_imports = [name for name in ("rl_zoo3", "optuna", "sqlalchemy") if importlib.util.find_spec(name) is None]

# -- Options for HTML output -------------------------------------------------

html_theme = "sphinx_rtd_theme"
html_title = f"sb3-reinforce {__version__}"
htmlhelp_basename = "sb3reinforcedoc"
