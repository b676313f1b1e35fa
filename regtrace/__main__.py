"""``python -m regtrace``."""

from regtrace.cli import main

if __name__ == "__main__":
    main()
