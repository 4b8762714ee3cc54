"""The content site's page types (one module each in cms/pages/)."""

from .pages.contact import ContactFormField, ContactPage
from .pages.content import ContentPage
from .pages.establishment import EstablishmentPage
from .pages.faq import FAQPage
from .pages.guide import GuidePage
from .pages.home import HomePage
from .pages.news import NewsPage
from .pages.tutorial import TutorialPage

__all__ = [
    "ContactFormField",
    "ContactPage",
    "ContentPage",
    "EstablishmentPage",
    "FAQPage",
    "GuidePage",
    "HomePage",
    "NewsPage",
    "TutorialPage",
]
