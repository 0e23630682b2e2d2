import sys

from klarsyn.cli.main import main

sys.exit(main())
