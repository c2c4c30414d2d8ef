"""``python -m crawler`` is the ``crawler`` command."""

from crawler.cli import main

if __name__ == "__main__":  # worker processes may import this module: never run the CLI then
    main()
