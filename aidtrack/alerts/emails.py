"""Alert e-mails: plain text and HTML, in the subscriber's language, with a one-click unsubscribe."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aidtrack.alerts.models import Subscription
from aidtrack.alerts.selectors import AlertItem, site_url

UNSUBSCRIBE_SALT = "aidtrack.alerts.unsubscribe"


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "u": subscription.user_id}, salt=UNSUBSCRIBE_SALT)


def subscription_from_token(token: str) -> Subscription | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=value.get("s"), user_id=value.get("u")).first()


def unsubscribe_url(subscription: Subscription) -> str:
    return site_url(reverse("alerts:unsubscribe", args=[unsubscribe_token(subscription)]))


def alert_message(*, subscription: Subscription, items: list[AlertItem], digest: bool) -> EmailMultiAlternatives:
    """One e-mail for one subscriber: a single alert, or a digest of several."""
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        if digest:
            subject = ngettext(
                "aidtrack digest: %(count)d alert (%(name)s)",
                "aidtrack digest: %(count)d alerts (%(name)s)",
                len(items),
            ) % {"count": len(items), "name": str(subscription)}
        else:
            subject = items[0].title
        context = {
            "items": items,
            "subscription": subscription,
            "digest": digest,
            "unsubscribe_url": unsubscribe_url(subscription),
            "manage_url": site_url(reverse("staff:alerts")),
            "language": translation.get_language(),
            "bidi": translation.get_language_bidi(),
        }
        text = render_to_string("alerts/email/alert.txt", context)
        html = render_to_string("alerts/email/alert.html", context)
        subject = _("[aidtrack] %(subject)s") % {"subject": subject}
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:200],
        body=text,
        to=[subscription.user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
