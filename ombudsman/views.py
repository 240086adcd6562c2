from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def home(request):
    """Managers and the complaints team start from the dashboard; others from the list."""
    if request.user.has_perm("remedies.view_dashboard"):
        return redirect("remedies:dashboard")
    return redirect("decisions:list")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 only when the database answers; 503 otherwise (for container health checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
