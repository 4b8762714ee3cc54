import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Images, renditions and documents are written under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def demo_site(db):
    """The embedded default's demo data, content site included (manage.py load_demo)."""
    from sandbox.demo import load_demo

    load_demo()
    from cms.models import HomePage

    return HomePage.objects.get(locale__language_code="fr")


@pytest.fixture
def home(db):
    from tests.cms.factories import HomePageFactory

    return HomePageFactory()
