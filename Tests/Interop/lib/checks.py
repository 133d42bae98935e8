"""The interop scripts' checks: each prints "ok: NAME" or "FAIL: NAME" with its traceback, and the
script ends with the summary line "N passed, N failed" that scripts/run-interop.sh adds up."""
import sys
import traceback


class Checks:
    """Counts named checks; finish() prints the summary and exits non-zero when one failed."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, fn):
        """Runs fn(); an exception is a failure, printed with its traceback."""
        try:
            fn()
            self.passed += 1
            print("ok:", name)
        except Exception:
            self.failed += 1
            print("FAIL:", name, file=sys.stderr)
            traceback.print_exc()

    def skip(self, name, why):
        """Counts a check that could not run (because of an earlier failure) as failed."""
        self.failed += 1
        print("FAIL (%s): %s" % (why, name), file=sys.stderr)

    def finish(self):
        """Prints "N passed, N failed" and exits 1 when a check failed."""
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)
