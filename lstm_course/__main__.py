import sys

from lstm_course.cli import main

sys.exit(main())
