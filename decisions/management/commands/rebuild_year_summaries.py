"""Count the annual statistics from the records again and replace the year summaries, as
the nightly job does; with --check, only say whether the kept summaries agree.

    .venv/bin/python manage.py rebuild_year_summaries [--check]
"""

from django.core.management.base import BaseCommand, CommandError

from decisions.statistics.summary import year_summaries_drift, year_summaries_rebuild


class Command(BaseCommand):
    help = "Rebuild the annual statistics' year summaries from the records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing: compare the kept summaries with a count from scratch.",
        )

    def handle(self, *args, check=False, **options):
        if check:
            drift = year_summaries_drift()
            if drift:
                for kind, rows in drift.items():
                    for key, kept, fresh in rows:
                        self.stderr.write(f"{kind} {key}: kept {kept}, counted {fresh}")
                raise CommandError("The year summaries differ from the records.")
            self.stdout.write("The year summaries agree with the records.")
            return
        years = year_summaries_rebuild()
        self.stdout.write(f"Year summaries rebuilt: {years} year(s).")
