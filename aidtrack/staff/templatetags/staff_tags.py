"""Template helpers for the staff screens."""

import re

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.orgs import selectors as orgs_selectors
from aidtrack.staff.selectors import reviewable_organization_ids

register = template.Library()

PEOPLE_PAGES = {"people", "sign_in_log", "download_log", "people_changes"}


@register.filter
def reviews_anything(user) -> bool:
    """Whether to offer the verification queue: site admins and reviewers of any organization."""
    organizations = reviewable_organization_ids(user)
    return organizations is None or bool(organizations)


@register.filter
def manages_anyone(user) -> bool:
    """Whether to offer the People pages: organization admins and site admins."""
    return orgs_selectors.manages_anyone(user)


@register.filter
def is_people_page(url_name) -> bool:
    return bool(url_name) and (url_name in PEOPLE_PAGES or url_name.startswith("member_"))


@register.simple_tag
def app_text() -> dict:
    """The words staff/app.js shows (the outbox, the offline notices), translated on the server."""
    return {
        "heading": _("Reports waiting on this device: %(count)s"),
        "waiting": _("waiting to send"),
        "sending": _("sending…"),
        "sendNow": _("Send now"),
        "refused": _("refused: open it to see why"),
        "refusedHelp": _("The server refused this report: nothing was saved. Fix what is marked and send it again."),
        "signedOut": _("Sign in again to send the reports waiting on this device; they are kept until then."),
        "savedOffline": _(
            "No connection: the report is saved on this device, waiting to send. It is sent by itself when the "
            "connection returns; you can report another meanwhile."
        ),
        "stepWaiting": _(
            "No connection: this status step is saved on this device, waiting to send. The next step can be "
            "recorded once it is sent."
        ),
        "editWaiting": _(
            "An edit of this incident is saved on this device, waiting to send. Open it from the list of reports "
            "waiting to change it; the next edit can be made once it is sent."
        ),
        "version": _("Version"),
        "who": _("By"),
        "field": _("Field"),
        "before": _("Before"),
        "after": _("After"),
        "draft": _("draft on this device, not sent"),
        "draftOnDevice": _(
            "No connection: the draft is saved on this device only. Open it from the list above to complete and "
            "report it, or save it again once connected to keep it on the server."
        ),
        "saved": _("saved"),
        "open": _("Open"),
        "discard": _("Discard"),
        "untitled": _("Report without a title"),
        "confirmDiscard": _("Delete this report from this device? It has not been sent."),
        "confirmSignOut": _(
            "Reports not yet sent on this device: %(count)s. Signing out deletes them from this device. "
            "Sign out anyway?"
        ),
        "offlinePlacement": _("No connection: the admin areas are filled in when the report is sent."),
        "noMatch": _("No community matches; try another spelling or the P-code."),
    }


IMPORT_ACTIONS = {
    "create": gettext_lazy("create"),
    "update": gettext_lazy("update"),
    "unchanged": gettext_lazy("unchanged"),
    "duplicate": gettext_lazy("duplicate"),
    "error": gettext_lazy("error"),
    "warning": gettext_lazy("warning"),
}
WHERE = re.compile(r"^(?:row (?P<row>\d+))?(?:, )?(?:column (?P<column>.+)|rule (?P<rule>\d+))?$")


@register.filter
def import_action(code: str) -> str:
    """A row's action or a problem's severity as stored on the run (a code), in the reader's language."""
    return IMPORT_ACTIONS.get(code, code)


@register.filter
def problem_where(where: str) -> str:
    """Where a problem is, as stored on the run ("row 12, column 'Date'"), in the reader's language.

    The run keeps it in English because the pages read the row number from it; other places (a layer, a
    feature) are shown as they were written.
    """
    found = WHERE.match(where or "")
    if not found or not where:
        return where
    parts = []
    if found["row"]:
        parts.append(conditional_escape(_("row %(row)s") % {"row": found["row"]}))
    if found["column"]:
        # The column is the file's own header: isolated, so an English header keeps its place in Arabic.
        wording = conditional_escape(_("column %(column)s")).replace("{", "{{").replace("}", "}}")
        parts.append(format_html(wording.replace("%(column)s", "<bdi>{}</bdi>"), found["column"]))
    if found["rule"]:
        parts.append(conditional_escape(_("rule %(rule)s") % {"rule": found["rule"]}))
    return format_html_join(_(", "), "{}", ((part,) for part in parts))
