"""Allow ``python -m tasker_ctl`` as an alias for the ``tasker-ctl`` script."""

from tasker_ctl.cli import main

if __name__ == "__main__":
    main()
