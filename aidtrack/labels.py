"""Field and record names that Django derives from the code, made translatable.

A field declared without a verbose name is called after its attribute (``occurred_on`` is "occurred on"), and a
model after its class ("convoy request"); Django shows these words on forms, in the admin and in histories but
never translates them. At ``class_prepared`` (``aidtrack/__init__.py``) each derived name of our models is made a
lazy translation of itself, and the lists below put every one of them in the catalogue. Migrations do not see the
change: a field keeps its declared verbose name (none), and only the shown one is translated.
``tests/test_translations.py`` fails when a model gains a derived name missing here.
"""

from django.utils.translation import gettext_lazy


def gettext_noop(message: str) -> str:
    """Marks a name for makemessages. Django's own reads settings, which are not configured yet when this module
    loads (``aidtrack/__init__.py`` imports it before ``aidtrack.wsgi`` names the settings)."""
    return message


FIELD_NAMES = [
    gettext_noop("access effect"),
    gettext_noop("actor1"),
    gettext_noop("actor2"),
    gettext_noop("agreement"),
    gettext_noop("aid workers abducted"),
    gettext_noop("aid workers detained"),
    gettext_noop("aid workers injured"),
    gettext_noop("aid workers killed"),
    gettext_noop("alert event"),
    gettext_noop("alert events"),
    gettext_noop("aliases"),
    gettext_noop("announced on"),
    gettext_noop("area"),
    gettext_noop("areas"),
    gettext_noop("attempted at"),
    gettext_noop("attempts"),
    gettext_noop("beneficiaries affected"),
    gettext_noop("besieging parties"),
    gettext_noop("brokers"),
    gettext_noop("cargo line"),
    gettext_noop("category"),
    gettext_noop("centroid lat"),
    gettext_noop("centroid lon"),
    gettext_noop("changed at"),
    gettext_noop("client key"),
    gettext_noop("column plan"),
    gettext_noop("columns"),
    gettext_noop("communities"),
    gettext_noop("community"),
    gettext_noop("condition"),
    gettext_noop("consecutive failures"),
    gettext_noop("contact"),
    gettext_noop("convoy"),
    gettext_noop("counted categories"),
    gettext_noop("counted conflict event types"),
    gettext_noop("counts"),
    gettext_noop("created at"),
    gettext_noop("created by"),
    gettext_noop("data"),
    gettext_noop("date precision"),
    gettext_noop("dedup key"),
    gettext_noop("delivery id"),
    gettext_noop("delivery"),
    gettext_noop("description"),
    gettext_noop("details"),
    gettext_noop("duration ms"),
    gettext_noop("email status"),
    gettext_noop("emailed at"),
    gettext_noop("end date"),
    gettext_noop("endpoint"),
    gettext_noop("ends at"),
    gettext_noop("error"),
    gettext_noop("event date"),
    gettext_noop("event id"),
    gettext_noop("event type"),
    gettext_noop("event"),
    gettext_noop("excluded parties"),
    gettext_noop("expires at"),
    gettext_noop("external id"),
    gettext_noop("facilities damaged"),
    gettext_noop("facilities destroyed"),
    gettext_noop("fanned out at"),
    gettext_noop("fatalities"),
    gettext_noop("finished at"),
    gettext_noop("from status"),
    gettext_noop("geo precision"),
    gettext_noop("geometry"),
    gettext_noop("governorate"),
    gettext_noop("governorates"),
    gettext_noop("heartbeat at"),
    gettext_noop("import key"),
    gettext_noop("imported at"),
    gettext_noop("incident"),
    gettext_noop("internal description"),
    gettext_noop("is active"),
    gettext_noop("item"),
    gettext_noop("key hash"),
    gettext_noop("kind"),
    gettext_noop("last digest at"),
    gettext_noop("last edit key"),
    gettext_noop("last used at"),
    gettext_noop("latitude"),
    gettext_noop("lead organization"),
    gettext_noop("level"),
    gettext_noop("licence"),
    gettext_noop("location name"),
    gettext_noop("location"),
    gettext_noop("longitude"),
    gettext_noop("max days without access"),
    gettext_noop("max incidents per day"),
    gettext_noop("max lat"),
    gettext_noop("max lon"),
    gettext_noop("members"),
    gettext_noop("min lat"),
    gettext_noop("min lon"),
    gettext_noop("modality"),
    gettext_noop("name"),
    gettext_noop("next attempt at"),
    gettext_noop("note"),
    gettext_noop("notes"),
    gettext_noop("notification"),
    gettext_noop("notifications"),
    gettext_noop("occurred at"),
    gettext_noop("options"),
    gettext_noop("organization"),
    gettext_noop("origin area"),
    gettext_noop("origin latitude"),
    gettext_noop("origin longitude"),
    gettext_noop("parent"),
    gettext_noop("partner organizations"),
    gettext_noop("party"),
    gettext_noop("password fingerprint"),
    gettext_noop("paused at"),
    gettext_noop("payload"),
    gettext_noop("people injured"),
    gettext_noop("people killed"),
    gettext_noop("perpetrator"),
    gettext_noop("placement problem"),
    gettext_noop("plan month"),
    gettext_noop("plan"),
    gettext_noop("planned beneficiaries"),
    gettext_noop("population date"),
    gettext_noop("population source"),
    gettext_noop("population year"),
    gettext_noop("population"),
    gettext_noop("prefix"),
    gettext_noop("preview"),
    gettext_noop("problems"),
    gettext_noop("public summary"),
    gettext_noop("publish exact location"),
    gettext_noop("quantity removed"),
    gettext_noop("quantity"),
    gettext_noop("reached beneficiaries"),
    gettext_noop("read at"),
    gettext_noop("reason"),
    gettext_noop("recorded at"),
    gettext_noop("recorded by"),
    gettext_noop("reference"),
    gettext_noop("reliability"),
    gettext_noop("removed on"),
    gettext_noop("reported at"),
    gettext_noop("reported by"),
    gettext_noop("requested date"),
    gettext_noop("required consecutive days"),
    gettext_noop("role"),
    gettext_noop("rows done"),
    gettext_noop("rows total"),
    gettext_noop("secret"),
    gettext_noop("sector"),
    gettext_noop("source bytes"),
    gettext_noop("source"),
    gettext_noop("stage"),
    gettext_noop("start date"),
    gettext_noop("started at"),
    gettext_noop("started by name"),
    gettext_noop("started by"),
    gettext_noop("starts at"),
    gettext_noop("stated area"),
    gettext_noop("status code"),
    gettext_noop("status"),
    gettext_noop("sub event type"),
    gettext_noop("subscription"),
    gettext_noop("subscriptions"),
    gettext_noop("summary"),
    gettext_noop("supplies lost"),
    gettext_noop("title"),
    gettext_noop("to status"),
    gettext_noop("topic"),
    gettext_noop("unit"),
    gettext_noop("updated at"),
    gettext_noop("updated by"),
    gettext_noop("user"),
    gettext_noop("vehicles damaged"),
    gettext_noop("verification note"),
    gettext_noop("verification status"),
    gettext_noop("verified at"),
    gettext_noop("verified by"),
    gettext_noop("version"),
    gettext_noop("visibility"),
    gettext_noop("webhook attempt"),
    gettext_noop("webhook attempts"),
    gettext_noop("webhook delivery"),
    gettext_noop("webhook endpoint"),
    gettext_noop("webhook endpoints"),
    gettext_noop("website"),
]

