"""``python -m lstm_course``: the learner and instructor command line (see lstm_course.cli)."""

import sys

from lstm_course.cli import main

if __name__ == "__main__":  # importing this module (e.g. to list the package) runs nothing
    sys.exit(main())
