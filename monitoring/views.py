from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from households.models import YearParameters


@never_cache
def healthz(request):
    """For load balancers and the benchmarks' reference: the app answers and reads one row."""
    YearParameters.objects.only("year").first()
    return HttpResponse("ok", content_type="text/plain")
