"""One name for one thing: in the change-request code a ChangeRequest is `change`, and
`request` is only ever the HTTP request (as in every view)."""

import inspect

import pytest

from households.changes import history, kinds, review, selectors, services
from households.changes.models import ChangeRequestAttachment, ChangeRequestEvent

# The functions that take the HTTP request: to read a form's uploads, to log a reveal.
TAKE_THE_HTTP_REQUEST = {review.attachments_form, review.change_reveal}


def functions_of(module):
    return [value for value in vars(module).values()
            if inspect.isfunction(value) and value.__module__ == module.__name__]


@pytest.mark.parametrize("module", [services, kinds, review, selectors, history], ids=lambda module: module.__name__)
def test_it_names_no_parameter_request_but_the_http_request(module):
    named_request = [function.__name__ for function in functions_of(module)
                     if "request" in inspect.signature(function).parameters and function not in TAKE_THE_HTTP_REQUEST]
    assert named_request == []


def test_it_passes_the_change_request_as_change_to_every_service():
    for function in (services.change_request_approve, services.change_request_return,
                     services.change_request_resubmit, services.change_request_rehearse,
                     review.change_request_withdraw, selectors.diff_rows, selectors.income_request_figures):
        assert inspect.signature(function).parameters["change"].kind == inspect.Parameter.KEYWORD_ONLY


def test_it_names_the_change_request_of_an_event_and_of_an_attachment_change():
    for model in (ChangeRequestEvent, ChangeRequestAttachment):
        assert model._meta.get_field("change").related_model.__name__ == "ChangeRequest"
        assert "request" not in {field.name for field in model._meta.get_fields()}
