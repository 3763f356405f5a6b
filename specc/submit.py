"""The command line as a file for `spark-submit`, which runs a Python application given by a
path ending in `.py` (not a console script):

    spark-submit --master yarn "$(python -c 'import specc.submit as s; print(s.__file__)')" \
        check SPEC --engine spark --data T=table:db.name

Without `--connect`, the Spark engine then uses the master spark-submit was given.
"""

import os
import sys

# Run as a file, Python puts this folder first on the path, where specc's own `ast.py` would
# hide the standard library's: the package is imported from where it is installed instead.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

from specc.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
