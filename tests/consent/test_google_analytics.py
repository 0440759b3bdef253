"""Google Analytics (R5.3, R6.3): off by default; with a measurement id, only after consent."""

from __future__ import annotations

from pathlib import Path

import pytest

from bkm import ROOT
from tests.client import ShopClient
from tests.consent.helpers import banner_shown, choose

GA_ID = "G-TEST12345"
GA_SCRIPT = Path(ROOT, "static", "js", "google-analytics.js")


@pytest.fixture
def ga_client(app_factory):
    app = app_factory(GA_MEASUREMENT_ID=GA_ID)
    app.test_client_class = ShopClient
    with app.app_context():
        yield app.test_client()


@pytest.mark.req("R5.3")
def test_by_default_the_shop_makes_no_third_party_request(client):
    choose(client, "godta-alle")
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert "googletagmanager" not in html and "google-analytics" not in html
    assert "google" not in response.headers["Content-Security-Policy"]
    assert 'value="marketing"' not in client.get("/cookie-innstillinger").get_data(as_text=True)


@pytest.mark.req("R5.3")
def test_with_a_measurement_id_the_tag_loads_only_after_marketing_consent(ga_client):
    first = ga_client.get("/")
    assert banner_shown(first) and 'data-testid="google-analytics"' not in first.get_data(
        as_text=True
    )
    assert 'value="marketing"' in first.get_data(as_text=True)

    choose(ga_client, "lagre", "statistics")
    assert 'data-testid="google-analytics"' not in ga_client.get("/").get_data(as_text=True)

    choose(ga_client, "godta-alle")
    response = ga_client.get("/")
    html = response.get_data(as_text=True)
    assert f'data-measurement-id="{GA_ID}"' in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' https://www.googletagmanager.com" in policy


@pytest.mark.req("R6.3")
def test_the_tag_sets_consent_mode_to_denied_first_and_anonymises_ip_addresses():
    script = GA_SCRIPT.read_text(encoding="utf-8")
    default = script.index('gtag("consent", "default"')
    assert default < script.index('gtag("config"') < script.index("googletagmanager.com/gtag/js")
    for signal in ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage"):
        assert f'{signal}: "denied"' in script
    assert "anonymize_ip: true" in script and "allow_google_signals: false" in script


@pytest.mark.req("R5.3")
def test_global_privacy_control_keeps_google_analytics_off(ga_client):
    choose(ga_client, "godta-alle")
    html = ga_client.get("/", headers={"Sec-GPC": "1"}).get_data(as_text=True)
    assert 'data-testid="google-analytics"' not in html


@pytest.mark.parametrize("value", ["UA-12345-1", "G-", "g-abc123", 'G-ABC"><script>', 42])
def test_only_a_real_measurement_id_is_accepted(app_factory, value):
    from bkm.config import ConfigError

    with pytest.raises(ConfigError, match="GA4 measurement id"):
        app_factory(GA_MEASUREMENT_ID=value)
