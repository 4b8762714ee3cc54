"""StreamField blocks of the content site: shared content blocks, the guide's steps, the FAQ, the
tutorial's chapters and the home page's services."""

from .content import (
    AccessibleImageBlock,
    ButtonLabelBlock,
    ContentStreamBlock,
    HeadingBlock,
    InfoCalloutBlock,
    QRCodeBlock,
    ScreenTextBlock,
    WarningCalloutBlock,
)
from .faq import FAQThemeBlock, QuestionBlock
from .guide import GuideStreamBlock, StepBlock, SubStepBlock
from .home import ServiceBlock
from .tutorial import ChapterBlock

__all__ = [
    "AccessibleImageBlock",
    "ButtonLabelBlock",
    "ChapterBlock",
    "ContentStreamBlock",
    "FAQThemeBlock",
    "GuideStreamBlock",
    "HeadingBlock",
    "InfoCalloutBlock",
    "QRCodeBlock",
    "QuestionBlock",
    "ScreenTextBlock",
    "ServiceBlock",
    "StepBlock",
    "SubStepBlock",
    "WarningCalloutBlock",
]
