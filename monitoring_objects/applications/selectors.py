"""Reads of the application pages: one application in scope, its files, its timeline."""

from django.db.models import Q

from accounts import permissions
from households.models import Household

from monitoring_objects.models import OPEN_APPLICATION, Application, ProcedureEvent, ProcedureFile


def application_detail(*, user, pk: int) -> Application:
    """One application of `user`'s scope with its household, village and clue;
    Application.DoesNotExist outside the scope."""
    return (Application.objects.in_scope(user)
            .select_related("household", "household__village", "household__village__parent", "clue",
                            "override_by")
            .get(pk=pk))


def application_files(application: Application) -> list[ProcedureFile]:
    return list(application.files.all())


def application_events(application: Application):
    """The application's steps, and the clue it came from, oldest first."""
    where = Q(application=application)
    if application.clue_id:
        where |= Q(clue_id=application.clue_id)
    return ProcedureEvent.objects.filter(where).select_related("actor").order_by("at", "pk")


def application_file(*, user, pk: int, file_pk: int) -> ProcedureFile:
    """A file of an application in `user`'s scope; ProcedureFile.DoesNotExist otherwise."""
    return ProcedureFile.objects.get(pk=file_pk, application__in=Application.objects.in_scope(user).filter(pk=pk))


def household_in_scope(*, user, number: str) -> Household:
    return Household.objects.in_scope(user).get(number=number)


def application_list(*, user, filters: dict, today):
    """Applications in `user`'s scope, oldest deadline first; by default those whose next step is
    the user's (the queue), or every status with `filters["status"] == "all"`."""
    applications = (Application.objects.in_scope(user)
                    .select_related("household", "household__village", "household__village__parent")
                    .order_by("deadline", "pk"))
    status = filters.get("status") or "mine"
    if status == "mine":
        applications = applications.filter(status__in=permissions.application_statuses_of(user) or OPEN_APPLICATION)
    elif status != "all":
        applications = applications.filter(status=status)
    if filters.get("kind"):
        applications = applications.filter(kind=filters["kind"])
    if filters.get("overdue"):
        applications = applications.open().filter(deadline__lt=today)
    return applications
