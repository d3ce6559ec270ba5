"""Start the `celery` command on this source tree, for the worker tests.

`python -m tests.celery_launcher -A rse worker …` is `celery -A rse worker …`, except
that it first drops the finder an editable install (`pip install -e`) adds to import
modules from the checkout it was installed from: when several checkouts share one
virtualenv, a module missing here must not be picked from another checkout.
"""

import sys

from celery.__main__ import main

sys.meta_path[:] = [
    finder
    for finder in sys.meta_path
    if not str(getattr(finder, "__module__", "")).startswith("__editable__")
]

if __name__ == "__main__":
    sys.argv[0] = "celery"
    sys.exit(main())
