from django.core.management.base import BaseCommand

from remedies.tasks import run_overdue_sweep


class Command(BaseCommand):
    help = (
        "Run the overdue sweep now: flag overdue actions and enquiries and send the "
        "reminders due, one e-mail per person (in-process on the embedded default; queued "
        "for the worker when REDIS_URL is set)."
    )

    def handle(self, *args, **options):
        summary = run_overdue_sweep()
        self.stdout.write(
            "Overdue sweep: {newly_overdue_actions} actions and {newly_overdue_enquiries} "
            "enquiries newly overdue; {reminders_recorded} reminders recorded; "
            "{reminders_to_send} reminders sent or queued in {emails_to_send} e-mail(s)."
            "".format(**summary)
        )
