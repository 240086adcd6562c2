from django.core.management.base import BaseCommand

from remedies.tasks import send_weekly_digests


class Command(BaseCommand):
    help = (
        "Send this week's digest now to each manager and service-area lead with overdue or "
        "due-soon actions (in-process on the embedded default; queued for the worker when "
        "REDIS_URL is set). Nobody gets it twice in a week; one that failed is tried again."
    )

    def handle(self, *args, **options):
        summary = send_weekly_digests()
        self.stdout.write(
            "Weekly digest for the week starting {week_starting}: {digests_recorded} "
            "recorded; {digests_to_send} sent or queued.".format(**summary)
        )