MODEL_NAMES = [
    gettext_noop("admin areas"),
    gettext_noop("agreement condition"),
    gettext_noop("agreement conditions"),
    gettext_noop("agreement"),
    gettext_noop("agreements"),
    gettext_noop("API tokens"),
    gettext_noop("area"),
    gettext_noop("areas"),
    gettext_noop("cargo line"),
    gettext_noop("cargo lines"),
    gettext_noop("checkpoint removal"),
    gettext_noop("checkpoint removals"),
    gettext_noop("column mapping"),
    gettext_noop("column mappings"),
    gettext_noop("conflict event"),
    gettext_noop("conflict events"),
    gettext_noop("convoy destination"),
    gettext_noop("convoy destinations"),
    gettext_noop("convoy event"),
    gettext_noop("convoy events"),
    gettext_noop("convoy request"),
    gettext_noop("convoy requests"),
    gettext_noop("geodata states"),
    gettext_noop("import run"),
    gettext_noop("import runs"),
    gettext_noop("incident draft"),
    gettext_noop("incident drafts"),
    gettext_noop("incident source"),
    gettext_noop("incident sources"),
    gettext_noop("incident"),
    gettext_noop("incidents"),
    gettext_noop("membership"),
    gettext_noop("memberships"),
    gettext_noop("organization"),
    gettext_noop("organizations"),
    gettext_noop("party"),
    gettext_noop("status period"),
    gettext_noop("status periods"),
]


def is_ours(model) -> bool:
    return model.__module__.startswith("aidtrack.") and not model.__name__.startswith("Historical")


def derived_names(model) -> list[str]:
    """The names Django derived for this model and its own fields (declared names are left out)."""
    names = [
        str(field.verbose_name)
        for field in model._meta.local_fields + model._meta.local_many_to_many
        if field._verbose_name is None
    ]
    if "verbose_name" not in model._meta.original_attrs:
        names.append(str(model._meta.verbose_name))
    if "verbose_name_plural" not in model._meta.original_attrs:
        names.append(str(model._meta.verbose_name_plural))
    return names


def translate_derived_names(sender, **kwargs) -> None:
    """Receiver of ``class_prepared``: the shown names of a model of ours become lazy translations."""
    if not is_ours(sender):
        return
    for field in sender._meta.local_fields + sender._meta.local_many_to_many:
        if field._verbose_name is None:
            field.verbose_name = gettext_lazy(field.verbose_name)
    opts = sender._meta
    if "verbose_name" not in opts.original_attrs:
        opts.verbose_name = gettext_lazy(str(opts.verbose_name))
    if "verbose_name_plural" not in opts.original_attrs:
        opts.verbose_name_plural = gettext_lazy(str(opts.verbose_name_plural))
