"""Work out every complaint's columns for the decisions list from its records again, as
the nightly job does; with --check, change nothing and list the complaints whose kept
columns differ from their records.

    .venv/bin/python manage.py rebuild_list_columns [--check]
"""

from django.core.management.base import BaseCommand, CommandError

from decisions.complaint_columns import list_columns_drift
from decisions.statistics.summary import list_columns_rebuild

SHOWN = 20  # complaints listed by --check; the rest are counted


class Command(BaseCommand):
    help = "Rebuild the decisions list's columns of every complaint from the records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing: compare the kept columns with the records.",
        )

    def handle(self, *args, check=False, **options):
        if check:
            drift = list_columns_drift()
            for row in drift[:SHOWN]:
                self.stderr.write(
                    f"complaint {row.complaint_id}: kept {row.kept}, records {row.fresh}"
                )
            if drift:
                raise CommandError(
                    f"The list columns of {len(drift):,} complaint(s) differ from the records."
                )
            self.stdout.write("The list columns agree with the records.")
            return
        changed = list_columns_rebuild()
        self.stdout.write(f"List columns rebuilt: {changed:,} complaint(s) changed.")
