#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # Settings the operator must fix (a missing SECRET_KEY, a malformed DATABASE_URL):
        # one line that says what to set, not a traceback through Django's internals.
        if "--traceback" in sys.argv:
            raise
        sys.stderr.write("配置有误：" + " ".join(str(error).split()) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
