"""Only <b> and <i> survive from content and translations; everything else is refused."""

import pytest

from generator.markup import MarkupProblem, to_markup


def test_allowed_tags_survive_and_text_is_escaped():
    assert str(to_markup("<b>Flushing</b> & wheezing < 5")) == "<b>Flushing</b> &amp; wheezing &lt; 5"


@pytest.mark.parametrize("text, words", [
    ('<img src="/etc/passwd"/>', "tag <img> is not allowed"),
    ('<font name="x">a</font>', "tag <font> is not allowed"),
    ('<b onclick="x">a</b>', "may not have attributes"),
    ("<b><i>a</b></i>", "closes nothing open here"),
    ("&lt;b&gt;", "entity &lt; is not allowed"),
    ("a\u202eb", "bidirectional override"),
    ("a\x07b", "control character"),
])
def test_refused(text, words):
    with pytest.raises(MarkupProblem) as info:
        to_markup(text)
    assert words in str(info.value)
