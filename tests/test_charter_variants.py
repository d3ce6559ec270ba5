"""Variants of the usage charter by country or legal entity: chosen from the person's
directory attributes, accepted per variant, asked again after a move, cited by
moderation; bad input refused with nothing changed; drafts' variants seen only by those
allowed to read the draft."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from charter import selectors, services
from charter import variants as charter_variants
from charter.models import CharterAcceptance, CharterSection, CharterVariant, CharterVersion
from consultation import services as consultation_services
from moderation import services as moderation_services
from moderation.models import Case
from notifications.models import Notification

from .consultation_factories import charter_author, consultation_on, draft_of, representatives
from .directory_helpers import ENTERPRISE, RSE_EXT, make_scim_client, user_payload
from .factories import UserFactory
from .moderation_factories import make_cast, reason, reported_post

pytestmark = pytest.mark.django_db

CHARTER_API = "/api/v1/charter/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person(country="", entity="", **kwargs):
    """Someone who has not accepted anything yet."""
    return UserFactory(country=country, legal_entity=entity, accepted_charter=False, **kwargs)


def add_variant(draft, name, *, country="", entity="", actor=None) -> CharterVariant:
    return services.charter_variant_save(
        variant=CharterVariant(
            version=draft,
            name_fr=f"{name} (fr)",
            name_en=name,
            country=country,
            legal_entity=entity,
        ),
        actor=actor,
    )


def german_section(variant, actor=None) -> CharterSection:
    return services.charter_variant_section_save(
        variant=variant,
        number="4.3",
        replaces=True,
        title_fr="Vie privée (droit allemand)",
        title_en="Privacy (German law)",
        body_fr="Le comité d’entreprise (Betriebsrat) est consulté.",
        body_en="The works council (Betriebsrat) is consulted.",
        is_report_reason=True,
        actor=actor,
    )


def publish(version, actor, major=True) -> CharterVersion:
    return services.charter_version_publish(
        version=version, actor=actor, requires_reacceptance=major
    )


@pytest.fixture
def germans():
    """People of the German entity (so the variant has a population)."""
    return [person("DE", "ACME GmbH") for _ in range(2)]


@pytest.fixture
def with_variants(admin_user, germans):
    """Version 2 published with a German variant (replacing §4.3, adding §9) and a
    variant for the French entity ACME SAS (adding §10)."""
    draft = draft_of()
    germany = add_variant(draft, "Germany", country="DE", actor=admin_user)
    german_section(germany, admin_user)
    services.charter_variant_section_save(
        variant=germany,
        number="9",
        title_fr="Mitbestimmung",
        title_en="Co-determination",
        body_fr="Accord d’entreprise.",
        body_en="Works agreement.",
        actor=admin_user,
    )
    person("FR", "ACME SAS")
    sas = add_variant(draft, "ACME SAS", entity="ACME SAS", actor=admin_user)
    services.charter_variant_section_save(
        variant=sas,
        number="10",
        title_fr="Droit d’alerte du CSE",
        title_en="The works council’s right to alert",
        body_fr="Le CSE peut alerter.",
        body_en="The CSE may raise an alert.",
        actor=admin_user,
    )
    return publish(draft, admin_user)


# Which variant applies ---------------------------------------------------------------


def test_the_most_specific_variant_applies(with_variants):
    draft = draft_of(with_variants)
    both = add_variant(draft, "GmbH in France", country="FR", entity="ACME GmbH")
    by_name = {v.name_en: v for v in draft.variants.all()}

    def chosen(country, entity):
        found = charter_variants.variant_for(draft, person(country, entity))
        return found.name_en if found else None

    assert chosen("DE", "Other GmbH") == "Germany"  # by country
    assert chosen("de", "") == "Germany"  # case does not matter
    assert chosen("BE", "acme sas") == "ACME SAS"  # by legal entity
    assert chosen("DE", "ACME SAS") == "ACME SAS"  # an entity beats a country
    assert chosen("FR", "ACME GmbH") == both.name_en  # both beat either
    assert chosen("IT", "") is None  # nobody's variant: the common text
    assert set(by_name) == {"Germany", "ACME SAS", "GmbH in France"}


def test_a_person_reads_their_variant_and_is_told_which(with_variants, germans):
    response = signed_in(germans[0]).get(reverse("charter:current"))

    page = response.content.decode()
    assert "Variant “Germany” (DE)" in page
    assert "It is the variant that applies to you." in page
    assert "The works council (Betriebsrat) is consulted." in page
    assert "Co-determination" in page
    assert "The CSE may raise an alert." not in page  # another variant's section


def test_a_person_without_a_variant_reads_the_common_text(with_variants):
    response = signed_in(person("IT")).get(reverse("charter:current"))

    page = response.content.decode()
    assert "The common text: no variant of this version applies to you." in page
    assert "Betriebsrat" not in page and "Co-determination" not in page


def test_the_variant_is_shown_in_french(with_variants, germans):
    response = signed_in(germans[0]).get(reverse("charter:current"), HTTP_ACCEPT_LANGUAGE="fr")

    page = response.content.decode()
    assert "Variante «\u00a0Germany (fr)\u00a0» (DE)" in page
    assert "Le comité d’entreprise (Betriebsrat) est consulté." in page
    assert "C'est la variante qui s'applique à vous." in page


def test_an_administrator_sees_every_variant_others_only_theirs(with_variants, admin_user, germans):
    sas = with_variants.variants.get(name_en="ACME SAS")
    url = reverse("charter:current") + f"?variant={sas.pk}"

    as_admin = signed_in(admin_user).get(url).content.decode()
    assert "The CSE may raise an alert." in as_admin and "Germany" in as_admin

    as_german = signed_in(germans[0]).get(url).content.decode()
    assert "The CSE may raise an alert." not in as_german
    assert "Betriebsrat" in as_german


def test_an_administrator_reading_another_variant_is_led_back_to_theirs_to_accept(
    with_variants, admin_user
):
    sas = with_variants.variants.get(name_en="ACME SAS")
    client = signed_in(admin_user)

    page = client.get(reverse("charter:current") + f"?variant={sas.pk}").content.decode()
    assert 'id="accept"' not in page  # no form under a text that is not theirs
    assert 'href="?variant=0#accept"' in page

    page = client.get(reverse("charter:current") + "?variant=0").content.decode()
    assert 'id="accept"' in page
    assert "Accept the charter in the text that applies to you" not in page


def test_the_api_gives_the_persons_variant(with_variants, germans):
    from .api_helpers import api_as

    body = api_as(germans[0]).get(CHARTER_API).json()

    assert body["variant"] == "Germany"
    assert "Co-determination" in [s["title"] for s in body["sections"]]


# Acceptance per variant and the move ----------------------------------------------------


def test_acceptance_records_the_variant_and_opens_the_gate(with_variants, germans):
    german = germans[0]
    assert not selectors.read_charter_status(german)["accepted"]

    response = signed_in(german).post(
        reverse("charter:accept"),
        {
            "version": with_variants.pk,
            "variant": with_variants.variants.get(country="DE").pk,
            "agree": "on",
        },
    )

    assert response.status_code == 302
    acceptance = CharterAcceptance.objects.get(user=german, version=with_variants)
    assert acceptance.variant.name_en == "Germany"
    assert selectors.read_charter_status(german)["accepted"]
    entry = AuditEntry.objects.get(action="charter.accepted", actor=german)
    assert entry.data["variant"] == "Germany"


def test_a_person_who_moves_is_asked_to_accept_the_new_variant(with_variants, germans):
    german = germans[0]
    services.charter_accept(user=german, version=with_variants)
    assert selectors.read_charter_status(german)["accepted"]

    german.country, german.legal_entity = "FR", "ACME SAS"  # moved to the French entity
    german.save(update_fields=["country", "legal_entity"])

    status = selectors.read_charter_status(german)
    assert not status["accepted"] and status["variant"].name_en == "ACME SAS"
    client = signed_in(german)
    refused = client.post(reverse("posts:home"), {"body": "Hallo"})
    assert refused.status_code == 302 and refused["Location"].startswith("/charter/")
    page = client.get(reverse("charter:current")).content.decode()
    assert "The CSE may raise an alert." in page and 'id="accept"' in page

    services.charter_accept(user=german, version=with_variants)

    assert selectors.read_charter_status(german)["accepted"]
    assert sorted(a.variant.name_en for a in CharterAcceptance.objects.filter(user=german)) == [
        "ACME SAS",
        "Germany",
    ]


def test_accepting_a_variant_no_longer_shown_is_refused(with_variants, germans):
    german = germans[0]
    shown = with_variants.variants.get(country="DE")
    german.country = "IT"
    german.save(update_fields=["country"])

    with pytest.raises(ValidationError) as refusal:
        services.charter_accept(user=german, version=with_variants, shown_variant=shown.pk)

    assert "has changed" in " ".join(refusal.value.messages)
    assert not CharterAcceptance.objects.filter(user=german, version=with_variants).exists()


def test_the_gate_reads_the_status_without_extra_queries_when_no_variant(
    admin_user, django_assert_num_queries
):
    publish(draft_of(), admin_user)
    someone = person("DE")

    with django_assert_num_queries(1):
        selectors.read_charter_status(someone)


# Moderation cites the variant's section -----------------------------------------------


def test_a_decision_cites_the_section_of_the_variant_the_author_accepted(with_variants, admin_user):
    cast = make_cast()
    for member in (cast.manager, cast.member):
        services.charter_accept(user=member, version=with_variants)
    cast.author.country = "DE"
    cast.author.save(update_fields=["country"])
    services.charter_accept(user=cast.author, version=with_variants)
    post = reported_post(cast, number="4.3")
    case = Case.objects.get(post=post)

    decision = moderation_services.case_decide(
        actor=cast.manager,
        case=case,
        outcome="hide",
        reason=reason("4.3"),
        sanction={"kind": "warning"},
    )

    assert decision.reason.variant.name_en == "Germany"
    assert decision.reason.title_en == "Privacy (German law)"
    assert case.author.moderation_sanctions.get().reason == decision.reason
    told = Notification.objects.get(recipient=cast.author, data__event="case_decided")
    assert told.data["section_title_en"] == "Privacy (German law)"
    assert told.data["section_variant_en"] == "Germany"


def test_a_decision_about_an_author_without_variant_cites_the_common_section(
    with_variants,
):
    cast = make_cast()
    for member in (cast.manager, cast.member, cast.author):
        services.charter_accept(user=member, version=with_variants)
    case = Case.objects.get(post=reported_post(cast, number="4.3"))

    decision = moderation_services.case_decide(
        actor=cast.manager, case=case, outcome="hide", reason=reason("4.3")
    )

    assert decision.reason.variant is None and decision.reason.number == "4.3"


# Bad input: refused with a message, nothing changed -------------------------------------


def test_a_variant_nobody_matches_is_not_published(admin_user):
    draft = draft_of()
    add_variant(draft, "Japan", country="JP")

    with pytest.raises(ValidationError) as refusal:
        publish(draft, admin_user)

    assert "Nobody in the directory matches variant “Japan” (JP)" in " ".join(
        refusal.value.messages
    )
    assert CharterVersion.objects.get(pk=draft.pk).status == "draft"


def test_two_variants_for_the_same_people_are_refused(admin_user, germans):
    draft = draft_of()
    add_variant(draft, "GmbH", entity="ACME GmbH")
    # Written with another case: the same people, found by the publication's check.
    CharterVariant.objects.create(
        version=draft, name_fr="Bis", name_en="Bis", legal_entity="acme gmbh"
    )

    with pytest.raises(ValidationError) as refusal:
        publish(draft, admin_user)

    assert "apply to the same people" in " ".join(refusal.value.messages)
    assert CharterVersion.objects.get(pk=draft.pk).status == "draft"


def test_a_variant_without_population_is_refused(admin_user):
    draft = draft_of()

    with pytest.raises(ValidationError):
        add_variant(draft, "Everybody")

    assert not draft.variants.exists()
    assert not AuditEntry.objects.filter(action="charter.variant_added").exists()


def test_replacing_a_section_that_does_not_exist_is_refused(admin_user, germans):
    draft = draft_of()
    germany = add_variant(draft, "Germany", country="DE")

    with pytest.raises(ValidationError) as refusal:
        services.charter_variant_section_save(
            variant=germany,
            number="99",
            replaces=True,
            title_fr="x",
            title_en="x",
            body_fr="x",
            body_en="x",
            actor=admin_user,
        )

    assert "replaces a common section that does not exist" in " ".join(refusal.value.messages)
    assert not germany.sections.exists()
    # Written behind the service's back, the publication refuses it too.
    CharterSection.objects.create(
        version=draft,
        variant=germany,
        number="99",
        replaces=True,
        title_fr="x",
        title_en="x",
        body_fr="x",
        body_en="x",
    )
    with pytest.raises(ValidationError):
        publish(draft, admin_user)
    assert CharterVersion.objects.get(pk=draft.pk).status == "draft"


def test_a_published_versions_variants_are_frozen(with_variants, admin_user):
    germany = with_variants.variants.get(country="DE")

    with pytest.raises(ValidationError):
        germany.name_en = "Deutschland"
        services.charter_variant_save(variant=germany, actor=admin_user)

    assert CharterVariant.objects.get(pk=germany.pk).name_en == "Germany"


def test_governance_changes_to_variants_are_audited(admin_user, germans):
    draft = draft_of()
    germany = add_variant(draft, "Germany", country="DE", actor=admin_user)
    german_section(germany, admin_user)
    services.charter_variant_delete(variant=germany, actor=admin_user)

    actions = list(
        AuditEntry.objects.filter(action__startswith="charter.variant").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "charter.variant_added",
        "charter.variant_removed",
        "charter.variant_sections_changed",
    ]


# Drafts: variants seen only by those who may read the draft -----------------------------


def test_a_draft_variant_is_seen_only_by_those_consulted(admin_user, germans):
    draft = draft_of()
    germany = add_variant(draft, "Germany", country="DE", actor=admin_user)
    german_section(germany, admin_user)
    representative = person("FR")
    consultation_on(draft, now=timezone.now(), groups=[representative_group(representative)])
    url = reverse("consultation:draft", args=[draft.number])

    consulted = signed_in(representative).get(url)
    assert consulted.status_code == 200
    assert "The works council (Betriebsrat) is consulted." in consulted.content.decode()

    german = germans[0]
    assert signed_in(german).get(url).status_code == 404
    charter_page = signed_in(german).get(reverse("charter:current") + f"?variant={germany.pk}")
    assert "Betriebsrat" not in charter_page.content.decode()


def representative_group(*people):
    return representatives(*people)


def test_publication_with_variants_waits_for_the_consultation(admin_user, germans):
    draft = draft_of()
    add_variant(draft, "Germany", country="DE", actor=admin_user)
    consultation_on(draft, now=timezone.now(), all_employees=True)

    with pytest.raises(ValidationError):
        publish(draft, admin_user)

    assert CharterVersion.objects.get(pk=draft.pk).status == "draft"


def test_the_consultation_notice_is_for_those_who_may_read_at_send_time(admin_user):
    draft = draft_of()
    representative, leaver = person("FR"), person("FR")
    group = representatives(representative, leaver)
    consultation = consultation_on(draft, now=timezone.now(), groups=[group])
    leaver.is_active = False  # left the company before the notices went out
    leaver.save(update_fields=["is_active"])

    consultation_services.notices_send(consultation_id=consultation.pk)

    told = set(
        Notification.objects.filter(data__event="consultation_opened").values_list(
            "recipient", flat=True
        )
    )
    assert told == {representative.pk}


def test_the_admin_pages_show_the_variants(with_variants, admin_user):
    client = signed_in(admin_user)
    draft = draft_of(with_variants)
    germany = draft.variants.get(country="DE")

    version_page = client.get(reverse("admin:charter_charterversion_change", args=[draft.pk]))
    variant_page = client.get(reverse("admin:charter_chartervariant_change", args=[germany.pk]))

    assert version_page.status_code == 200 and "Edit its sections" in version_page.content.decode()
    assert variant_page.status_code == 200
    assert "Privacy (German law)" in variant_page.content.decode()


def test_an_author_without_superuser_rights_reads_every_variant(with_variants):
    author = charter_author()
    sas = with_variants.variants.get(name_en="ACME SAS")

    page = signed_in(author).get(reverse("charter:current") + f"?variant={sas.pk}")

    assert "The CSE may raise an alert." in page.content.decode()


# The directory gives the attributes ----------------------------------------------------


def test_scim_provisions_country_and_legal_entity(admin_user):
    api = make_scim_client(admin_user)

    response = api.post(
        "/Users",
        user_payload(
            "hans@example.com",
            **{
                ENTERPRISE: {"department": "Einkauf"},
                RSE_EXT: {"country": "de", "legalEntity": "ACME GmbH"},
            },
        ),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body[RSE_EXT]["country"] == "DE" and body[RSE_EXT]["legalEntity"] == "ACME GmbH"
    from profiles.models import User

    hans = User.objects.get(username="hans@example.com")
    assert (hans.country, hans.legal_entity) == ("DE", "ACME GmbH")


def test_scim_refuses_a_country_that_is_no_code(admin_user):
    api = make_scim_client(admin_user)

    response = api.post(
        "/Users", user_payload("hans@example.com", **{RSE_EXT: {"country": "Germany"}})
    )

    assert response.status_code == 400
    assert "is not a country code" in response.json()["detail"]
    from profiles.models import User

    assert not User.objects.filter(username="hans@example.com").exists()


def test_ldap_attributes_map_to_country_and_legal_entity(settings):
    from directory import ldap

    settings.LDAP_LEGAL_ENTITY_ATTRIBUTE = "company"
    record, _manager = ldap._record(
        ldap.FLAVOURS["ad"],
        "cn=hans",
        {},
        {
            "userPrincipalName": "hans@example.com",
            "mail": "hans@example.com",
            "givenName": "Hans",
            "sn": "Meier",
            "c": "DE",
            "company": "ACME GmbH",
        },
        {},
    )

    assert (record.country, record.legal_entity) == ("DE", "ACME GmbH")


def test_single_sign_on_maps_country_codes_only():
    from identity.mapping import map_attributes

    assert map_attributes({"country": "fr", "legal_entity": "ACME SAS"})["country"] == "FR"
    assert "country" not in map_attributes({"country": "France"})


def test_a_csv_import_gives_country_and_legal_entity(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from profiles.models import User

    url = reverse("admin:directory_syncrun_import_csv")
    content = (
        "username,email,first_name,last_name,country,legal_entity\n"
        "hmeier,hans@example.com,Hans,Meier,de,ACME GmbH\n"
    )
    upload = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
    preview = admin_client.post(url, {"file": upload})
    admin_client.post(url, {"apply": "1", "digest": preview.context["digest"]})

    hans = User.objects.get(username="hmeier")
    assert (hans.country, hans.legal_entity) == ("DE", "ACME GmbH")
