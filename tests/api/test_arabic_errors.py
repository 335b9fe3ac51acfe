"""The API's errors in Arabic when the client asks (Accept-Language: ar): validation, permission, 404, throttle.

The JSON keys and codes (``code``, field names, categories, statuses) stay as they are in every language; the
words a person reads (``detail`` and the messages under ``errors``) follow the language.
"""

import re
from http import HTTPStatus

import pytest
from django.test import override_settings

ARABIC = {"HTTP_ACCEPT_LANGUAGE": "ar"}
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{3,}){2,}")  # three English words in a row


def assert_arabic(text: str) -> None:
    assert re.search("[\u0600-\u06ff]", text), text
    # Codes, field names and examples (YYYY-MM-DD, ISO 8601) may stay; a sentence may not.
    assert not ENGLISH_WORDS.search(text), text


def messages(body: dict) -> list[str]:
    return [body["detail"]] + [message for listed in body["errors"].values() for message in listed]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/incidents/?fields=nonsense",
        "/api/v1/incidents/?page_size=0",
        "/api/v1/incidents/?bbox=0,0,200,0",
        "/api/v1/incidents/?date_from=tomorrow",
        "/api/v1/areas/?as_of=someday",
    ],
)
def test_a_refused_query_is_explained_in_arabic(client, path):
    response = client.get(path, **ARABIC)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == "invalid", "codes stay codes"
    for message in messages(body):
        assert_arabic(message)


@pytest.mark.django_db
def test_not_found_and_not_signed_in_come_in_arabic(client):
    missing = client.get("/api/v1/incidents/999999/", **ARABIC)
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert_arabic(missing.json()["detail"])
    refused = client.post("/api/v1/incidents/", {}, content_type="application/json", **ARABIC)
    assert refused.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert_arabic(refused.json()["detail"])


@pytest.mark.django_db
@override_settings(AIDTRACK_API_ANON_RATE="1/minute")
def test_throttling_comes_in_arabic(client):
    client.get("/api/v1/parties/", **ARABIC)
    response = client.get("/api/v1/parties/", **ARABIC)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert_arabic(response.json()["detail"])


@pytest.mark.django_db
def test_the_same_errors_stay_english_for_an_english_client(client):
    body = client.get("/api/v1/incidents/?page_size=0").json()
    assert body["detail"] == "The request was not accepted: see errors."


def test_codes_stay_codes_and_labels_follow_the_language(world, client_for):
    """A category is its code in every language; the label the API offers beside it is in the reader's language."""
    client = client_for("anonymous")
    english = {row["id"]: row for row in client.get("/api/v1/incidents/").json()["results"]}
    arabic = {row["id"]: row for row in client.get("/api/v1/incidents/", **ARABIC).json()["results"]}
    row = arabic[world.public.pk]
    assert row["category"] == english[world.public.pk]["category"] == world.public.category
    assert re.search("[\u0600-\u06ff]", row["category_label"]), row["category_label"]
    assert row["category_label"] != english[world.public.pk]["category_label"]


def test_the_api_description_follows_the_language_the_docs_ask_for(client):
    """The docs pages fetch the schema with ?lang=; its landing text is then in that language."""
    english = client.get("/api/v1/schema/?lang=en").content.decode()
    arabic = client.get("/api/v1/schema/?lang=ar").content.decode()
    assert "Besieged and hard-to-reach areas" in english
    assert "المناطق المحاصرة" in arabic and "Besieged and hard-to-reach areas" not in arabic


@pytest.mark.django_db
def test_every_text_a_reader_sees_in_the_schema_is_in_arabic_when_asked(client):
    """Summaries, descriptions of endpoints and parameters, and every field's help follow ?lang=ar; none comes from
    a docstring (written in English for the code's readers; the list cache's once described most endpoints)."""
    schema = client.get("/api/v1/schema/?lang=ar&format=json").json()
    texts = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            texts += [(f"{method} {path}", operation.get("summary", ""), operation.get("description", ""))]
            texts += [
                (f"{method} {path} ?{p['name']}", p.get("description", "")) for p in operation.get("parameters", [])
            ]
    for name, component in schema["components"]["schemas"].items():
        texts += [
            (f"{name}.{key}", field.get("description", "")) for key, field in component.get("properties", {}).items()
        ]
    english = [
        (where, text) for where, *said in texts for text in said if text and not re.search("[\u0600-\u06ff]", text)
    ]
    assert english == []
    assert "cached_list" not in str(schema)
