"""Helpers the page views share: the request context and error mapping."""

from django import forms
from django.conf import settings
from django.http import HttpRequest

from domain.context import RequestContext
from domain.errors import DomainError


def context_of(request: HttpRequest) -> RequestContext:
    """Who is acting and from where, for the audit trail."""
    return RequestContext.from_request(
        request, trusted_proxies=settings.TRUSTED_PROXY_COUNT
    )


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form field it names, else on the form."""
    field = error.extra.get("field")
    if field in form.fields:
        form.add_error(field, error.detail)
    else:
        form.add_error(None, error.detail)
