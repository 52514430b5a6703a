#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # Settings the operator must fix (a missing SECRET_KEY, a malformed DATABASE_URL):
        # one line that says what to set, not a traceback through Django's internals.
        fail("配置有误：", error)
    except DatabaseError as error:
        # The two an operator meets first: a database not migrated yet, one not reachable.
        text = str(error)
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            fail("数据库尚未建表：请先运行 python manage.py migrate（", error, "）")
        if any(sign in text for sign in ("could not connect", "connection failed", "Connection refused",
                                         "unable to open database file")):
            fail("无法连接数据库（请检查 DATABASE_URL）：", error)
        raise


def fail(before, error, after=""):
    if "--traceback" in sys.argv:
        raise error
    sys.stderr.write(before + " ".join(str(error).split()) + after + "\n")
    sys.exit(1)


if __name__ == "__main__":
    main()
