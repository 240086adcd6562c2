"""gunicorn's settings for the product, read by the image's command, docker-compose.yml and
``manage.py benchmark_pages`` (``gunicorn -c gunicorn.conf.py ...``).

Each worker, once it has loaded the application, imports every view (through the URL
patterns) and then freezes the objects it holds (``gc.freeze()``): Python's cyclic garbage
collector no longer walks the 160,000 objects of the loaded product on each of its full
collections, which came every few requests and took about a millisecond each (measured on
the decisions list). These objects live as long as the worker anyway.
"""

import gc

from django.urls import reverse


def post_worker_init(worker):
    """Once the worker has loaded the application: load the URL patterns (and with them
    every view, form and filter), collect what loading left behind, freeze the rest."""
    reverse("healthz")
    gc.collect()
    gc.freeze()


# A worker is silent while it streams a download, and gunicorn kills a silent worker after
# ``timeout`` seconds (30 by default): the largest download, every one of 200,000
# decisions as Excel, took 48 s to its last byte (benchmark_pages at national scale) and
# was cut off at 30. A council's own (10,000 decisions) takes about 2 s.
timeout = 120
