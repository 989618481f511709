import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_docs_build(tmp_path: Path) -> None:
    """
    The documentation builds with warnings as errors, as Read the Docs builds it: every page in a
    toctree, every reference resolved, every docstring that autodoc includes valid reStructuredText.

    :param tmp_path: pytest's temporary folder, for the HTML output and Sphinx's cache
    """
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(DOCS), str(tmp_path / "html")]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    assert (tmp_path / "html" / "index.html").exists()
